"""Cart routes: GET /cart, the cart/* write routes, and the /cart/items and /cart/coupons
collections. Each parses its args, calls the cart service and answers the cart (or the item,
or the coupon) in WooCommerce's shape; the rules live in `checkout_hub.services.cart`."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from checkout_hub.models import Vendor
from checkout_hub.services import cart as cart_service
from checkout_hub.services import checkout, pricing
from checkout_hub.services.errors import CartItemNotFound, CouponNotApplied

from .. import errors
from ..errors import WooError
from ..serializers.cart import (
    CartCouponSerializer,
    CartItemSerializer,
    CartSerializer,
    cart_payload,
    render_coupon,
    render_item,
)
from ..serializers.requests import (
    AddItemRequest,
    CouponRequest,
    ItemKeyRequest,
    QuantityRequest,
    SelectShippingRateRequest,
    UpdateCustomerRequest,
    UpdateItemRequest,
)
from .base import WooSessionView

CART_REPLY = {200: CartSerializer, 201: CartSerializer}


class CartRoute(WooSessionView):
    def cart_response(self, status: int = 200) -> Response:
        return Response(cart_payload(self.session.reload(), self.get_serializer_context()), status)

    def writable_cart(self):
        return self.session.cart_for_write()

    def existing_cart(self, missing: Exception):
        """The session's saved cart; with none saved yet, nothing can be found in it."""
        cart = self.session.cart
        if cart.pk is None:
            raise missing
        return cart

    def after_write(self, cart) -> None:
        # Cart writes re-sync the session's checkout-draft order (WooCommerce does the same).
        checkout.refresh_draft_order(cart, source=Vendor.WOO_STORE, user=self.request.user)

    def add(self, data: dict):
        if data["quantity"] <= 0:
            raise WooError(
                "woocommerce_rest_product_invalid_quantity",
                "Quantity must be a positive number.",
                400,
            )
        cart = self.writable_cart()
        variation = {v["attribute"]: v["value"] for v in data.get("variation") or []}
        # A new line outside the quantity limits is refused like an existing one (not clamped).
        item = cart_service.add_item(
            cart, data["id"], data["quantity"], variation=variation, clamp=False
        )
        self.after_write(cart)
        return item

    def require_coupons(self) -> None:
        if not settings.HUB_COUPONS_ENABLED:
            raise WooError("woocommerce_rest_cart_coupon_disabled", "Coupons are disabled.", 404)


class CartView(CartRoute):
    """The session's cart. Coupons that stopped applying are dropped and reported in
    `errors`, as WooCommerce does when it loads a cart."""

    @extend_schema(responses=CartSerializer)
    def get(self, request):
        cart = self.session.cart
        totals = cart_service.loaded_totals(cart)
        return Response(cart_payload(cart, self.get_serializer_context(), totals))


class AddItemView(CartRoute):
    error_stage = errors.ADD
    serializer_class = AddItemRequest

    @extend_schema(request=AddItemRequest, responses={201: CartSerializer})
    def post(self, request):
        params = self.params()
        if "key" in params:
            raise WooError(
                "woocommerce_rest_cart_item_exists", "Cannot create an existing cart item.", 400
            )
        self.add(self.validated(AddItemRequest, params))
        return self.cart_response(201)


class RemoveItemView(CartRoute):
    serializer_class = ItemKeyRequest

    @extend_schema(request=ItemKeyRequest, responses=CartSerializer)
    def post(self, request):
        data = self.validated(ItemKeyRequest)
        try:
            cart = self.existing_cart(CartItemNotFound(key=data["key"]))
            cart_service.remove_item(cart, data["key"])
        except CartItemNotFound:
            raise WooError(
                "woocommerce_rest_cart_invalid_key",
                "Cart item no longer exists or is invalid.",
                409,
            ) from None
        self.after_write(cart)
        return self.cart_response()


class UpdateItemView(CartRoute):
    error_stage = errors.UPDATE
    serializer_class = UpdateItemRequest

    @extend_schema(request=UpdateItemRequest, responses=CartSerializer)
    def post(self, request):
        data = self.validated(UpdateItemRequest)
        if data["quantity"] is None:
            # No quantity: WooCommerce answers the unchanged cart, even for an unknown key.
            return self.cart_response()
        cart = self.existing_cart(CartItemNotFound(key=data["key"]))
        cart_service.update_quantity(cart, data["key"], data["quantity"], limits_first=True)
        self.after_write(cart)
        return self.cart_response()


class ApplyCouponView(CartRoute):
    serializer_class = CouponRequest

    @extend_schema(request=CouponRequest, responses=CartSerializer)
    def post(self, request):
        self.require_coupons()
        data = self.validated(CouponRequest)
        cart = self.writable_cart()
        cart_service.apply_coupon(cart, data["code"])
        self.after_write(cart)
        return self.cart_response()


class RemoveCouponView(CartRoute):
    serializer_class = CouponRequest

    @extend_schema(request=CouponRequest, responses=CartSerializer)
    def post(self, request):
        self.require_coupons()
        data = self.validated(CouponRequest)
        if not cart_service.coupon_exists(data["code"]):
            raise WooError("woocommerce_rest_cart_coupon_error", "Invalid coupon code.", 400)
        cart = self.existing_cart(CouponNotApplied(code=data["code"]))
        cart_service.remove_coupon(cart, data["code"])
        self.after_write(cart)
        return self.cart_response()


class UpdateCustomerView(CartRoute):
    error_stage = errors.CUSTOMER
    serializer_class = UpdateCustomerRequest

    @extend_schema(request=UpdateCustomerRequest, responses=CartSerializer)
    def post(self, request):
        data = self.validated(UpdateCustomerRequest)
        billing = data.get("billing_address")
        shipping = data.get("shipping_address")
        cart = self.writable_cart()
        needs_shipping = pricing.ships(item.product for item in cart.items.all())
        cart_service.update_customer(cart, billing=billing, shipping=shipping)
        if shipping is None and billing is not None and not needs_shipping:
            # No shipping needed and none sent: WooCommerce copies billing into shipping
            # (the billing address just validated, so its errors are never reported twice).
            copied = {k: v for k, v in cart.billing_address.items() if k != "email"}
            cart_service.update_customer(cart, shipping=copied)
        self.after_write(cart)
        return self.cart_response()


class SelectShippingRateView(CartRoute):
    serializer_class = SelectShippingRateRequest

    @extend_schema(request=SelectShippingRateRequest, responses=CartSerializer)
    def post(self, request):
        if not settings.HUB_SHIPPING_ENABLED:
            raise WooError("woocommerce_rest_shipping_disabled", "Shipping is disabled.", 404)
        data = self.validated(SelectShippingRateRequest)
        if not data["rate_id"]:
            raise WooError("woocommerce_rest_cart_missing_rate_id", "Invalid Rate ID.", 400)
        cart = self.writable_cart()
        # A rate id that names no rate is refused now, not only at checkout.
        cart_service.select_shipping_rate(cart, data["rate_id"], check=True)
        self.after_write(cart)
        return self.cart_response()


# --- /cart/items ---
class ItemsRoute(CartRoute):
    def item_data(self, line) -> dict:
        data = render_item(line, self.get_serializer_context())
        base = self.request.build_absolute_uri(self.request.path.rstrip("/"))
        if base.endswith(line.key):
            base = base[: -len(line.key) - 1]
        data["_links"] = {
            "self": [{"href": f"{base}/{line.key}"}],
            "collection": [{"href": base}],
        }
        return data

    def line(self, key: str):
        cart = self.session.reload()
        for line in pricing.calculate(cart, [] if cart.pk is None else None).lines:
            if line.key == key:
                return line
        raise WooError(
            "woocommerce_rest_cart_invalid_key", "Cart item no longer exists or is invalid.", 409
        )


class ItemsView(ItemsRoute):
    error_stage = errors.ADD
    serializer_class = AddItemRequest

    @extend_schema(responses=CartItemSerializer(many=True))
    def get(self, request):
        cart = self.session.cart
        lines = pricing.calculate(cart, [] if cart.pk is None else None).lines
        return Response([self.item_data(line) for line in lines])

    @extend_schema(request=AddItemRequest, responses={201: CartItemSerializer})
    def post(self, request):
        params = self.params()
        if "key" in params:
            raise WooError(
                "woocommerce_rest_cart_item_exists", "Cannot create an existing cart item.", 400
            )
        item = self.add(self.validated(AddItemRequest, params))
        return Response(self.item_data(self.line(item.key)), status=201)

    @extend_schema(responses=OpenApiResponse(description="[] once the cart is emptied."))
    def delete(self, request):
        cart = self.session.cart
        if cart.pk is not None:
            cart_service.clear(cart)
            self.after_write(cart)
        return Response([])


class ItemByKeyView(ItemsRoute):
    error_stage = errors.UPDATE
    serializer_class = QuantityRequest

    @extend_schema(responses=CartItemSerializer)
    def get(self, request, key):
        return Response(self.item_data(self.line(key)))

    @extend_schema(request=QuantityRequest, responses=CartItemSerializer)
    def put(self, request, key):
        data = self.validated(QuantityRequest)
        self.line(key)  # 409 for an unknown key, so the cart exists below
        cart = self.session.cart
        cart_service.update_quantity(cart, key, data["quantity"], limits_first=True)
        self.after_write(cart)
        return Response(self.item_data(self.line(key)))

    post = patch = put

    @extend_schema(responses={204: None})
    def delete(self, request, key):
        self.line(key)
        cart = self.session.cart
        cart_service.remove_item(cart, key)
        self.after_write(cart)
        return Response(status=204)


# --- /cart/coupons ---
class CouponsView(CartRoute):
    serializer_class = CouponRequest

    @extend_schema(responses=CartCouponSerializer(many=True))
    def get(self, request):
        totals = self.cart_totals()
        context = self.get_serializer_context()
        return Response([render_coupon(coupon, context) for coupon in totals.coupons])

    @extend_schema(request=CouponRequest, responses={201: CartCouponSerializer})
    def post(self, request):
        self.require_coupons()
        data = self.validated(CouponRequest)
        cart = self.writable_cart()
        coupon = cart_service.apply_coupon(cart, data["code"])
        self.after_write(cart)
        self.session.reload()
        return Response(self.coupon_data(coupon.code), status=201)

    @extend_schema(responses=OpenApiResponse(description="[] once every coupon is removed."))
    def delete(self, request):
        cart = self.session.cart
        if cart.pk is not None and cart.coupon_codes:
            for code in list(cart.coupon_codes):
                cart_service.remove_coupon(cart, code)
            self.after_write(cart)
        return Response([])

    def coupon_data(self, code: str) -> dict:
        for coupon in self.cart_totals().coupons:
            if coupon.code == code:
                return render_coupon(coupon, self.get_serializer_context())
        raise CouponNotApplied(code=code)


class CouponByCodeView(CouponsView):
    error_stage = errors.COUPON_BY_CODE

    @extend_schema(responses=CartCouponSerializer)
    def get(self, request, code):
        return Response(self.coupon_data(code.strip().lower()))

    @extend_schema(responses={204: None})
    def delete(self, request, code):
        self.require_coupons()
        cart = self.existing_cart(CouponNotApplied(code=code))
        cart_service.remove_coupon(cart, code)
        self.after_write(cart)
        return Response(status=204)

    def post(self, request, code):
        raise errors.no_route()


# --- /cart/extensions ---
class ExtensionsRequest(serializers.Serializer):
    namespace = serializers.CharField(required=False, allow_blank=True, default="")
    data = serializers.DictField(required=False, default=dict)


class ExtensionsView(CartRoute):
    """POST /cart/extensions: data for an extension's registered update callback. The hub
    registers no extension, so every namespace is unknown (CartExtensionsSchema's error)."""

    serializer_class = ExtensionsRequest

    @extend_schema(request=ExtensionsRequest, responses=CartSerializer)
    def post(self, request):
        data = self.validated(ExtensionsRequest)
        raise WooError(
            "woocommerce_rest_cart_extensions_error",
            f"There is no such namespace registered: {data['namespace']}.",
            400,
        )
