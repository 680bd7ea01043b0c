"""Totals: coupons of each type, free-shipping threshold, tax by state, rounding."""

import datetime as dt

import pytest

from checkout_hub import clock
from checkout_hub.models import ShippingMethod
from checkout_hub.services import cart as cart_service
from checkout_hub.services import money, pricing
from tests.factories import (
    CartFactory,
    CouponFactory,
    ProductFactory,
    ShippingMethodFactory,
    ShippingZoneFactory,
    TaxRateFactory,
)

pytestmark = pytest.mark.django_db


def make_cart(*lines, address=None, coupons=()):
    cart = CartFactory(shipping_address=address or {}, coupon_codes=list(coupons))
    for product, qty in lines:
        cart_service.add_item(cart, product.pk, qty)
    return cart


def totals_for(cart):
    cart.refresh_from_db()
    return pricing.calculate(cart)


# --- money ---
def test_rounding_is_half_up_in_minor_units():
    assert money.round_half_up(2.5) == 3
    assert money.percent_of(125, 10) == 13  # 12.5 -> 13
    assert money.percent_of(124, 10) == 12
    assert money.percent_of(1999, "8.875") == 177  # 177.41...
    assert money.split_proportionally(100, [1, 1, 1]) == [34, 33, 33]
    assert sum(money.split_proportionally(997, [300, 500, 1200])) == 997


def test_money_formats():
    assert money.to_decimal_string(2900, "USD") == "29.00"
    assert money.to_decimal_string(4500, "JPY") == "4500"
    assert money.from_decimal_string("29.005", "USD") == 2901
    assert money.format_price(123456, "USD") == "$1,234.56"
    assert money.format_price(123456, "EUR") == "1.234,56 €"
    with pytest.raises(ValueError):
        money.from_decimal_string("abc", "USD")


# --- lines and coupons ---
def test_line_totals_without_extras():
    cart = make_cart(
        (ProductFactory(regular_price=1250), 3), (ProductFactory(regular_price=999), 1)
    )
    totals = totals_for(cart)
    assert [line.subtotal for line in totals.lines] == [3750, 999]
    assert totals.items_subtotal == 4749
    assert totals.discount_total == 0
    assert totals.tax_total == 0
    assert totals.total == 4749
    assert totals.items_count == 4


def test_sale_price_is_the_price():
    product = ProductFactory(regular_price=2000, sale_price=1500)
    totals = totals_for(make_cart((product, 2)))
    assert totals.lines[0].unit_price == 1500
    assert totals.total == 3000


def test_sale_window_respected():
    product = ProductFactory(
        regular_price=2000, sale_price=1500, sale_ends_at=clock.now() - dt.timedelta(days=1)
    )
    assert totals_for(make_cart((product, 1))).total == 2000


def test_percent_coupon_rounds_once_and_spreads_over_lines():
    CouponFactory(code="third", discount_type="percent", amount=33)
    a, b = ProductFactory(regular_price=1001), ProductFactory(regular_price=1001)
    totals = totals_for(make_cart((a, 1), (b, 1), coupons=["third"]))
    # 33% of 2002 = 660.66 -> 661, split so the lines add up exactly.
    assert totals.discount_total == 661
    assert sorted(line.discount for line in totals.lines) == [330, 331]
    assert totals.total == 2002 - 661


def test_fixed_cart_coupon_is_capped_at_the_cart():
    CouponFactory(code="big", discount_type="fixed_cart", amount=5000)
    totals = totals_for(make_cart((ProductFactory(regular_price=1200), 2), coupons=["big"]))
    assert totals.discount_total == 2400
    assert totals.total == 0
    assert not totals.needs_payment


def test_fixed_cart_coupon_split_in_proportion():
    CouponFactory(code="five", discount_type="fixed_cart", amount=500)
    a, b = ProductFactory(regular_price=3000), ProductFactory(regular_price=1000)
    totals = totals_for(make_cart((a, 1), (b, 1), coupons=["five"]))
    assert [line.discount for line in totals.lines] == [375, 125]
    assert totals.total == 3500


def test_fixed_product_coupon_per_unit_on_eligible_products():
    a, b = ProductFactory(regular_price=1000), ProductFactory(regular_price=1000)
    coupon = CouponFactory(code="twooff", discount_type="fixed_product", amount=200)
    coupon.products.add(a)
    totals = totals_for(make_cart((a, 3), (b, 1), coupons=["twooff"]))
    assert [line.discount for line in totals.lines] == [600, 0]
    assert totals.total == 3400


def test_coupon_minimum_spend_reported_not_applied():
    CouponFactory(code="min50", amount=10, minimum_spend=5000)
    totals = totals_for(make_cart((ProductFactory(regular_price=1000), 1), coupons=["min50"]))
    assert totals.discount_total == 0
    assert [e.reason for e in totals.coupon_errors] == ["minimum_spend"]
    assert "$50.00" in totals.coupon_errors[0].message


def test_expired_and_used_up_coupons_do_not_apply():
    CouponFactory(code="old", expires_at=clock.now() - dt.timedelta(days=1))
    CouponFactory(code="gone", usage_limit=1, usage_count=1)
    totals = totals_for(
        make_cart((ProductFactory(regular_price=1000), 1), coupons=["old", "gone", "nope"])
    )
    assert totals.total == 1000
    assert [e.reason for e in totals.coupon_errors] == ["expired", "usage_limit", "not_found"]


def test_exclude_sale_items():
    CouponFactory(code="nosale", amount=50, exclude_sale_items=True)
    sale = ProductFactory(regular_price=2000, sale_price=1000)
    full = ProductFactory(regular_price=2000)
    totals = totals_for(make_cart((sale, 1), (full, 1), coupons=["nosale"]))
    assert [line.discount for line in totals.lines] == [0, 1000]


# --- tax ---
NY = {"country": "US", "state": "NY", "postcode": "10023", "city": "New York"}
TX = {"country": "US", "state": "TX", "postcode": "73301", "city": "Austin"}


def test_tax_by_state_most_specific_rate_wins():
    TaxRateFactory(country="US", state="", rate="5.0000", name="US")
    TaxRateFactory(country="US", state="NY", rate="8.8750", name="NY")
    product = ProductFactory(regular_price=1999)
    ny = totals_for(make_cart((product, 1), address=NY))
    tx = totals_for(make_cart((product, 1), address=TX))
    assert ny.items_tax == 177  # 1999 * 8.875% = 177.41
    assert [t.rate.name for t in ny.tax_lines] == ["NY"]
    assert tx.items_tax == 100  # 1999 * 5% = 99.95 -> 100
    assert ny.total == 1999 + 177


def test_rates_of_different_priorities_add_up():
    TaxRateFactory(country="US", state="NY", rate="4.0000", priority=1)
    TaxRateFactory(country="US", state="NY", rate="4.5000", priority=2, name="City")
    totals = totals_for(make_cart((ProductFactory(regular_price=1000), 1), address=NY))
    assert totals.items_tax == 40 + 45
    assert len(totals.tax_lines) == 2


def test_no_tax_without_an_address_or_for_untaxable_products():
    TaxRateFactory(country="US", rate="10.0000")
    assert totals_for(make_cart((ProductFactory(regular_price=1000), 1))).tax_total == 0
    free = ProductFactory(regular_price=1000, taxable=False)
    assert totals_for(make_cart((free, 1), address=NY)).tax_total == 0


def test_tax_is_on_the_discounted_line_and_coupon_carries_its_tax():
    TaxRateFactory(country="US", rate="10.0000")
    CouponFactory(code="half", amount=50)
    totals = totals_for(
        make_cart((ProductFactory(regular_price=1000), 1), address=NY, coupons=["half"])
    )
    line = totals.lines[0]
    assert (line.subtotal_tax, line.total_tax) == (100, 50)
    assert totals.coupons[0].discount_tax == 50
    assert totals.total == 500 + 50


# --- shipping ---
@pytest.fixture
def us_shipping():
    zone = ShippingZoneFactory(countries=["US"], order=0)
    flat = ShippingMethodFactory(zone=zone, cost=500, order=0)
    free = ShippingMethodFactory(
        zone=zone,
        method_id=ShippingMethod.MethodId.FREE_SHIPPING,
        title="Free shipping",
        cost=0,
        requires="either",
        min_amount=5000,
        order=1,
    )
    express = ShippingMethodFactory(
        zone=zone, title="Express", cost=1500, states=["US:NY", "US:CA"], order=2
    )
    world = ShippingMethodFactory(zone=ShippingZoneFactory(countries=[], order=9), cost=2000)
    return {"flat": flat, "free": free, "express": express, "world": world}


def rate_ids(totals):
    return [r.rate_id for r in totals.shipping_rates]


def test_no_rates_until_a_destination_is_known(us_shipping):
    totals = totals_for(make_cart((ProductFactory(), 1)))
    assert totals.needs_shipping and not totals.has_calculated_shipping
    assert totals.shipping_rates == [] and totals.shipping_total == 0


def test_rates_for_an_address_and_default_selection(us_shipping):
    totals = totals_for(make_cart((ProductFactory(regular_price=1000), 1), address=TX))
    assert rate_ids(totals) == [us_shipping["flat"].rate_id]
    assert totals.shipping_rate.rate_id == us_shipping["flat"].rate_id
    assert totals.total == 1000 + 500


def test_express_only_in_its_states_and_world_zone_elsewhere(us_shipping):
    ny = totals_for(make_cart((ProductFactory(regular_price=1000), 1), address=NY))
    assert us_shipping["express"].rate_id in rate_ids(ny)
    gb = totals_for(make_cart((ProductFactory(), 1), address={"country": "GB"}))
    assert rate_ids(gb) == [us_shipping["world"].rate_id]


def test_free_shipping_over_the_threshold_after_discounts(us_shipping):
    product = ProductFactory(regular_price=2500)
    over = totals_for(make_cart((product, 2), address=TX))
    assert us_shipping["free"].rate_id in rate_ids(over)
    CouponFactory(code="tenoff", amount=10)
    under = totals_for(make_cart((product, 2), address=TX, coupons=["tenoff"]))
    assert us_shipping["free"].rate_id not in rate_ids(under)  # 4500 after the discount


def test_free_shipping_coupon_unlocks_free_method(us_shipping):
    CouponFactory(code="freeship", amount=0, free_shipping=True)
    totals = totals_for(
        make_cart((ProductFactory(regular_price=1000), 1), address=TX, coupons=["freeship"])
    )
    assert us_shipping["free"].rate_id in rate_ids(totals)


def test_selected_rate_and_shipping_tax(us_shipping):
    TaxRateFactory(country="US", state="NY", rate="10.0000", shipping=True)
    cart = make_cart((ProductFactory(regular_price=1000), 1), address=NY)
    cart_service.select_shipping_rate(cart, us_shipping["express"].rate_id)
    totals = totals_for(cart)
    assert totals.shipping_rate.rate_id == us_shipping["express"].rate_id
    assert (totals.shipping_total, totals.shipping_tax) == (1500, 150)
    assert totals.total == 1000 + 100 + 1500 + 150


def test_virtual_products_need_no_shipping(us_shipping):
    totals = totals_for(make_cart((ProductFactory(virtual=True, regular_price=900), 1), address=NY))
    assert not totals.needs_shipping
    assert totals.shipping_rates == [] and totals.total == 900


def test_query_count_does_not_grow_with_lines(us_shipping):
    CouponFactory(code="tenoff", amount=10)
    TaxRateFactory(country="US", rate="10.0000")
    small = make_cart((ProductFactory(), 1), address=NY, coupons=["tenoff"])
    big = make_cart(*[(ProductFactory(), 1) for _ in range(20)], address=NY, coupons=["tenoff"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from checkout_hub.models import Cart

    pricing.calculate(Cart.objects.with_lines().get(pk=small.pk))  # a warm process
    counts = []
    for cart in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            pricing.calculate(Cart.objects.with_lines().get(pk=cart.pk))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_tax_rates_and_zones_are_read_once_per_process_until_they_change(us_shipping):
    """Reference data comes from the process's copy; an edit is seen on the next read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rate = TaxRateFactory(country="US", rate="10.0000")
    cart = make_cart((ProductFactory(regular_price=1000), 1), address=NY)
    assert totals_for(cart).items_tax == 100
    with CaptureQueriesContext(connection) as ctx:
        totals_for(cart)
    tables = ("checkout_hub_taxrate", "checkout_hub_shipping")
    assert not [q for q in ctx.captured_queries if any(t in q["sql"] for t in tables)]
    rate.rate = "20.0000"
    rate.save()
    assert totals_for(cart).items_tax == 200
