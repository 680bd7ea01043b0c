"""The HWP bridge's routes under /wp-json/headlesswp/v1/.

WordPress matches REST routes without their trailing slash, so each route takes one or none.
Anything else under the prefix answers 404 NOT_FOUND in HWP's envelope.
"""

from django.urls import include, re_path

from .views import base, checkout, core

app_name = "hwp_bridge"

routes = [
    re_path(
        r"^store/checkout-session/?$",
        checkout.CheckoutSessionView.as_view(),
        name="checkout-session",
    ),
    re_path(r"^store/wc/cart/?$", core.StoreCartView.as_view(), name="store-cart"),
    re_path(r"^nonce/?$", core.NonceView.as_view(), name="nonce"),
    re_path(r"^health/?$", core.HealthView.as_view(), name="health"),
    re_path(r"^.*$", base.NoRouteView.as_view(), name="no-route"),
]

urlpatterns = [
    re_path(r"^wp-json/headlesswp/v1/", include(routes)),
    re_path(r"^wp-json/headlesswp/v1$", base.NoRouteView.as_view(), name="root"),
]
