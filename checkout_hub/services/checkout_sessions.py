"""Checkout sessions: create one with a locked snapshot, read it while it is usable, move it
through its statuses, expire the overdue ones.

The vendor-neutral half of a hosted checkout (Waffo Pancake's `create-session` and hosted page
first). A vendor app validates its request, then calls:

- `create()` with a cart (priced by `pricing.calculate`) or explicit lines (`line_for()`
  builds one from a product), a TTL and what the page pre-fills; the snapshot is locked there;
- `get_open()` when the page or an order call names a session: it expires an overdue session
  on the way (by the hub's clock) and raises a `CheckoutSessionUnavailable` subclass for one
  that cannot be used;
- `start_payment()` once the page has made the order, then `complete()` when it is paid, or
  `reopen()` when the payment failed and the buyer may try again; `cancel()` / `expire()`.

Every status change goes through `transition()`, checked against `SESSION_TRANSITIONS` on
the locked row, as order statuses go through `statuses.transition()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from checkout_hub import clock
from checkout_hub.models import Cart, CheckoutSession, Order, Product, Vendor, normalise_email
from checkout_hub.models import sessions as sessions_model

from . import pricing, statuses
from .checkout import check_lines
from .errors import (
    CartCompleted,
    CheckoutSessionCancelled,
    CheckoutSessionCompleted,
    CheckoutSessionExpired,
    CheckoutSessionNotFound,
    EmptyCart,
)

S = CheckoutSession.Status

SESSION_TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.PROCESSING, S.COMPLETED, S.EXPIRED, S.CANCELLED},
    # No EXPIRED here: a session mid-payment is settled by the payment, never by the clock.
    S.PROCESSING: {S.OPEN, S.COMPLETED, S.CANCELLED},
    S.COMPLETED: set(),
    S.EXPIRED: set(),
    S.CANCELLED: set(),
}
# Moving to the status a session already has is refused: two requests racing to complete
# (or expire) one session must not both succeed.
SESSIONS = statuses.StatusTable("checkout_session", SESSION_TRANSITIONS, stay=False)
FINAL_STATUSES = SESSIONS.final

# A vendor passes its own TTL; this is the model's (Pancake's 45 minutes).
DEFAULT_TTL_SECONDS = sessions_model.DEFAULT_TTL_SECONDS
# Expired or cancelled sessions that never made an order are deleted this long after expiry.
RETENTION_SECONDS = 7 * 24 * 3600

# Session id formats by vendor; a vendor without one gets `cs_` + UUID (the model's default).
# A vendor app may add its own here when it loads, or pass `public_id` to `create()`.
ID_GENERATORS: dict[str, Callable[[], str]] = {}


def new_public_id(vendor: str) -> str:
    generator = ID_GENERATORS.get(vendor)
    return generator() if generator else sessions_model.new_session_id()


# --- statuses ---


@transaction.atomic
def transition(
    session: CheckoutSession, new: str, *, order: Order | None = None
) -> CheckoutSession:
    """Move `session` to `new` (raises InvalidStatusTransition, kind "checkout_session"),
    linking `order` when given. The check reads the locked row, so a cleanup run and a
    hosted-page request racing for one session cannot both win."""
    locked = CheckoutSession.objects.select_for_update().only("status").get(pk=session.pk)
    session.status = locked.status
    SESSIONS.check(session.status, new)
    fields = ["status", "updated_at"]
    if order is not None:
        session.order = order
        fields.append("order")
    if new == S.COMPLETED:
        session.completed_at = clock.now()
        fields.append("completed_at")
    session.status = new
    session.save(update_fields=fields)
    return session


# --- creating ---
def line_for(product: Product, quantity: int = 1, *, unit_price: int | None = None) -> dict:
    """A snapshot line for `product` at its current price, or at `unit_price` (a merchant's
    price override, such as Pancake's priceSnapshot), for `create(lines=...)`."""
    return {
        "product_id": product.pk,
        "parent_id": product.parent_id,
        "name": product.display_name,
        "sku": product.sku,
        "unit_price": (product.price or 0) if unit_price is None else unit_price,
        "quantity": quantity,
    }


def create(
    *,
    vendor: str = Vendor.HUB,
    cart: Cart | None = None,
    lines: list[dict] | None = None,
    currency: str | None = None,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    buyer_email: str | None = None,
    billing_detail: dict | None = None,
    success_url: str = "",
    cancel_url: str = "",
    data: dict | None = None,
    metadata: dict | None = None,
    public_id: str | None = None,
) -> CheckoutSession:
    """A new open session for `cart` (priced now, its lines checked against stock) or for
    explicit `lines` (dicts with product_id, name, unit_price, quantity; optional parent_id,
    sku, tax), expiring `ttl_seconds` from now by the hub's clock.

    Raises EmptyCart, CartCompleted or the cart's line problems (as checkout would); a bad
    argument (both or neither of cart and lines, a TTL that is not a positive integer) is a
    caller's bug and raises ValueError. `buyer_email` and `billing_detail` default to the
    cart's billing address; `data` holds vendor-specific locked values (Pancake's darkMode,
    withTrial, tax category...), `metadata` the merchant's own pairs."""
    if (cart is None) == (lines is None):
        raise ValueError("Pass either a cart or lines.")
    if isinstance(ttl_seconds, bool) or not isinstance(ttl_seconds, int) or ttl_seconds <= 0:
        raise ValueError(f"ttl_seconds must be a positive integer, not {ttl_seconds!r}.")
    if cart is not None:
        cart = Cart.objects.with_lines().get(pk=cart.pk)
        snapshot = _snapshot_of_cart(cart)
        billing = cart.billing_address or {}
        if buyer_email is None:
            buyer_email = billing.get("email") or (cart.customer.email if cart.customer else "")
        if billing_detail is None:
            billing_detail = dict(billing)
    else:
        snapshot = _snapshot_of_lines(lines, currency or settings.HUB_CURRENCY)
    # Pancake normalises every email (trim, lower case) before storing it (seed 004).
    snapshot["buyer_email"] = normalise_email(buyer_email)
    snapshot["billing_detail"] = billing_detail or {}
    snapshot["data"] = data or {}
    now = clock.now()
    return CheckoutSession.objects.create(
        public_id=public_id or new_public_id(vendor),
        vendor=vendor,
        status=S.OPEN,
        expires_at=now + dt.timedelta(seconds=ttl_seconds),
        snapshot=snapshot,
        success_url=success_url,
        cancel_url=cancel_url,
        cart=cart,
        metadata=metadata or {},
        created_at=now,
    )


def _snapshot_of_cart(cart: Cart) -> dict:
    if cart.completed:
        raise CartCompleted(order=cart.draft_order)
    totals = pricing.calculate(cart)
    if not totals.lines:
        raise EmptyCart()
    check_lines(totals)
    shipping = totals.shipping_rate
    return {
        "currency": totals.currency,
        "lines": [
            {
                "product_id": line.product.pk,
                "parent_id": line.product.parent_id,
                "name": line.product.display_name,
                "sku": line.product.sku,
                "unit_price": line.unit_price,
                "quantity": line.quantity,
                "subtotal": line.subtotal,
                "discount": line.discount,
                "total": line.total,
                "tax": line.total_tax,
            }
            for line in totals.lines
        ],
        "coupons": [{"code": c.code, "discount": c.discount} for c in totals.coupons],
        "shipping": (
            {
                "rate_id": shipping.rate_id,
                "title": shipping.title,
                "total": shipping.cost,
                "tax": shipping.taxes,
            }
            if shipping
            else None
        ),
        "totals": {
            "subtotal": totals.items_subtotal,
            "discount": totals.discount_total,
            "shipping": totals.shipping_total,
            "tax": totals.tax_total,
            "total": totals.total,
        },
    }


def _snapshot_of_lines(lines: list[dict], currency: str) -> dict:
    if not lines:
        raise EmptyCart()
    locked = []
    for given in lines:
        missing = {"product_id", "name", "unit_price", "quantity"} - given.keys()
        if missing:
            raise ValueError(f"A snapshot line lacks {sorted(missing)}: {given!r}")
        unit_price, quantity, tax = given["unit_price"], given["quantity"], given.get("tax", 0)
        if not all(isinstance(n, int) and n >= 0 for n in (unit_price, quantity, tax)):
            raise ValueError(f"Money and quantities are non-negative integers: {given!r}")
        if quantity < 1:
            raise ValueError(f"A line buys at least one: {given!r}")
        subtotal = unit_price * quantity
        locked.append(
            {
                "product_id": given["product_id"],
                "parent_id": given.get("parent_id"),
                "name": given["name"],
                "sku": given.get("sku", ""),
                "unit_price": unit_price,
                "quantity": quantity,
                "subtotal": subtotal,
                "discount": 0,
                "total": subtotal,
                "tax": tax,
            }
        )
    subtotal = sum(line["subtotal"] for line in locked)
    tax = sum(line["tax"] for line in locked)
    return {
        "currency": currency,
        "lines": locked,
        "coupons": [],
        "shipping": None,
        "totals": {
            "subtotal": subtotal,
            "discount": 0,
            "shipping": 0,
            "tax": tax,
            "total": subtotal + tax,
        },
    }


# --- reading ---
def get_open(public_id: str, *, vendor: str | None = None) -> CheckoutSession:
    """The session `public_id` (of `vendor`, when given) if it can still be used: open, or
    processing (a payment in flight: the caller decides whether to show or resume it).

    An open session past its expiry is marked expired here, lazily, so no cleanup run has to
    come first. Raises CheckoutSessionNotFound, CheckoutSessionExpired,
    CheckoutSessionCompleted (facts: order) or CheckoutSessionCancelled."""
    sessions = CheckoutSession.objects.select_related("order", "cart")
    if vendor is not None:
        sessions = sessions.filter(vendor=vendor)
    try:
        session = sessions.get(public_id=public_id)
    except CheckoutSession.DoesNotExist:
        raise CheckoutSessionNotFound(session_id=public_id) from None
    if session.status == S.OPEN and session.is_overdue:
        # A conditional UPDATE, not transition(): it touches the row only if it is still open
        # and overdue, so a payment that started meanwhile is never clobbered.
        CheckoutSession.objects.overdue().filter(pk=session.pk).update(
            status=S.EXPIRED, updated_at=clock.now()
        )
        session.refresh_from_db(fields=["status", "updated_at"])
    if session.status == S.EXPIRED:
        raise CheckoutSessionExpired(session_id=public_id, session=session)
    if session.status == S.COMPLETED:
        raise CheckoutSessionCompleted(session_id=public_id, session=session, order=session.order)
    if session.status == S.CANCELLED:
        raise CheckoutSessionCancelled(session_id=public_id, session=session)
    return session


# --- moving ---
def start_payment(session: CheckoutSession, order: Order) -> CheckoutSession:
    """The hosted page made `order` and the buyer is paying: open -> processing. Calling it
    again for the same order (a double submit) changes nothing."""
    if session.status == S.PROCESSING and session.order_id == order.pk:
        return session
    _check_same_order(session, order)
    return transition(session, S.PROCESSING, order=order)


def reopen(session: CheckoutSession) -> CheckoutSession:
    """The payment failed or was abandoned: processing -> open, so the buyer may try again
    (the order stays linked; checkout reuses a failed order). Expiry applies again from here."""
    return transition(session, S.OPEN)


def complete(session: CheckoutSession, order: Order) -> CheckoutSession:
    """`order` is paid: the session is completed and linked to it. Calling it again for the
    same order (a repeated payment notification) changes nothing."""
    if session.status == S.COMPLETED and session.order_id == order.pk:
        return session
    _check_same_order(session, order)
    return transition(session, S.COMPLETED, order=order)


def cancel(session: CheckoutSession) -> CheckoutSession:
    return transition(session, S.CANCELLED)


def expire(session: CheckoutSession) -> CheckoutSession:
    """Expire `session` now, whatever its expiry time (admin, QA); only an open one can."""
    return transition(session, S.EXPIRED)


def _check_same_order(session: CheckoutSession, order: Order) -> None:
    # A session produces one order; linking another would orphan the first one's payment.
    if session.order_id is not None and session.order_id != order.pk:
        raise ValueError(f"Session {session} already belongs to order {session.order_id}.")


# --- cleanup ---
def expire_overdue() -> int:
    """Mark every overdue open session expired, in one UPDATE; returns how many."""
    return CheckoutSession.objects.overdue().update(status=S.EXPIRED, updated_at=clock.now())


def prune(retention_seconds: int = RETENTION_SECONDS) -> int:
    """Delete expired and cancelled sessions that never made an order, `retention_seconds`
    past their expiry (they are kept a while for admin and the journal); returns how many."""
    cutoff = clock.now() - dt.timedelta(seconds=retention_seconds)
    deleted, _ = CheckoutSession.objects.filter(
        status__in=[S.EXPIRED, S.CANCELLED], order__isnull=True, expires_at__lte=cutoff
    ).delete()
    return deleted
