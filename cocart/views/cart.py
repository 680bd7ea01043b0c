"""Cart routes of `cocart/v2` (reference §1): cart, add-item(s), item/{key}, items,
items/count, clear, totals, calculate, update. Each reads its parameters, calls the cart
services and answers CoCart's cart object (or the item, the count, the totals); the rules live
in `checkout_hub.services.cart` and `removed_items`."""

from __future__ import annotations

import re

from django.db import transaction
from rest_framework import serializers as drf_serializers
from rest_framework.response import Response

from checkout_hub.models import Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import removed_items
from checkout_hub.services.errors import CartItemNotFound, EmptyCart

from .. import errors, serializers
from ..errors import CoCartError, quoted
from .base import CartView, text_param, truthy

NUMBER = re.compile(r"\s*-?\d+(\.\d+)?\s*")


def invalid_param(name: str, message: str):
    return drf_serializers.ValidationError({name: [message]}, code="invalid")


def quantity_of(value, *, default: int | None = 1) -> int:
    """CoCart's quantity: a number (a float is floored, as wc_stock_amount does)."""
    if value is None or value == "":
        if default is None:
            raise drf_serializers.ValidationError({"quantity": ["required"]}, code="required")
        return default
    if isinstance(value, bool) or not NUMBER.fullmatch(str(value)):
        raise CoCartError(
            "cocart_quantity_not_numeric", "Quantity must be integer or a float value!", 405
        )
    text = str(value).strip()
    return int(text.split(".")[0]) if len(text) < 30 else (10**30 if text[0] != "-" else -1)


def object_param(params: dict, name: str) -> dict | None:
    value = params.get(name)
    if value in (None, "", []):
        return None
    if not isinstance(value, dict):
        raise invalid_param(name, f"{name} is not of type object.")
    return {str(k): v for k, v in value.items()}


def product_id_for(raw) -> int:
    """`id` as CoCart reads it: a product or variation id when numeric, else a SKU."""
    if raw is None or str(raw).strip() == "":
        raise CoCartError("cocart_product_id_required", "Product ID number is required!", 404)
    text = str(raw).strip()
    if text.isdigit():
        value = int(text) if len(text) < 19 else 0
        return value or -1
    found = (
        Product.objects.filter(sku=text, status=Product.Status.PUBLISH)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise CoCartError(
            "cocart_unknown_product_id",
            "Unknown product ID or SKU. Please check the product ID or SKU and try again.",
            404,
        )
    return found


class CartRoute(CartView):
    def line(self, totals, key: str):
        for line in totals.lines:
            if line.key == key:
                return line
        raise CartItemNotFound(key=key)

    def add(self, params: dict, cart=None):
        """One add-item: returns the line."""
        product_id = product_id_for(text_param(params, "id"))
        quantity = quantity_of(params.get("quantity"))
        if quantity <= 0:
            raise CoCartError(
                "cocart_quantity_invalid_amount", "Quantity must be a positive number.", 405
            )
        variation = object_param(params, "variation")
        item_data = object_param(params, "item_data")
        cart = cart if cart is not None else self.writable_cart()
        self.error_stage = errors.ADD
        item = cart_service.add_item(
            cart, product_id, quantity, variation=variation, item_data=item_data
        )
        self.set_contact(cart, params)
        self.notice(f"{quoted(item.product)} has been added to your cart.")
        return item

    def set_contact(self, cart, params: dict) -> None:
        """`email` and `phone` on add-item set the billing contact."""
        billing = {k: text_param(params, k) for k in ("email", "phone") if params.get(k)}
        if billing:
            self.error_stage = errors.CUSTOMER
            cart_service.update_customer(cart, billing=billing)

    def item_reply(self, key: str) -> dict:
        cart = self.session.reload()
        totals = self.totals(cart)
        thumb = truthy(self.params().get("thumb"), default=True)
        return serializers.line_object(self.line(totals, key), totals.currency, thumb)


class CartGetView(CartRoute):
    def get(self, request):
        if (cached := self.not_modified()) is not None:
            return cached
        params = self.params()
        if truthy(params.get("default")):
            return Response(serializers.raw_contents(self.totals()))
        return self.cart_response(fresh=False)


class AddItemView(CartRoute):
    def post(self, request):
        params = self.params()
        with transaction.atomic():
            item = self.add(params)
        if truthy(params.get("return_item")):
            return Response(self.item_reply(item.key))
        return self.cart_response()


class AddItemsView(CartRoute):
    """Grouped products: `id` the container, `quantity` {child id: qty} (≤0 skipped); the
    docs' `items: [{id, quantity, variation}]` form is read too."""

    def post(self, request):
        params = self.params()
        requests = self.requests(params)
        with transaction.atomic():
            cart = self.writable_cart()
            added = [self.add(one, cart) for one in requests]
        if truthy(params.get("return_items")):
            cart = self.session.reload()
            totals = self.totals(cart)
            keys = {item.key for item in added}
            return Response(
                [
                    serializers.line_object(line, totals.currency)
                    for line in totals.lines
                    if line.key in keys
                ]
            )
        return self.cart_response()

    def requests(self, params: dict) -> list[dict]:
        if isinstance(params.get("items"), list):
            wanted = [i for i in params["items"] if isinstance(i, dict)]
        else:
            product_id_for(text_param(params, "id"))  # the container must be named
            quantities = params.get("quantity")
            if not isinstance(quantities, dict):
                raise CoCartError(
                    "cocart_grouped_product_failed",
                    "Quantity for each grouped product item is required: {child_id: qty}.",
                    404,
                )
            wanted = []
            for child, qty in quantities.items():
                if quantity_of(qty, default=0) > 0:
                    wanted.append({"id": child, "quantity": qty})
        wanted = [w for w in wanted if quantity_of(w.get("quantity"), default=1) > 0]
        if not wanted:
            raise CoCartError(
                "cocart_grouped_product_empty", "No items were requested to be added.", 404
            )
        shared = {k: params[k] for k in ("email", "phone") if params.get(k)}
        return [{**shared, **w} for w in wanted]


class ItemView(CartRoute):
    """cart/item/{item_key}: GET the item, POST update its quantity, PUT/PATCH restore it,
    DELETE remove it (into removed_items)."""

    def get(self, request, item_key):
        return Response(self.item_reply(item_key))

    def post(self, request, item_key):
        params = self.params()
        quantity = quantity_of(params.get("quantity"), default=None)
        if quantity < 0:
            raise CoCartError(
                "cocart_quantity_invalid_amount", "Quantity must be zero or more.", 405
            )
        cart = self.saved_cart(CartItemNotFound(key=item_key))
        line = self.line(self.totals(cart), item_key)
        before, name = line.quantity, quoted(line.product)
        self.error_stage = errors.UPDATE
        with transaction.atomic():
            if quantity == 0:  # update quantity 0 removes the item
                removed_items.remove(cart, item_key)
            else:
                cart_service.update_quantity(cart, item_key, quantity)
        if quantity > before:
            message = f"The quantity for {name} has increased to “{quantity}”."
        elif quantity < before:
            message = f"The quantity for {name} has decreased to “{quantity}”."
        else:
            message = f"The quantity for {name} has not changed."
        if truthy(params.get("return_status")):
            return Response({"message": message, "quantity": quantity})
        self.notice(message)
        return self.cart_response()

    def delete(self, request, item_key):
        cart = self.session.cart
        if cart.pk is None or not list(cart.items.all()):
            raise CoCartError("cocart_no_items", "No items in the cart.", 404)
        line = self.line(self.totals(cart), item_key)
        name = quoted(line.product)
        removed_items.remove(cart, item_key)
        message = f"{name} has been removed from cart."
        if truthy(self.params().get("return_status")):
            return Response(message)
        self.notice(message)
        return self.cart_response()

    def put(self, request, item_key):
        cart = self.saved_cart(removed_items.RemovedItemNotFound(key=item_key))
        self.error_stage = errors.RESTORE
        item = removed_items.restore(cart, item_key)
        self.notice(f"{quoted(item.product)} has been restored to your cart.")
        return self.cart_response()

    patch = put


class ItemsView(CartRoute):
    def get(self, request):
        if (cached := self.not_modified()) is not None:
            return cached
        totals = self.totals()
        if not totals.lines:
            raise CoCartError("cocart_no_items_in_cart", "No items in the cart.", 404)
        thumb = truthy(self.params().get("thumb"), default=True)
        return Response(
            {
                line.key: serializers.line_object(line, totals.currency, thumb)
                for line in totals.lines
            }
        )


class ItemsCountView(CartRoute):
    def get(self, request):
        if (cached := self.not_modified()) is not None:
            return cached
        cart = self.session.cart
        if truthy(self.params().get("removed_items")):
            return Response(sum(r.quantity for r in removed_items.lines(cart)) if cart.pk else 0)
        return Response(sum(i.quantity for i in cart.items.all()) if cart.pk else 0)


class ClearView(CartRoute):
    def post(self, request):
        cart = self.session.cart
        if cart.pk is not None:
            with transaction.atomic():
                if not truthy(self.params().get("keep_removed_items")):
                    removed_items.forget(cart)
                cart_service.clear(cart)
        self.notice("Cart is cleared.")
        return self.cart_response()


class TotalsView(CartRoute):
    def get(self, request):
        if (cached := self.not_modified()) is not None:
            return cached
        totals = self.totals()
        if not totals.total:
            raise CoCartError(
                "cocart_cart_totals_empty",
                "This cart either has no items or the totals have not been calculated.",
                404,
            )
        return Response(serializers.raw_totals(totals, html=truthy(self.params().get("html"))))


class CalculateView(CartRoute):
    def post(self, request):
        if truthy(self.params().get("return_totals")):
            return Response(serializers.totals_object(self.totals()))
        return self.cart_response(fresh=False)


CUSTOMER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "country",
    "postcode",
)


def customer_fields(params: dict) -> tuple[dict | None, dict | None]:
    """update-customer's fields: plain names (or billing_…) are billing, s_/shipping_ are
    shipping (which has no email)."""
    billing, shipping = {}, {}
    for key, value in params.items():
        if value is None or isinstance(value, dict | list):
            continue
        if key.startswith("shipping_"):
            target, name = shipping, key[len("shipping_") :]
        elif key.startswith("s_"):
            target, name = shipping, key[2:]
        elif key.startswith("billing_"):
            target, name = billing, key[len("billing_") :]
        else:
            target, name = billing, key
        if name in CUSTOMER_FIELDS and not (target is shipping and name == "email"):
            target[name] = str(value)
    return billing or None, shipping or None


class UpdateView(CartRoute):
    """cart/update with a `namespace`: update-cart (quantity {item_key: qty}) or
    update-customer (billing fields; s_/shipping_ prefixed: shipping)."""

    def post(self, request):
        params = self.params()
        namespace = text_param(params, "namespace")
        if not namespace:
            raise CoCartError(
                "cocart_update_cart_no_namespace_error", "No namespace was provided.", 404
            )
        if namespace not in ("update-cart", "update-customer"):
            raise CoCartError(
                "cocart_update_cart_namespace_error",
                f'The namespace "{namespace}" is not registered.',
                404,
            )
        cart = self.session.cart
        if cart.pk is None or not list(cart.items.all()):
            raise EmptyCart()
        with transaction.atomic():
            if namespace == "update-cart":
                self.update_cart(cart, params)
            else:
                self.error_stage = errors.CUSTOMER
                billing, shipping = customer_fields(params)
                cart_service.update_customer(cart, billing=billing, shipping=shipping)
        self.notice("Cart updated.")
        return self.cart_response()

    def update_cart(self, cart, params: dict) -> None:
        quantities = params.get("quantity")
        if not isinstance(quantities, dict):
            raise CoCartError(
                "cocart_update_cart_invalid_callback_error",
                "quantity must be an object of item keys and quantities.",
                400,
            )
        self.error_stage = errors.UPDATE
        for key, value in quantities.items():
            if not str(key).strip():
                raise CoCartError(
                    "cocart_cart_item_key_required", "Cart item key is required!", 404
                )
            quantity = quantity_of(value)
            if quantity <= 0:
                removed_items.remove(cart, str(key))
            else:
                cart_service.update_quantity(cart, str(key), quantity)
