"""The adapter kit every vendor API is assembled from (see the README's architecture section):
`views` (the base view), `errors` (the error-table mechanism), `idempotency` (the
idempotent-request mixin), `money` (money rendering per unit), `auth`, `renderers`."""

from .views import NoRouteMixin, RateLimit, VendorAPIView

__all__ = ["NoRouteMixin", "RateLimit", "VendorAPIView"]
