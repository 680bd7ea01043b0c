"""Checkout sessions: the locked snapshot, the status table, lazy expiry by the hub's clock,
completion, and the cleanup that expires and prunes them."""

import datetime as dt
import io
import re
import uuid

import pytest
from django.core.management import call_command

from checkout_hub import clock
from checkout_hub.models import CheckoutSession, Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import checkout, checkout_sessions, errors
from tests.factories import (
    US_ADDRESS,
    CartFactory,
    CheckoutSessionFactory,
    CouponFactory,
    OrderFactory,
    ProductFactory,
    ShippingMethodFactory,
    ShippingZoneFactory,
    TaxRateFactory,
)

pytestmark = pytest.mark.django_db

S = CheckoutSession.Status
START = dt.datetime(2026, 1, 22, 9, 45, tzinfo=dt.UTC)
UUID_ID = re.compile(r"^cs_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
def frozen():
    with clock.frozen(START):
        yield


@pytest.fixture
def product():
    return ProductFactory(
        name="Ecto-1 model", regular_price=1000, manage_stock=True, stock_quantity=5
    )


@pytest.fixture
def cart(product):
    ShippingMethodFactory(zone=ShippingZoneFactory(countries=["US"]), cost=500)
    cart = CartFactory(billing_address=dict(US_ADDRESS, email="  Peter@Example.COM "))
    cart_service.add_item(cart, product.pk, 2)
    return cart


def lines_session(**kwargs):
    kwargs.setdefault("vendor", "pancake")
    kwargs.setdefault(
        "lines", [{"product_id": 7, "name": "Plan", "unit_price": 2900, "quantity": 1}]
    )
    return checkout_sessions.create(**kwargs)


def in_db(session):
    return CheckoutSession.objects.get(pk=session.pk)


# --- creating: the locked snapshot ---
def test_a_session_from_a_cart_locks_its_lines_totals_and_buyer(frozen, cart, product):
    TaxRateFactory(country="US", state="NY", rate="10.0000")
    CouponFactory(code="tenoff", amount=10)
    cart_service.apply_coupon(cart, "tenoff")

    session = checkout_sessions.create(
        vendor="pancake",
        cart=cart,
        ttl_seconds=600,
        success_url="https://example.com/thank-you",
        cancel_url="https://example.com/cart",
        data={"darkMode": True},
        metadata={"campaign": "spring"},
    )

    session = in_db(session)
    assert UUID_ID.match(session.public_id)
    assert (session.vendor, session.status, session.cart) == ("pancake", "open", cart)
    assert session.expires_at == START + dt.timedelta(seconds=600)
    assert session.created_at == START
    assert (session.success_url, session.cancel_url) == (
        "https://example.com/thank-you",
        "https://example.com/cart",
    )
    assert session.metadata == {"campaign": "spring"}
    snapshot = session.snapshot
    assert snapshot["currency"] == "USD"
    assert snapshot["lines"] == [
        {
            "product_id": product.pk,
            "parent_id": None,
            "name": "Ecto-1 model",
            "sku": product.sku,
            "unit_price": 1000,
            "quantity": 2,
            "subtotal": 2000,
            "discount": 200,
            "total": 1800,
            "tax": 180,
        }
    ]
    assert snapshot["coupons"] == [{"code": "tenoff", "discount": 200}]
    assert snapshot["shipping"]["total"] == 500 and snapshot["shipping"]["tax"] == 50
    assert snapshot["totals"] == {
        "subtotal": 2000,
        "discount": 200,
        "shipping": 500,
        "tax": 230,
        "total": 1800 + 500 + 230,
    }
    assert snapshot["buyer_email"] == "peter@example.com"  # trimmed and lower-cased
    assert snapshot["billing_detail"]["state"] == "NY"
    assert snapshot["data"] == {"darkMode": True}
    assert (session.currency, session.total, session.buyer_email) == (
        "USD",
        2530,
        "peter@example.com",
    )


def test_the_snapshot_does_not_follow_later_price_changes(cart, product):
    session = checkout_sessions.create(cart=cart)
    Product.objects.filter(pk=product.pk).update(regular_price=9999, name="Renamed")
    cart_service.add_item(cart, ProductFactory().pk, 1)

    snapshot = in_db(session).snapshot
    assert [(line["name"], line["unit_price"]) for line in snapshot["lines"]] == [
        ("Ecto-1 model", 1000)
    ]
    assert snapshot["totals"]["total"] == 2000 + 500


def test_a_session_from_explicit_lines(frozen, product):
    session = checkout_sessions.create(
        vendor="pancake",
        lines=[
            checkout_sessions.line_for(product, unit_price=2900),  # a merchant price override
            checkout_sessions.line_for(product, 2) | {"tax": 150},
        ],
        currency="EUR",
        buyer_email=" Foo@Bar.COM",
        billing_detail={"country": "DE", "isBusiness": True, "taxId": "DE123"},
    )

    snapshot = in_db(session).snapshot
    assert snapshot["currency"] == "EUR"
    assert [
        (line["product_id"], line["unit_price"], line["quantity"]) for line in snapshot["lines"]
    ] == [
        (product.pk, 2900, 1),
        (product.pk, 1000, 2),
    ]
    assert snapshot["totals"] == {
        "subtotal": 4900,
        "discount": 0,
        "shipping": 0,
        "tax": 150,
        "total": 5050,
    }
    assert snapshot["buyer_email"] == "foo@bar.com"
    assert snapshot["billing_detail"] == {"country": "DE", "isBusiness": True, "taxId": "DE123"}
    assert session.cart is None
    assert session.expires_at == START + dt.timedelta(seconds=2700)  # Pancake's default TTL


def test_explicit_lines_default_to_the_store_currency_and_an_empty_buyer():
    snapshot = lines_session().snapshot
    assert (snapshot["currency"], snapshot["buyer_email"], snapshot["billing_detail"]) == (
        "USD",
        "",
        {},
    )


def test_ids_are_repeatable_with_a_seeded_clock():
    clock.seed(4)
    first = checkout_sessions.new_public_id("pancake")
    clock.seed(4)
    assert checkout_sessions.new_public_id("pancake") == first
    assert uuid.UUID(first.removeprefix("cs_")).version == 4


def test_a_vendor_may_choose_its_id_format(monkeypatch):
    monkeypatch.setitem(checkout_sessions.ID_GENERATORS, "cocart", lambda: "sess_custom")
    assert lines_session(vendor="cocart").public_id == "sess_custom"
    assert UUID_ID.match(lines_session(vendor="pancake").public_id)
    assert lines_session(public_id="cs_abc123").public_id == "cs_abc123"


def test_an_empty_cart_or_no_lines_make_no_session():
    with pytest.raises(errors.EmptyCart):
        checkout_sessions.create(cart=CartFactory())
    with pytest.raises(errors.EmptyCart):
        checkout_sessions.create(lines=[])
    assert not CheckoutSession.objects.exists()


def test_a_cart_already_checked_out_makes_no_session(cart):
    order = checkout.place_order(cart, billing=US_ADDRESS, payment_method="bacs").order
    with pytest.raises(errors.CartCompleted) as caught:
        checkout_sessions.create(cart=cart)
    assert caught.value.order == order


def test_a_cart_asking_for_more_than_the_stock_makes_no_session(cart, product):
    Product.objects.filter(pk=product.pk).update(stock_quantity=1)
    with pytest.raises(errors.OutOfStock):
        checkout_sessions.create(cart=cart)
    assert not CheckoutSession.objects.exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {},  # neither cart nor lines
        {"lines": [{"product_id": 1, "name": "x", "unit_price": 1, "quantity": 1}], "cart": 1},
        {"lines": [{"product_id": 1, "name": "x", "unit_price": 1}]},
        {"lines": [{"product_id": 1, "name": "x", "unit_price": "29.00", "quantity": 1}]},
        {"lines": [{"product_id": 1, "name": "x", "unit_price": 1, "quantity": 0}]},
        {"lines": [{"product_id": 1, "name": "x", "unit_price": -1, "quantity": 1}]},
        {
            "lines": [{"product_id": 1, "name": "x", "unit_price": 1, "quantity": 1}],
            "ttl_seconds": 0,
        },
        {
            "lines": [{"product_id": 1, "name": "x", "unit_price": 1, "quantity": 1}],
            "ttl_seconds": 1.5,
        },
        {
            "lines": [{"product_id": 1, "name": "x", "unit_price": 1, "quantity": 1}],
            "ttl_seconds": True,
        },
    ],
)
def test_a_caller_bug_is_a_value_error(kwargs):
    with pytest.raises(ValueError):
        checkout_sessions.create(**kwargs)
    assert not CheckoutSession.objects.exists()


# --- the status table ---
ALL = [s.value for s in S]
ALLOWED = {
    ("open", "processing"),
    ("open", "completed"),
    ("open", "expired"),
    ("open", "cancelled"),
    ("processing", "open"),
    ("processing", "completed"),
    ("processing", "cancelled"),
}


@pytest.mark.parametrize("current", ALL)
@pytest.mark.parametrize("new", ALL)
def test_transitions_follow_the_table(current, new):
    session = CheckoutSessionFactory(status=current)
    if (current, new) in ALLOWED:
        checkout_sessions.transition(session, new)
        assert in_db(session).status == new
    else:
        with pytest.raises(errors.InvalidStatusTransition) as caught:
            checkout_sessions.transition(session, new)
        assert (caught.value.kind, caught.value.current, caught.value.requested) == (
            "checkout_session",
            current,
            new,
        )
        assert in_db(session).status == current


def test_completed_expired_and_cancelled_are_final():
    assert {"completed", "expired", "cancelled"} == checkout_sessions.FINAL_STATUSES


def test_a_transition_checks_the_row_not_a_stale_copy():
    session = CheckoutSessionFactory()
    stale = CheckoutSession.objects.get(pk=session.pk)
    checkout_sessions.expire(session)  # say, a cleanup run meanwhile

    with pytest.raises(errors.InvalidStatusTransition):
        checkout_sessions.start_payment(stale, OrderFactory())
    assert in_db(session).status == "expired" and in_db(session).order is None


# --- reading: get_open and lazy expiry ---
def test_get_open_finds_an_open_session():
    session = lines_session()
    assert checkout_sessions.get_open(session.public_id) == session
    assert checkout_sessions.get_open(session.public_id, vendor="pancake") == session


def test_get_open_refuses_an_unknown_id_or_another_vendors_session():
    session = lines_session()
    with pytest.raises(errors.CheckoutSessionNotFound) as caught:
        checkout_sessions.get_open("cs_00000000-0000-4000-8000-000000000000")
    assert caught.value.session_id == "cs_00000000-0000-4000-8000-000000000000"
    with pytest.raises(errors.CheckoutSessionNotFound):
        checkout_sessions.get_open(session.public_id, vendor="cocart")


def test_an_overdue_session_expires_when_read(frozen):
    session = lines_session(ttl_seconds=60)

    clock.advance(59)
    assert checkout_sessions.get_open(session.public_id).status == "open"
    clock.advance(1)  # expires_at is the first moment it is no longer usable
    with pytest.raises(errors.CheckoutSessionExpired) as caught:
        checkout_sessions.get_open(session.public_id)

    assert caught.value.session.status == "expired"
    assert in_db(session).status == "expired"
    with pytest.raises(errors.CheckoutSessionExpired):  # and stays so
        checkout_sessions.get_open(session.public_id)


def test_all_unusable_sessions_share_one_base_class():
    for cls in (
        errors.CheckoutSessionNotFound,
        errors.CheckoutSessionExpired,
        errors.CheckoutSessionCompleted,
        errors.CheckoutSessionCancelled,
    ):
        assert issubclass(cls, errors.CheckoutSessionUnavailable)
        assert cls.__doc__


def test_get_open_refuses_a_completed_session_and_names_its_order():
    session, order = lines_session(), OrderFactory()
    checkout_sessions.complete(session, order)
    with pytest.raises(errors.CheckoutSessionCompleted) as caught:
        checkout_sessions.get_open(session.public_id)
    assert caught.value.order == order


def test_get_open_refuses_a_cancelled_session():
    session = checkout_sessions.cancel(lines_session())
    with pytest.raises(errors.CheckoutSessionCancelled):
        checkout_sessions.get_open(session.public_id)


def test_a_session_mid_payment_does_not_expire(frozen):
    session, order = lines_session(ttl_seconds=60), OrderFactory()
    checkout_sessions.start_payment(session, order)

    clock.advance(3600)
    assert checkout_sessions.get_open(session.public_id).status == "processing"
    assert checkout_sessions.expire_overdue() == 0
    with pytest.raises(errors.InvalidStatusTransition):
        checkout_sessions.expire(session)

    # The payment failed: back to open, where the clock applies again.
    checkout_sessions.reopen(session)
    with pytest.raises(errors.CheckoutSessionExpired):
        checkout_sessions.get_open(session.public_id)
    assert in_db(session).order == order  # a retry would reuse it


# --- paying and completing ---
def test_start_payment_then_complete_links_the_order(frozen, cart):
    session = checkout_sessions.create(vendor="pancake", cart=cart)
    order = checkout.place_order(cart, billing=US_ADDRESS, pay=False).order

    checkout_sessions.start_payment(session, order)
    assert (in_db(session).status, in_db(session).order) == ("processing", order)
    assert checkout_sessions.start_payment(session, order).status == "processing"  # double submit

    clock.advance(5)
    checkout_sessions.complete(session, order)
    session = in_db(session)
    assert (session.status, session.order, session.completed_at) == (
        "completed",
        order,
        START + dt.timedelta(seconds=5),
    )
    assert list(order.checkout_sessions.all()) == [session]


def test_complete_again_for_the_same_order_changes_nothing():
    session, order = lines_session(), OrderFactory()
    checkout_sessions.complete(session, order)
    completed_at = in_db(session).completed_at

    checkout_sessions.complete(session, order)
    assert in_db(session).completed_at == completed_at


def test_a_session_makes_one_order():
    session, order = lines_session(), OrderFactory()
    checkout_sessions.start_payment(session, order)
    with pytest.raises(ValueError):
        checkout_sessions.complete(session, OrderFactory())
    assert in_db(session).order == order
    checkout_sessions.complete(session, order)
    with pytest.raises(ValueError):
        checkout_sessions.complete(session, OrderFactory())
    assert in_db(session).order == order


# --- cleanup ---
def test_expire_overdue_marks_only_overdue_open_sessions(frozen):
    overdue = lines_session(ttl_seconds=60)
    later = lines_session(ttl_seconds=3600)
    paying = lines_session(ttl_seconds=60)
    checkout_sessions.start_payment(paying, OrderFactory())
    cancelled = checkout_sessions.cancel(lines_session(ttl_seconds=60))

    clock.advance(60)
    assert checkout_sessions.expire_overdue() == 1

    statuses = {s.pk: s.status for s in CheckoutSession.objects.all()}
    assert statuses == {
        overdue.pk: "expired",
        later.pk: "open",
        paying.pk: "processing",
        cancelled.pk: "cancelled",
    }


def test_prune_deletes_old_sessions_that_never_made_an_order(frozen):
    old_expired = lines_session(ttl_seconds=60)
    old_cancelled = checkout_sessions.cancel(lines_session(ttl_seconds=60))
    old_with_order = lines_session(ttl_seconds=60)
    checkout_sessions.start_payment(old_with_order, OrderFactory())
    checkout_sessions.reopen(old_with_order)
    clock.advance(60)
    checkout_sessions.expire_overdue()
    clock.advance(checkout_sessions.RETENTION_SECONDS)
    recent = lines_session(ttl_seconds=60)
    clock.advance(60)
    checkout_sessions.expire_overdue()

    assert checkout_sessions.prune() == 2
    assert set(CheckoutSession.objects.values_list("pk", flat=True)) == {
        old_with_order.pk,
        recent.pk,
    }
    assert not CheckoutSession.objects.filter(pk__in=[old_expired.pk, old_cancelled.pk]).exists()


def test_hub_cleanup_expires_overdue_sessions(frozen):
    overdue, alive = lines_session(ttl_seconds=60), lines_session(ttl_seconds=3600)
    clock.advance(60)

    out = io.StringIO()
    call_command("hub_cleanup", stdout=out)

    assert (in_db(overdue).status, in_db(alive).status) == ("expired", "open")
    assert "Expired 1 checkout sessions" in out.getvalue()


def test_hub_cleanup_keeps_a_session_whose_cart_it_deletes(frozen, cart):
    session = checkout_sessions.create(cart=cart, ttl_seconds=60)
    clock.advance(60)
    cart.expires_at = clock.now()
    cart.save(update_fields=["expires_at"])

    call_command("hub_cleanup", stdout=io.StringIO())

    session = in_db(session)
    assert session.cart is None and session.status == "expired"
    assert session.snapshot["lines"][0]["quantity"] == 2
