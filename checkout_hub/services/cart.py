"""Cart operations: add, update quantity, remove, clear, coupons, addresses, shipping choice.

Stock, sold-individually and quantity-limit rules live here, with WooCommerce's semantics:
adding the same product and options again merges into one line (the line key is an md5 of
them); a new line is clamped silently to the quantity limits once stock allows it; raising a
line's quantity is checked against stock and limits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from checkout_hub.models import Cart, CartItem, Coupon, Customer, Product, normalise_email
from checkout_hub.models.carts import load_open_cart
from checkout_hub.models.catalog import products_by_id

from . import addresses, pricing, reference, scenarios
from .errors import (
    CartItemNotFound,
    CouponNotApplied,
    InvalidCoupon,
    InvalidQuantity,
    InvalidShippingRate,
    InvalidVariation,
    NotPurchasable,
    OutOfStock,
    ProductNotFound,
    TooManyInCart,
)

MAX_QUANTITY = 9999  # WooCommerce's ceiling for a line's quantity
MAX_ID = 2**63


# --- creating and loading ---
def create_cart(*, vendor: str, currency: str | None = None, key: str | None = None, **fields):
    cart = Cart(vendor=vendor, **fields)
    if currency:
        cart.currency = currency
    if key:
        cart.key = key
    cart.save()
    return cart


def load(key: str, *, include_completed: bool = False) -> Cart | None:
    """The open cart with this key and its lines (prefetched), or None."""
    if not include_completed:
        # The same rows, from SQL compiled once, and the products from this process's copies.
        return load_open_cart(key, reference.products)
    return Cart.objects.with_lines().filter(key=key).first()


def contents_hash(cart: Cart, items: list | None = None) -> str:
    """An md5 of the cart's lines and coupons (WooCommerce's cart hash); "" when empty.
    `items`: the cart's lines in order, when the caller holds them."""
    items = list(cart.items.all()) if items is None else items
    if not items:
        return ""
    payload = [[i.product_id, i.quantity, i.variation, i.item_data] for i in items]
    payload.append(sorted(cart.coupon_codes))
    return hashlib.md5(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def line_key(product_id: int, variation_id: int, variation: dict, item_data: list | dict) -> str:
    """WooCommerce's generate_cart_id: md5 of product, variation, its attributes and data."""
    parts = [str(product_id)]
    if variation_id:
        parts.append(str(variation_id))
    if variation:
        parts.append("".join(f"{k.strip()}{str(v).strip()}" for k, v in variation.items()))
    if item_data:
        parts.append(json.dumps(item_data, sort_keys=True))
    return hashlib.md5("_".join(parts).encode()).hexdigest()


# --- quantity limits ---
@dataclass(frozen=True)
class QuantityLimits:
    minimum: int
    maximum: int
    multiple_of: int
    editable: bool


def quantity_limits(product: Product) -> QuantityLimits:
    """WooCommerce's limits: maximum = min(9999, stock left), 1 when sold individually."""
    if product.sold_individually:
        return QuantityLimits(1, 1, 1, False)
    maximum = min(product.quantity_max or MAX_QUANTITY, MAX_QUANTITY)
    available = product.available_quantity()
    if available is not None:
        maximum = min(maximum, available)
    step = max(product.quantity_step, 1)
    return QuantityLimits(product.quantity_min, max(maximum, 0), step, True)


def _check_limits(product: Product, quantity: int) -> None:
    limits = quantity_limits(product)
    facts = dict(
        product=product,
        quantity=quantity,
        minimum=limits.minimum,
        maximum=limits.maximum,
        multiple_of=limits.multiple_of,
    )
    if quantity < limits.minimum:
        raise InvalidQuantity(
            f"The minimum quantity of {product.display_name} allowed in the cart is "
            f"{limits.minimum}.",
            **facts,
        )
    if quantity > limits.maximum and limits.maximum > 0:
        raise InvalidQuantity(
            f"The maximum quantity of {product.display_name} allowed in the cart is "
            f"{limits.maximum}.",
            **facts,
        )
    if quantity % limits.multiple_of:
        raise InvalidQuantity(
            f"The quantity of {product.display_name} must be a multiple of {limits.multiple_of}.",
            **facts,
        )


def _clamp(product: Product, quantity: int) -> int:
    limits = quantity_limits(product)
    quantity = max(quantity, limits.minimum)
    if limits.maximum > 0:
        quantity = min(quantity, limits.maximum)
    return quantity - quantity % limits.multiple_of or limits.multiple_of


def check_stock(product: Product, quantity: int) -> None:
    if not product.is_in_stock:
        raise OutOfStock(product=product, requested=quantity, available=0)
    available = product.available_quantity()
    if available is not None and quantity > available:
        raise OutOfStock(product=product, requested=quantity, available=available)


# --- variations ---
def _attribute_value(given: dict, attribute: dict) -> str | None:
    """The value `given` chooses for a parent attribute, matched by slug or name."""
    slug, name = attribute.get("slug", ""), attribute.get("name", "")
    wanted = {slug.lower(), f"attribute_{slug}".lower(), name.lower()} - {""}
    for key, value in given.items():
        if str(key).lower() in wanted:
            return str(value).strip()
    return None


def _storable_ids(*ids) -> list[int]:
    # An id no database column can hold is simply not a product (never an overflow error).
    return list(dict.fromkeys(pid for pid in ids if pid and 0 < pid < MAX_ID))


def preload_products(requests) -> dict[int, Product]:
    """The products and variations `(product_id, variation_id)` pairs name, in one query, for
    `resolve_purchasable(..., products=...)` over many items."""
    ids = _storable_ids(*(pid for pair in requests for pid in pair))
    if len(ids) <= 2:
        return {p.pk: p for p in products_by_id(ids)}
    return {p.pk: p for p in Product.objects.select_related("parent").filter(pk__in=ids)}


def resolve_purchasable(
    product_id: int,
    variation_id: int | None = None,
    variation: dict | None = None,
    *,
    products: dict[int, Product] | None = None,
) -> tuple[Product, dict]:
    """The product a buyer actually buys (a variation for variable products) and the full set
    of chosen attribute values. Raises ProductNotFound, InvalidVariation, NotPurchasable.
    `products`: already loaded products by id (see `preload_products`)."""
    found = products
    if found is None:
        found = {p.pk: p for p in products_by_id(_storable_ids(product_id, variation_id))}
    product = found.get(product_id)
    if product is None or product.status != Product.Status.PUBLISH:
        raise ProductNotFound(product_id=product_id)
    given = variation or {}

    if product.type == Product.Type.VARIATION:
        parent, chosen_variation = product.parent, product
    elif product.type == Product.Type.VARIABLE:
        parent, chosen_variation = product, found.get(variation_id) if variation_id else None
        if variation_id and (chosen_variation is None or chosen_variation.parent_id != parent.pk):
            raise InvalidVariation(
                "Invalid variation ID provided.", product=product, reason="invalid_variation_id"
            )
    else:
        if not product.is_purchasable:
            raise NotPurchasable(product=product)
        return product, {}

    # Every variation attribute of the parent needs a value, from the variation or the buyer.
    chosen: dict[str, str] = {}
    missing = []
    for attribute in parent.attributes:
        if not attribute.get("variation"):
            continue
        slug = attribute.get("slug") or attribute.get("name", "")
        value = _attribute_value(given, attribute)
        fixed = chosen_variation.variation_attributes.get(slug) if chosen_variation else None
        # An option by name or by slug ("Light Blue" or "light-blue"), as WooCommerce takes.
        options = {o.lower(): o for o in attribute.get("options", [])}
        options.update({slugify(o): o for o in attribute.get("options", [])})
        # A value the chosen variation does not have is refused, never overridden by the
        # variation's own (WooCommerce compares the posted value with the expected one).
        posted = options.get(value.lower(), value) if value else ""
        conflicts = bool(fixed and posted) and posted.lower() != fixed.lower()
        if fixed and not conflicts:
            value = fixed
        if not value:
            missing.append(attribute.get("name", slug))
            continue
        if conflicts or value.lower() not in options:
            raise InvalidVariation(
                f"Invalid value posted for {attribute.get('name', slug)}. Allowed values: "
                f"{', '.join(attribute.get('options', []))}",
                product=parent,
                reason="invalid_value",
                attribute=attribute.get("name", slug),
            )
        chosen[slug] = options[value.lower()]
    if missing:
        raise InvalidVariation(
            f"Missing variation data for variable product {parent.name}. "
            f"{', '.join(missing)} is a required field.",
            product=parent,
            reason="missing_attributes",
            attributes=missing,
            nothing_chosen=not given and chosen_variation is None,
        )
    if chosen_variation is None:
        chosen_variation = _match_variation(parent, chosen)
    if not chosen_variation.is_purchasable:
        raise NotPurchasable(product=chosen_variation)
    return chosen_variation, chosen


def _match_variation(parent: Product, chosen: dict) -> Product:
    for candidate in parent.variations.filter(status=Product.Status.PUBLISH).select_related(
        "parent"
    ):
        attrs = candidate.variation_attributes
        if all(
            not attrs.get(slug) or attrs[slug].lower() == value.lower()
            for slug, value in chosen.items()
        ):
            return candidate
    raise InvalidVariation(
        "No matching variation found.", product=parent, reason="no_match", attributes=chosen
    )


# --- lines ---
def _find(cart: Cart, key: str) -> CartItem:
    for item in cart.items.all():
        if item.key == key:
            return item
    raise CartItemNotFound(key=key)


@transaction.atomic
def add_item(
    cart: Cart,
    product_id: int,
    quantity: int = 1,
    *,
    variation_id: int | None = None,
    variation: dict | None = None,
    item_data: list | None = None,
    clamp: bool = True,
) -> CartItem:
    """Add a product (merging into an identical line). Returns the line. `clamp`: a new line
    outside the quantity limits is clamped to them (else refused with InvalidQuantity)."""
    lines = list(cart.items.all())
    item = stage_item(
        cart, lines, product_id, quantity, variation_id=variation_id, variation=variation,
        item_data=item_data, clamp=clamp,
    )  # fmt: skip
    save_lines(cart, [item])
    return item


def stage_item(
    cart: Cart,
    lines: list[CartItem],
    product_id: int,
    quantity: int = 1,
    *,
    variation_id: int | None = None,
    variation: dict | None = None,
    item_data: list | None = None,
    products: dict[int, Product] | None = None,
    clamp: bool = True,
) -> CartItem:
    """Every rule of adding a product to `lines` (the cart's lines, in memory): the purchasable,
    merging into an identical line, sold individually, stock, quantity limits. Changes `lines`
    and returns the new or changed line, not yet saved (`save_lines` writes them)."""
    if quantity is None or quantity <= 0:
        raise InvalidQuantity(
            "Quantity must be a positive number.", product=None, quantity=quantity or 0
        )
    product, chosen = resolve_purchasable(product_id, variation_id, variation, products=products)
    parent_id = product.parent_id or product.pk
    key = line_key(parent_id, product.pk if product.parent_id else 0, chosen, item_data or [])
    existing = next((i for i in lines if i.key == key), None)
    in_cart = sum(i.quantity for i in lines if i.product_id == product.pk)

    if product.sold_individually:
        if in_cart:
            raise TooManyInCart(
                f'You cannot add another "{product.display_name}" to your cart.', product=product
            )
        quantity = 1
    scenarios.fire(scenarios.CART_ADD, product=product, requested=in_cart + quantity)
    check_stock(product, in_cart + quantity)

    if existing:
        existing.quantity += quantity
        _check_limits(product, existing.quantity)
        return existing
    if not clamp:  # the caller's vendor refuses a new line outside the limits
        _check_limits(product, quantity)
    item = CartItem(
        cart=cart,
        key=key,
        product=product,
        quantity=_clamp(product, quantity),
        variation=chosen,
        item_data=item_data or [],
    )
    lines.append(item)
    return item


@transaction.atomic
def save_lines(cart: Cart, changed: list[CartItem]) -> None:
    """Write what `stage_item` changed: new lines in one INSERT, raised quantities one by one,
    then the cart's expiry once."""
    new = list({id(i): i for i in changed if i.pk is None}.values())
    for item in {id(i): i for i in changed if i.pk is not None}.values():
        item.save(update_fields=["quantity"])
    if new:
        CartItem.objects.bulk_create(new)
    _touch(cart)


@transaction.atomic
def update_quantity(
    cart: Cart, key: str, quantity: int, *, limits_first: bool = False
) -> CartItem | None:
    """Set a line's quantity; 0 removes it (returns None). `limits_first`: the quantity limits
    (whose maximum is the stock left) are checked before the stock, so more than the stock
    left is InvalidQuantity rather than OutOfStock (WooCommerce's set_cart_item_quantity)."""
    item = _find(cart, key)
    if quantity is None or quantity < 0:
        raise InvalidQuantity(
            "Quantity must be zero or more.", product=item.product, quantity=quantity or 0
        )
    if quantity == 0:
        remove_item(cart, key)
        return None
    product = item.product
    if product.sold_individually and quantity > 1:
        raise TooManyInCart(
            f'You cannot add another "{product.display_name}" to your cart.', product=product
        )
    others = sum(i.quantity for i in cart.items.all() if i.product_id == product.pk and i != item)
    if quantity > item.quantity:
        scenarios.fire(scenarios.CART_ADD, product=product, requested=others + quantity)
    if limits_first and product.is_in_stock:
        _check_limits(product, quantity)
    check_stock(product, others + quantity)
    _check_limits(product, quantity)
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    _touch(cart)
    return item


def remove_item(cart: Cart, key: str) -> None:
    item = _find(cart, key)
    item.delete()
    _forget_prefetch(cart)
    _touch(cart)


def clear(cart: Cart) -> None:
    cart.items.all().delete()
    _forget_prefetch(cart)
    cart.coupon_codes = []
    _touch(cart, "coupon_codes")


# --- coupons ---
def apply_coupon(cart: Cart, code: str) -> Coupon:
    code = Coupon.normalise_code(code)
    if not settings.HUB_COUPONS_ENABLED:
        raise InvalidCoupon("Coupons are disabled.", code=code, reason="disabled")
    if not code:
        raise InvalidCoupon("Please enter a coupon code.", code=code, reason="not_found")
    if code in cart.coupon_codes:
        raise InvalidCoupon("Coupon code already applied!", code=code, reason="already_applied")
    scenarios.fire(scenarios.COUPON, code=code)
    coupon = Coupon.objects.filter(code=code).prefetch_related("products").first()
    if coupon is None or not coupon.enabled:
        raise InvalidCoupon(f'Coupon "{code}" does not exist!', code=code, reason="not_found")
    applied = pricing.load_coupons(cart.coupon_codes)
    blocker = next((c for c in applied.values() if c.individual_use), None)
    if blocker:
        raise InvalidCoupon(
            f'Sorry, coupon "{blocker.code}" has already been applied and cannot be used in '
            "conjunction with other coupons.",
            code=code,
            reason="individual_use",
        )
    totals = pricing.calculate(cart)
    problem = pricing.coupon_problem(coupon, totals.lines, cart.currency)
    if problem:
        raise problem
    # An individual-use coupon replaces whatever was applied before (WooCommerce).
    cart.coupon_codes = [code] if coupon.individual_use else [*cart.coupon_codes, code]
    _touch(cart, "coupon_codes")
    return coupon


def drop_invalid_coupons(cart: Cart, totals: pricing.CartTotals) -> list[str]:
    """Remove the coupons that no longer apply (expired, used up, spend not met), as
    WooCommerce does when it loads a cart; returns their codes. `totals` stays right: an
    invalid coupon never discounted anything."""
    dropped = [e.facts.get("code") for e in totals.coupon_errors]
    if cart.pk and dropped:
        cart.coupon_codes = [c for c in cart.coupon_codes if c not in dropped]
        cart.save(update_fields=["coupon_codes", "updated_at"])
    return dropped


def loaded_totals(cart: Cart) -> pricing.CartTotals:
    """The totals of a cart as it is loaded for its buyer: coupons that stopped applying are
    dropped first (and stay listed in `coupon_errors`), as WooCommerce does on cart load."""
    totals = pricing.calculate(cart, [] if cart.pk is None else None)
    drop_invalid_coupons(cart, totals)
    return totals


def coupon_exists(code: str) -> bool:
    """Whether a coupon by this code exists (enabled or not): some vendors word an unknown code
    apart from a known one that is not applied."""
    code = Coupon.normalise_code(code)
    return bool(code) and Coupon.objects.filter(code=code).exists()


def remove_coupon(cart: Cart, code: str) -> None:
    code = Coupon.normalise_code(code)
    if code not in cart.coupon_codes:
        raise CouponNotApplied(code=code)
    cart.coupon_codes = [c for c in cart.coupon_codes if c != code]
    _touch(cart, "coupon_codes")


# --- customer, shipping, payment choice ---
def update_customer(cart: Cart, *, billing: dict | None = None, shipping: dict | None = None):
    """Merge partial addresses into the cart's, then clean and validate the result (a state or
    postcode sent alone is read against the country already stored)."""
    billing, shipping = addresses.validate(
        None if billing is None else {**cart.billing_address, **billing},
        None if shipping is None else {**cart.shipping_address, **shipping},
    )
    fields = []
    if billing is not None:
        cart.billing_address = billing
        fields.append("billing_address")
        email = normalise_email(billing.get("email"))
        if email and (cart.customer is None or cart.customer.email != email):
            cart.customer = Customer.objects.for_email(email).first()
            fields.append("customer")
    if shipping is not None:
        cart.shipping_address = shipping
        fields.append("shipping_address")
    _touch(cart, *fields)


def select_shipping_rate(cart: Cart, rate_id: str, *, check: bool = False) -> None:
    """Store the choice (validated at checkout). With `check`, a rate id that names no rate
    is refused now (InvalidShippingRate): one of the cart's rates once they are calculated,
    before that any enabled method of any zone."""
    if check and rate_id:
        available = [r.rate_id for r in pricing.calculate(cart).shipping_rates]
        if not available:
            available = [
                m.rate_id for z in reference.shipping_zones() for m in z.methods.all() if m.enabled
            ]
        if rate_id not in available:
            raise InvalidShippingRate(rate_id=rate_id, available=available)
    cart.shipping_rate_id = rate_id or ""
    _touch(cart, "shipping_rate_id")


def set_checkout_fields(
    cart: Cart,
    *,
    payment_method: str | None = None,
    customer_note: str | None = None,
    additional_fields: dict | None = None,
) -> None:
    fields = []
    if payment_method is not None:
        cart.payment_method = payment_method
        fields.append("payment_method")
    if customer_note is not None:
        cart.customer_note = customer_note
        fields.append("customer_note")
    if additional_fields is not None:
        cart.additional_fields = {**cart.additional_fields, **additional_fields}
        fields.append("additional_fields")
    _touch(cart, *fields)


# --- helpers ---
def _touch(cart: Cart, *fields: str) -> None:
    """Save the named fields, extend the cart's life, and let the next read see new lines."""
    cart.touch()
    cart.save(update_fields=[*fields, "expires_at", "updated_at"])
    _forget_prefetch(cart)


def _forget_prefetch(cart: Cart) -> None:
    cache = getattr(cart, "_prefetched_objects_cache", None)
    if cache:
        cache.pop("items", None)
