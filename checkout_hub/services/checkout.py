"""Checkout: a cart becomes an order in one transaction, then the order is paid.

`place_order()` locks the cart row (two concurrent checkouts of one cart make one order) and
the rows of the products it buys, in id order (concurrent buyers of the last units cannot
oversell, and cannot deadlock), re-checks everything against the locked rows, writes the order
snapshot, takes the stock and coupon usage, and marks the cart completed. Any error rolls all
of it back. Payment runs after the commit; a refused payment leaves the order failed, puts the
stock back and re-opens the cart (`payments.pay`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from checkout_hub import clock
from checkout_hub.models import (
    Cart,
    CartItem,
    Coupon,
    Customer,
    Order,
    OrderItem,
    OrderMeta,
    Product,
    Vendor,
    normalise_email,
)
from checkout_hub.models.prepared import PreparedQuery, save_fields

from . import addresses, payments, pricing, scenarios, statuses
from . import cart as cart_service
from .errors import (
    CartCompleted,
    CheckoutDisabled,
    DomainError,
    EmptyCart,
    InvalidAddress,
    InvalidCart,
    InvalidCoupon,
    InvalidShippingRate,
    MissingPaymentMethod,
    NotAuthenticated,
    NotPurchasable,
    OrderNotPayable,
    TooManyInCart,
    TotalMismatch,
)
from .payments import PaymentOutcome

REUSABLE_STATUSES = {Order.Status.CHECKOUT_DRAFT, Order.Status.PENDING, Order.Status.FAILED}


@dataclass
class CheckoutResult:
    order: Order
    payment: PaymentOutcome | None  # None when nothing was due


@dataclass(frozen=True)
class ItemRequest:
    """One line a vendor's request names: a product (or variation) and a quantity."""

    product_id: int
    quantity: int
    variation_id: int | None = None
    variation: dict = field(default_factory=dict)
    # A price locked by the caller (a checkout session's snapshot), minor units; None: current.
    unit_price: int | None = None


@contextmanager
def facts_about(**facts) -> Iterator[None]:
    """Add `facts` (where the error arose) to a domain error raised in the block, so the
    vendor's table can point at the request field that caused it."""
    try:
        yield
    except DomainError as exc:
        for name, value in facts.items():
            exc.facts.setdefault(name, value)
        raise


@transaction.atomic
def place_order_from_items(
    items: Sequence[ItemRequest],
    *,
    vendor: str,
    coupons: Sequence[str] = (),
    user=None,
    currency: str | None = None,
    **order: object,
) -> CheckoutResult:
    """Build a cart from `items` and `coupons` and place its order (the keyword arguments of
    `place_order`, `pay=False` by default: a pending order paid later). Nothing is left behind
    when it fails: the cart is built and the order placed in one transaction.

    A refused item or coupon carries `item_index` / `coupon_index` (its position in the
    request) and `step` ("cart" while building the cart, "order" while placing the order).
    `currency` is the cart's (default: the store's); an item's `unit_price` locks its price."""
    order.setdefault("pay", False)
    cart = cart_service.create_cart(vendor=vendor, currency=currency)
    products = cart_service.preload_products((i.product_id, i.variation_id) for i in items)
    lines: list = []
    for index, item in enumerate(items):
        with facts_about(item_index=index, step="cart"):
            line = cart_service.stage_item(
                cart,
                lines,
                item.product_id,
                item.quantity,
                variation_id=item.variation_id,
                variation=item.variation or None,
                products=products,
            )
        if item.unit_price is not None:
            line.locked_unit_price = item.unit_price
    cart_service.save_lines(cart, lines)
    for index, code in enumerate(coupons):
        with facts_about(coupon_index=index, step="cart"):
            cart_service.apply_coupon(cart, code)
    positions = {Coupon.normalise_code(code): index for index, code in enumerate(coupons)}
    try:
        with facts_about(step="order"):
            return place_order(cart, source=vendor, user=user, **order)
    except InvalidCoupon as exc:  # refused while the order is placed: name the coupon
        exc.facts.setdefault("coupon_index", positions.get(exc.facts.get("code")))
        raise


def ensure_open(user=None) -> None:
    """Checkout switched off, or guests not allowed: the shared switches every vendor honours."""
    if not settings.HUB_CHECKOUT_ENABLED:
        raise CheckoutDisabled()
    if not settings.HUB_GUEST_CHECKOUT and not (user and user.is_authenticated):
        raise NotAuthenticated("You must be logged in to checkout.")


def place_order(
    cart: Cart,
    *,
    payment_method: str | None = None,
    payment_data: dict | None = None,
    billing: dict | None = None,
    shipping: dict | None = None,
    customer_note: str | None = None,
    additional_fields: dict | None = None,
    expected_total: int | None = None,
    meta: dict | None = None,
    source: str = Vendor.HUB,
    user=None,
    pay: bool = True,
) -> CheckoutResult:
    """Turn `cart` into an order and pay for it. Raises a DomainError for anything refused;
    payment refusals (PaymentDeclined/PaymentFailed) carry the failed order.

    With `pay=False` the order is left pending for a later payment (order-pay, or a gateway
    call the vendor makes itself): addresses may still be incomplete and no payment method is
    needed yet, as for an order created through WooCommerce's wc_create_order()."""
    ensure_open(user)
    if cart.pk is None:  # a session that never wrote its cart has nothing to buy
        raise EmptyCart()
    order, needs_payment = _create_order(
        cart.pk,
        payment_method=payment_method,
        billing=billing,
        shipping=shipping,
        customer_note=customer_note,
        additional_fields=additional_fields,
        expected_total=expected_total,
        meta=meta,
        source=source,
        user=user,
        pay=pay,
    )
    if not needs_payment:
        statuses.transition(order, Order.Status.PROCESSING, paid=True)
        return CheckoutResult(order=order, payment=None)
    if not pay:
        return CheckoutResult(order=order, payment=None)
    outcome = payments.pay(order, order.payment_method, payment_data)
    return CheckoutResult(order=order, payment=outcome)


# What changes on a just-written order as it takes its holds (saved without the rest).
HELD_FIELDS = ["payment_method_title", "stock_reduced", "coupon_usage_counted", "updated_at"]

# --- the checkout's locked reads, from prepared SQL (compiled once per connection) ---
_LOCKED_CART = PreparedQuery(
    lambda pk: (
        Cart.objects.select_for_update(of=("self",))
        .select_related("draft_order")
        .filter(pk=pk)
        .order_by()
    ),
    lambda connection, pk: [pk],
    sample=(1,),
)
_CART_LINES = PreparedQuery(
    lambda cart_id: CartItem.objects.filter(cart_id=cart_id).order_by("id"),
    lambda connection, cart_id: [cart_id],
    sample=(1,),
)
_CUSTOMER_BY_EMAIL = PreparedQuery(
    lambda email: Customer.objects.filter(email=email).order_by()[:1],
    lambda connection, email: [email],
    sample=("sample@example.com",),
)
# One prepared query per number of products (the IN list's length), up to a cart's usual size.
_LOCKED_PRODUCTS: dict[int, PreparedQuery] = {}
PREPARED_PRODUCT_LOCKS = 50


def _locked_products_query(ids: Sequence[int]):
    return (
        Product.objects.select_for_update(of=("self",))
        .select_related("parent")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def lock_products(ids: Sequence[int]) -> dict[int, Product]:
    """The products `ids` (sorted, distinct), row-locked, with their parents, by pk."""
    if not ids:
        return {}
    if len(ids) > PREPARED_PRODUCT_LOCKS:
        return {p.pk: p for p in _locked_products_query(ids)}
    query = _LOCKED_PRODUCTS.get(len(ids))
    if query is None:
        query = _LOCKED_PRODUCTS[len(ids)] = PreparedQuery(
            lambda *pks: _locked_products_query(pks),
            lambda connection, *pks: list(pks),
            sample=tuple(ids),
        )
    return {p.pk: p for p in query.fetch(*ids)}


def lock_cart(cart_id: int) -> tuple[Cart, list[CartItem]]:
    """The cart, row-locked, with its draft order, and its lines in order (their `cart` set)."""
    found = _LOCKED_CART.fetch(cart_id)
    if not found:
        raise Cart.DoesNotExist(f"No cart {cart_id}.")
    cart = found[0]
    items = _CART_LINES.fetch(cart_id)
    for item in items:
        CartItem.cart.field.set_cached_value(item, cart)
    return cart, items


@transaction.atomic
def _create_order(
    cart_id: int,
    *,
    payment_method,
    billing,
    shipping,
    customer_note,
    additional_fields,
    expected_total,
    meta,
    source,
    user,
    pay=True,
) -> tuple[Order, bool]:
    cart, items = lock_cart(cart_id)
    if cart.completed:
        raise CartCompleted(order=cart.orders.order_by("-id").first())
    if not items:
        raise EmptyCart()
    # A draft, pending or failed order of this cart is reused (a retry after a refused
    # payment); whatever it still holds is given back first, onto the locked rows.
    reused = (
        cart.draft_order
        if cart.draft_order and cart.draft_order.status in REUSABLE_STATUSES
        else None
    )
    held = list(reused.items.all()) if reused and reused.stock_reduced else []
    ids = sorted({i.product_id for i in items} | {i.product_id for i in held if i.product_id})
    locked = lock_products(ids)
    if reused is not None:
        statuses.release_holds(reused, locked)
    for item in items:
        item.product = locked[item.product_id]
    scenarios.fire(scenarios.CHECKOUT, product=items[0].product, requested=items[0].quantity)

    # Addresses: what was sent, over what the cart holds; shipping defaults to billing.
    if billing is not None or shipping is not None:
        billing, shipping = addresses.validate(billing, shipping)
        cart.billing_address = {**cart.billing_address, **(billing or {})}
        cart.shipping_address = {**cart.shipping_address, **(shipping or {})}
    if addresses.is_empty(cart.shipping_address):
        cart.shipping_address = {
            k: v for k, v in cart.billing_address.items() if k in addresses.SHIPPING_FIELDS
        }
    if customer_note is not None:
        cart.customer_note = customer_note
    if additional_fields:
        cart.additional_fields = {**cart.additional_fields, **additional_fields}
    if payment_method is not None:
        cart.payment_method = payment_method

    totals = pricing.calculate(cart, items)
    check_lines(totals)
    if expected_total is not None and int(expected_total) != totals.total:
        raise TotalMismatch(expected=int(expected_total), actual=totals.total)
    billing, shipping = addresses.validate(
        cart.billing_address,
        cart.shipping_address,
        complete=pay,
        shipping_required=totals.needs_shipping,
    )
    if totals.needs_shipping:
        available = [r.rate_id for r in totals.shipping_rates]
        # An order left for later payment may not know where it ships yet.
        if (pay and not available) or (
            cart.shipping_rate_id and cart.shipping_rate_id not in available
        ):
            raise InvalidShippingRate(rate_id=cart.shipping_rate_id, available=available)
    gateway = None
    if totals.needs_payment and (pay or cart.payment_method):
        if not cart.payment_method:
            raise MissingPaymentMethod()
        gateway = payments.get(cart.payment_method)
    _lock_coupons(totals)

    order, lines = write_order(
        reused or Order(),
        cart,
        totals,
        billing=billing,
        shipping=shipping if totals.needs_shipping else {},
        source=source,
        user=user,
        status=Order.Status.PENDING,
    )
    if gateway is not None:
        order.payment_method_title = gateway.title
    if meta:
        set_meta(order, meta)
    statuses.take_holds(order, locked, items=lines)
    save_fields(order, HELD_FIELDS)

    cart.completed, cart.completed_at, cart.draft_order = True, clock.now(), order
    cart.save()
    return order, totals.needs_payment


def check_lines(totals: pricing.CartTotals) -> None:
    """Raise what is wrong with the cart: the one problem, or InvalidCart with all of them."""
    problems = line_problems(totals)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InvalidCart(problems=problems)


def line_problems(totals: pricing.CartTotals) -> list[DomainError]:
    """Everything wrong with the lines against current stock, and coupons no longer valid
    (checkout raises them; a cart reply lists them in its errors)."""
    problems: list[DomainError] = []
    for line in totals.lines:
        product = line.product
        if not product.is_purchasable:
            problems.append(NotPurchasable(product=product))
            continue
        if product.sold_individually and line.quantity > 1:
            problems.append(TooManyInCart(product=product))
            continue
        try:
            cart_service.check_stock(product, line.quantity)
        except DomainError as exc:
            problems.append(exc)
    problems.extend(totals.coupon_errors)
    return problems


def _lock_coupons(totals: pricing.CartTotals) -> None:
    """Lock the applied coupons and re-check their usage limits against the locked rows (two
    buyers racing for a coupon's last use: one gets it)."""
    ids = sorted(c.coupon.pk for c in totals.coupons)
    if not ids:
        return
    locked = Coupon.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    used_up = [
        InvalidCoupon("Coupon usage limit has been reached.", code=c.code, reason="usage_limit")
        for c in locked
        if c.usage_limit is not None and c.usage_count >= c.usage_limit
    ]
    if used_up:
        raise used_up[0] if len(used_up) == 1 else InvalidCart(problems=used_up)


def set_meta(order: Order, meta: dict) -> None:
    """Write key/value meta on `order`, replacing earlier values of the same keys."""
    OrderMeta.objects.filter(order=order, key__in=list(meta)).delete()
    OrderMeta.objects.bulk_create(
        [OrderMeta(order=order, key=k, value=str(v)) for k, v in meta.items()]
    )


def customer_for(billing: dict, user=None, *, create: bool = True) -> Customer | None:
    """The customer row for a billing email (created on first order), tied to `user`."""
    from . import text  # here, not at the top: the rest of this module is another's change

    email = normalise_email(text.clean(billing.get("email")))
    if not email:
        return None
    found = _CUSTOMER_BY_EMAIL.fetch(email)  # emails are unique: one row or none
    if not create:
        return found[0] if found else None
    if found:
        customer = found[0]
    else:
        # The order keeps the address whole (WooCommerce accepts long names); the customer
        # row's columns are bounded, so it keeps a cut copy, NULs dropped, rather than fail.
        defaults = {
            name: text.bounded(billing.get(name, ""), Customer._meta.get_field(name).max_length)
            for name in ("first_name", "last_name", "phone")
        }
        customer, _ = Customer.objects.get_or_create(email=email, defaults=defaults)
    if user is not None and getattr(user, "is_authenticated", False) and customer.user_id is None:
        customer.user = user
        customer.save(update_fields=["user"])
    return customer


def write_order(
    order: Order,
    cart: Cart,
    totals: pricing.CartTotals,
    *,
    billing: dict,
    shipping: dict,
    source: str,
    status: str,
    user=None,
) -> tuple[Order, list[OrderItem]]:
    """Copy the cart's lines and totals onto `order` (new or reused) and save it; returns it
    and its new lines."""
    adding = order.pk is None
    order.status = status
    order.source = source
    order.currency = cart.currency
    order.cart = cart
    order.cart_hash = cart_service.contents_hash(cart, [line.item for line in totals.lines])
    # A draft is not an order yet: it links a known customer but creates none.
    draft = status == Order.Status.CHECKOUT_DRAFT
    order.customer = customer_for(billing, user, create=not draft) if billing else None
    order.billing_email = normalise_email(billing.get("email"))
    order.billing_address = billing
    order.shipping_address = shipping
    order.customer_note = cart.customer_note
    order.additional_fields = cart.additional_fields
    order.payment_method = cart.payment_method if totals.needs_payment else ""
    order.subtotal = totals.items_subtotal
    order.subtotal_tax = totals.items_subtotal_tax
    order.discount_total = totals.discount_total
    order.discount_tax = totals.discount_tax
    order.shipping_total = totals.shipping_total
    order.shipping_tax = totals.shipping_tax
    order.fee_total, order.fee_tax = totals.fee_total, totals.fee_tax
    order.tax_total = totals.tax_total
    order.total = totals.total
    rate = totals.shipping_rate
    order.shipping_lines = (
        [
            {
                "rate_id": rate.rate_id,
                "method_id": rate.method_id,
                "instance_id": rate.instance_id,
                "title": rate.title,
                "total": rate.cost,
                "total_tax": rate.taxes,
            }
        ]
        if rate
        else []
    )
    order.coupon_lines = [
        {
            "code": c.code,
            "discount_type": c.coupon.discount_type,
            "discount": c.discount,
            "discount_tax": c.discount_tax,
        }
        for c in totals.coupons
    ]
    order.tax_lines = [
        {
            "rate_id": t.rate.pk,
            "name": t.rate.name,
            "label": t.rate.label,
            "rate": str(t.rate.rate),
            "tax_total": t.tax_total,
            "shipping_tax_total": t.shipping_tax_total,
        }
        for t in totals.tax_lines
    ]
    order.save()
    if not adding:  # a reused order's old lines go
        order.items.all().delete()
    lines = OrderItem.objects.bulk_create(
        [
            OrderItem(
                order=order,
                product=line.product,
                product_ref=line.product.parent_id or line.product.pk,
                variation_ref=line.product.pk if line.product.parent_id else 0,
                item_key=line.key,
                name=line.product.display_name,
                sku=line.product.sku or "",
                quantity=line.quantity,
                price=line.unit_price,
                subtotal=line.subtotal,
                subtotal_tax=line.subtotal_tax,
                total=line.total,
                total_tax=line.total_tax,
                variation=line.item.variation,
                item_data=line.item.item_data,
                virtual=line.product.virtual,
            )
            for line in totals.lines
        ]
    )
    return order, lines


def refresh_draft_order(cart: Cart, *, source: str, user=None) -> None:
    """After a cart write: re-sync the cart's checkout-draft order, if it has one."""
    draft = cart.draft_order
    if draft is not None and draft.status == Order.Status.CHECKOUT_DRAFT:
        sync_draft_order(cart, source=source, user=user)


def current_order(cart: Cart, *, source: str, user=None) -> Order | None:
    """The order a buyer's checkout is working on: a pending or failed order of the cart as it
    is (a payment to retry); otherwise the checkout-draft, created or refreshed from a
    non-empty cart; None for an empty or unsaved cart."""
    draft = cart.draft_order
    if draft is not None and draft.status in (Order.Status.PENDING, Order.Status.FAILED):
        return draft
    if cart.pk is None or not list(cart.items.all()):
        return None
    return sync_draft_order(cart, source=source, user=user)


@transaction.atomic
def sync_draft_order(cart: Cart, *, source: str, user=None) -> Order:
    """Create or refresh the cart's checkout-draft order (no stock taken): WooCommerce's
    Store API keeps one while the buyer is on the checkout page."""
    cart = (
        Cart.objects.select_for_update(of=("self",)).select_related("draft_order").get(pk=cart.pk)
    )
    items = list(cart.items.select_related("product", "product__parent").order_by("id"))
    totals = pricing.calculate(cart, items)
    draft = cart.draft_order
    if draft is None or draft.status not in REUSABLE_STATUSES:
        draft = Order()
    if draft.pk:
        statuses.release_holds(draft)
    order, _ = write_order(
        draft,
        cart,
        totals,
        billing=addresses.clean(cart.billing_address),
        shipping=addresses.clean(cart.shipping_address, kind="shipping"),
        source=source,
        user=user,
        status=Order.Status.CHECKOUT_DRAFT,
    )
    if cart.draft_order_id != order.pk:
        cart.draft_order = order
        cart.save(update_fields=["draft_order", "updated_at"])
    return order


def pay_for_order(
    order: Order,
    *,
    payment_method: str | None = None,
    payment_data: dict | None = None,
    billing: dict | None = None,
    shipping: dict | None = None,
) -> CheckoutResult:
    """Pay for an existing pending or failed order (WooCommerce's order-pay). A failed order
    gave its stock back, so it takes it again first, on locked rows; then the gateway runs."""
    order = _prepare_payment(order.pk, payment_method, billing, shipping)
    outcome = payments.pay(order, order.payment_method, payment_data)
    return CheckoutResult(order=order, payment=outcome)


@transaction.atomic
def _prepare_payment(order_id, payment_method, billing, shipping) -> Order:
    order = (
        Order.objects.select_for_update(of=("self",)).select_related("customer").get(pk=order_id)
    )
    if not order.needs_payment or order.status == Order.Status.CHECKOUT_DRAFT:
        raise OrderNotPayable(
            f"Order #{order.number} cannot be paid for: its status is {order.status}.",
            order=order,
        )
    if billing is not None or shipping is not None:
        billing, shipping = addresses.validate(billing, shipping)
        if billing is not None:
            order.billing_address = {**order.billing_address, **billing}
            order.billing_email = normalise_email(order.billing_address.get("email"))
        if shipping is not None and order.shipping_address:
            order.shipping_address = {**order.shipping_address, **shipping}
    if not order.billing_email:
        # Paying needs the buyer's email (receipts, the payment's receipt_email); an order left
        # pending without one (wc_create_order) gets it now.
        raise InvalidAddress(
            "Billing Email address is a required field.",
            errors={"billing_address.email": "Billing Email address is a required field."},
            codes={"billing_address.email": "required"},
        )
    method = payment_method or order.payment_method
    if not method:
        raise MissingPaymentMethod()
    order.payment_method = method
    order.payment_method_title = payments.get(method).title
    items = list(order.items.all())
    locked = lock_products(sorted({i.product_id for i in items if i.product_id}))
    if not order.stock_reduced:
        for item in items:
            product = locked.get(item.product_id)
            if product is not None:
                cart_service.check_stock(product, item.quantity)
    statuses.take_holds(order, locked, items=items)
    if order.status == Order.Status.FAILED:
        statuses.transition(order, Order.Status.PENDING)
    order.save()
    return order
