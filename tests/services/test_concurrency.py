"""Concurrency on PostgreSQL: row locks make concurrent checkouts safe.

SQLite has no row locks (the hub serialises its transactions there instead), so these run
only when DATABASE_URL points at PostgreSQL, as CI's second run does.
"""

import threading

import pytest
from django.db import connection, connections

from checkout_hub.models import Order, Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import checkout, errors
from tests.factories import US_ADDRESS, CartFactory, ProductFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]
THREADS = 8


def run_together(jobs):
    """Run the callables at the same instant in threads; return their results or errors."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def virtual_product(**kwargs):
    return ProductFactory(virtual=True, regular_price=1000, **kwargs)


def test_concurrent_checkouts_of_one_cart_make_one_order():
    cart = CartFactory()
    cart_service.add_item(cart, virtual_product(manage_stock=True, stock_quantity=50).pk, 3)

    def buy():
        return checkout.place_order(cart, billing=US_ADDRESS, payment_method="bacs").order.pk

    results = run_together([buy] * THREADS)
    orders = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, errors.CartCompleted)]
    assert len(orders) == 1 and len(refused) == THREADS - 1, results
    assert Order.objects.count() == 1
    assert Product.objects.get().stock_quantity == 47


def test_buyers_of_the_last_two_units():
    product = virtual_product(manage_stock=True, stock_quantity=2)
    carts = []
    for _ in range(THREADS):
        cart = CartFactory()
        cart_service.add_item(cart, product.pk, 1)
        carts.append(cart)

    def buyer(cart):
        return lambda: checkout.place_order(cart, billing=US_ADDRESS, payment_method="cod").order.pk

    results = run_together([buyer(c) for c in carts])
    orders = [r for r in results if isinstance(r, int)]
    out_of_stock = [r for r in results if isinstance(r, errors.OutOfStock)]
    assert len(orders) == 2 and len(out_of_stock) == THREADS - 2, results
    product.refresh_from_db()
    assert product.stock_quantity == 0
    assert product.stock_status == "outofstock"
    assert Order.objects.count() == 2


def test_stock_never_goes_negative_with_mixed_quantities():
    product = virtual_product(manage_stock=True, stock_quantity=5)
    carts = []
    for qty in (2, 2, 2, 1, 3, 1, 2, 4):
        cart = CartFactory()
        cart_service.add_item(cart, product.pk, qty)
        carts.append(cart)
    results = run_together(
        [
            (lambda c=c: checkout.place_order(c, billing=US_ADDRESS, payment_method="bacs"))
            for c in carts
        ]
    )
    sold = sum(
        r.order.items.get().quantity for r in results if isinstance(r, checkout.CheckoutResult)
    )
    product.refresh_from_db()
    assert product.stock_quantity >= 0
    assert sold + product.stock_quantity == 5


def test_a_coupons_last_use_goes_to_one_buyer():
    from tests.factories import CouponFactory

    coupon = CouponFactory(code="once", amount=10, usage_limit=1)
    product = virtual_product()
    carts = []
    for _ in range(THREADS):
        cart = CartFactory()
        cart_service.add_item(cart, product.pk, 1)
        cart_service.apply_coupon(cart, "once")
        carts.append(cart)
    results = run_together(
        [
            (lambda c=c: checkout.place_order(c, billing=US_ADDRESS, payment_method="bacs"))
            for c in carts
        ]
    )
    placed = [r for r in results if isinstance(r, checkout.CheckoutResult)]
    refused = [r for r in results if isinstance(r, errors.InvalidCoupon)]
    assert len(placed) == 1 and len(refused) == THREADS - 1, results
    assert {r.reason for r in refused} == {"usage_limit"}
    coupon.refresh_from_db()
    assert coupon.usage_count == 1
