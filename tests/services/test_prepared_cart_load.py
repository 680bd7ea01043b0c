"""The prepared cart read gives exactly what the plain queryset gives."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkout_hub import clock
from checkout_hub.models import Cart
from checkout_hub.models.carts import load_open_cart
from checkout_hub.models.prepared import PreparedQuery
from tests.factories import (
    CartFactory,
    CartItemFactory,
    CustomerFactory,
    OrderFactory,
    ProductFactory,
    VariableProductFactory,
    VariationFactory,
)

pytestmark = pytest.mark.django_db


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_rows_are_the_querysets_rows():
    parent = VariableProductFactory()
    variation = VariationFactory(parent=parent)
    cart = CartFactory(
        customer=CustomerFactory(),
        draft_order=OrderFactory(),
        billing_address={"country": "US", "state": "NY"},
        coupon_codes=["tenoff"],
    )
    for product in (ProductFactory(), variation, ProductFactory()):
        CartItemFactory(cart=cart, product=product, variation={"pa_color": "Blue"})
    plain = Cart.objects.with_lines().filter(key=cart.key).open().first()

    with CaptureQueriesContext(connection) as queries:
        fast = load_open_cart(cart.key)
        items = list(fast.items.all())
        related = [(i.cart, i.product, i.product.parent) for i in items]
        customer, order = fast.customer, fast.draft_order
    assert len(queries) == 2  # the cart, its lines: nothing lazy afterwards

    assert fields(fast) == fields(plain)
    assert fields(customer) == fields(plain.customer)
    assert fields(order) == fields(plain.draft_order)
    plain_items = list(plain.items.all())
    assert [fields(i) for i in items] == [fields(i) for i in plain_items]
    assert [fields(p) for _, p, _ in related] == [fields(i.product) for i in plain_items]
    assert [p and p.pk for _, _, p in related] == [None, parent.pk, None]
    assert all(c is fast for c, _, _ in related)


def test_unlogged_reads_on_the_databases_own_cursor_give_the_same_rows(monkeypatch):
    product = ProductFactory()
    cart = CartFactory(billing_address={"country": "US"}, coupon_codes=["tenoff"])
    CartItemFactory(cart=cart, product=product, variation={"pa_color": "Blue"})
    with CaptureQueriesContext(connection):  # logged: through Django's cursor
        logged = load_open_cart(cart.key)
        logged_items = list(logged.items.all())
    if connection.vendor == "sqlite":  # only SQLite's SQL is converted per execute
        monkeypatch.setattr(connection, "cursor", lambda: pytest.fail("Django's cursor ran"))
    assert not connection.queries_logged
    unlogged = load_open_cart(cart.key)
    unlogged_items = list(unlogged.items.all())
    assert fields(unlogged) == fields(logged)
    assert [fields(i) for i in unlogged_items] == [fields(i) for i in logged_items]
    assert [fields(i.product) for i in unlogged_items] == [fields(product)]


def test_only_an_open_cart_is_found():
    assert load_open_cart("t_nobody") is None
    assert load_open_cart(CartFactory(completed=True).key) is None
    expired = CartFactory(expires_at=clock.now() - dt.timedelta(seconds=1))
    assert load_open_cart(expired.key) is None
    empty = CartFactory()
    found = load_open_cart(empty.key)
    assert found.pk == empty.pk and list(found.items.all()) == []


def test_a_parameter_list_that_does_not_match_djangos_is_refused():
    wrong = PreparedQuery(
        lambda key: Cart.objects.filter(key=key, vendor="woo_store"),
        lambda connection, key: [key],  # forgets the vendor
        sample=("t_x",),
    )
    with pytest.raises(ValueError, match="do not match"):
        wrong.fetch("t_x")
