"""URL map: the landing page, admin, the hub's own /__hub/ endpoints, and each vendor's
real paths (each vendor app adds its `urls.py` below when its issue lands)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from checkout_hub import media, views
from checkout_hub.control import views as control

urlpatterns = [
    path("", views.landing, name="landing"),
    path("admin/", admin.site.urls),
    path("__hub/health", control.HealthView.as_view(), name="hub-health"),
    path("__hub/scenarios", control.ScenariosView.as_view(), name="hub-scenarios"),
    path("__hub/clock", control.ClockView.as_view(), name="hub-clock"),
    path("__hub/reset", control.ResetView.as_view(), name="hub-reset"),
    path("__hub/journal", control.JournalView.as_view(), name="hub-journal"),
    path("__hub/schema/", SpectacularAPIView.as_view(), name="hub-schema"),
    path("__hub/docs/", SpectacularSwaggerView.as_view(url_name="hub-schema"), name="hub-docs"),
    path("", include("woo_store.urls")),
    path("", include("woo_store.page_urls")),
    path("", include("hwp_bridge.urls")),
    path("", include("cocart.urls")),
    path("", include("fluentcart.urls")),
    path("", include("fluentcart.page_urls")),
    path("", include("pancake.urls")),
    path("stripe/", include("stripe_fake.urls")),
    path(
        "hub-media/placeholder/<int:width>x<int:height>/<str:label>.svg",
        media.placeholder,
        name="hub-placeholder-image",
    ),
]
