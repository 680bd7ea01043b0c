"""The bridge's GET routes: health, the wp_rest nonce, and the Store API cart passthrough."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema

from checkout_hub.services import cart as cart_service

# The one vendor-to-vendor import the layering allows: HWP sits on a WooCommerce site, and its
# cart route passes the Store API's own cart (session, Cart-Token, wire format) through.
from woo_store import session as store_session
from woo_store.serializers.cart import cart_payload

from .. import auth, envelope, schema
from .base import HwpView

# What the health route reports about the emulated WordPress install (the HWP docs' example
# values; reference §3). No cookies, user ids, nonces or tokens: the docs say it never does.
PLUGIN_VERSION = "0.0.0"
WP_VERSION = "6.8.0"
PHP_VERSION = "8.2.0"
BUILD_ID = "dev"
BUILD_FLAVOR = "full"
NONCE_BOOTSTRAP_STRATEGY = "wp_validate_auth_cookie_globals_v1"
# The hub emulates WooCommerce and AffiliateWP (the `ref` attribution); not Restrict Content Pro.
DEPENDENCIES = {"woocommerce": "active", "restrictContentPro": "missing", "affiliateWp": "active"}


def roles_of(user) -> list[str]:
    """The WordPress roles a hub user stands for."""
    if user.is_superuser:
        return ["administrator"]
    if user.is_staff:
        return ["shop_manager"]
    return ["customer"]


def user_payload(user) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "displayName": user.get_full_name() or user.get_username(),
        "roles": roles_of(user),
        "createdAt": envelope.iso_utc(user.date_joined),
    }


class HealthView(HwpView):
    """Service status and environment-safe diagnostics."""

    @extend_schema(operation_id="hwp_health", responses=schema.HEALTH_RESPONSES)
    def get(self, request):
        return envelope.ok(
            request,
            {
                "status": "ok",
                "version": PLUGIN_VERSION,
                "env": "development" if settings.DEBUG else "production",
                "wpVersion": WP_VERSION,
                "phpVersion": PHP_VERSION,
                "dependencies": dict(DEPENDENCIES),
                "buildId": BUILD_ID,
                "buildFlavor": BUILD_FLAVOR,
                "nonceBootstrapStrategy": NONCE_BOOTSTRAP_STRATEGY,
            },
        )


class NonceView(HwpView):
    """A WordPress REST nonce (wp_rest) for X-WP-Nonce, and the logged-in user if any."""

    @extend_schema(operation_id="hwp_nonce", responses=schema.NONCE_RESPONSES)
    def get(self, request):
        user = auth.user_of(request)
        data: dict = {
            "nonce": auth.make_nonce(request),
            "headerName": auth.NONCE_HEADER,
            "userLoggedIn": user is not None,
        }
        if user is not None:
            data["userId"] = user.pk  # omitted when logged out (the HWP docs)
        data["user"] = user_payload(user) if user is not None else None
        return envelope.ok(request, data)


class StoreCartView(HwpView):
    """The WooCommerce Store API cart of the `Cart-Token` session (a new session without one),
    passed through as `data`, with the session's tokens in `meta.tokens`."""

    @extend_schema(
        operation_id="hwp_store_cart",
        parameters=[
            OpenApiParameter(
                "Cart-Token",
                str,
                OpenApiParameter.HEADER,
                description="The Store API Cart-Token of an earlier reply, for cart continuity.",
            )
        ],
        responses=schema.CART_RESPONSES,
    )
    def get(self, request):
        current = store_session.resolve(request)
        totals = cart_service.loaded_totals(current.cart)
        data = cart_payload(current.cart, self.get_serializer_context(), totals)
        headers = store_session.session_headers(current)
        tokens = {"cartToken": headers["Cart-Token"], "nonce": headers["Nonce"]}
        return envelope.ok(
            request, data, headers={"Cart-Token": tokens["cartToken"]}, tokens=tokens
        )
