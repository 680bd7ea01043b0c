"""The adapter kit every vendor API is assembled from (see the README's architecture section)."""

from .views import VendorAPIView

__all__ = ["VendorAPIView"]
