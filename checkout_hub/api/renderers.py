"""Renderers every vendor view shares: JSON, and DRF's browsable API for QA in a browser."""

from __future__ import annotations

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, for views with or without a request serializer. A view sets
    `browsable_forms = "raw"` when its bodies are nested JSON that DRF's HTML forms cannot
    express (its raw JSON form stays)."""

    def get_rendered_html_form(self, data, view, method, request):
        if getattr(view, "browsable_forms", "html") == "raw" and method in ("POST", "PUT", "PATCH"):
            return None
        if getattr(view, "serializer_class", None) is None:
            return None
        return super().get_rendered_html_form(data, view, method, request)

    def get_raw_data_form(self, data, view, method, request):
        if getattr(view, "serializer_class", None) is None:
            return None  # no request body to describe (no-route, GET-only views)
        return super().get_raw_data_form(data, view, method, request)
