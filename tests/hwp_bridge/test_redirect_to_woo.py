"""The redirect_to_woo strategy end to end: a pending WooCommerce order built from the request
(items, coupons, addresses, notes, attribution), its order-pay URL, and paying on that page."""

import re

import pytest

from checkout_hub.models import Cart, Order, Product, Vendor
from tests.factories import UserFactory
from tests.hwp_bridge.conftest import (
    BASE,
    HOODIE,
    HOODIE_BLUE_S,
    SUNGLASSES,
    TSHIRT,
    assert_ok,
    post_checkout,
)

ORDER_PAY_URL = re.compile(
    r"^http://127\.0\.0\.1:8000/checkout/order-pay/(\d+)/\?pay_for_order=true&key=(wc_order_\w{13})$"
)
BILLING = {
    "firstName": "Peter",
    "lastName": "Venkman",
    "address1": "550 Central Park West",
    "address2": "Corner Penthouse",
    "city": "New York",
    "state": "NY",
    "postcode": "10023",
    "country": "us",
    "email": "peter@example.com",
    "phone": "555-2368",
}
SHIPPING = {  # Woo's snake_case keys are accepted too
    "first_name": "Dana",
    "last_name": "Barrett",
    "address_1": "55 Central Park West",
    "city": "New York",
    "state": "New York",
    "postcode": "10023",
    "country": "US",
}
BODY = {
    "items": [
        {"productId": TSHIRT, "quantity": 2},
        {"productId": HOODIE, "quantity": 1, "variationId": HOODIE_BLUE_S},
    ],
    "couponCode": "10off",
    "returnUrl": "https://shop.example.com/checkout/return",
    "cancelUrl": "https://shop.example.com/cart",
    "notes": "Leave it with the doorman.",
    "billingAddress": BILLING,
    "shippingAddress": SHIPPING,
    "strategy": "redirect_to_woo",
}


def test_redirect_to_woo_creates_a_pending_order(client, store, nonce):
    reply = post_checkout(client, BODY, nonce=nonce)
    data = assert_ok(reply)
    assert set(data) == {"checkoutUrl", "orderId"}
    order_id, key = ORDER_PAY_URL.match(data["checkoutUrl"]).groups()
    assert data["orderId"] == order_id  # a string, as the seed's example shows

    order = Order.objects.get()
    assert (order.pk, order.order_key) == (int(order_id), key)
    assert order.status == Order.Status.PENDING
    assert order.payment_status == Order.PaymentStatus.UNPAID
    assert order.source == Vendor.HWP_BRIDGE
    assert order.payment_method == ""  # chosen on the order-pay page
    assert order.customer_note == "Leave it with the doorman."
    assert [(i.product_ref, i.variation_ref, i.quantity, i.price) for i in order.items.all()] == [
        (TSHIRT, 0, 2, 1800),
        (HOODIE, HOODIE_BLUE_S, 1, 4200),
    ]
    assert [line["code"] for line in order.coupon_lines] == ["10off"]
    assert (order.subtotal, order.discount_total) == (7800, 780)
    # Flat rate shipping to New York, and NY sales tax (8.875%) on the goods and the shipping.
    assert [line["rate_id"] for line in order.shipping_lines] == ["flat_rate:1"]
    assert (order.shipping_total, order.tax_total, order.total) == (500, 623 + 44, 8187)
    assert order.billing_address == {
        "first_name": "Peter",
        "last_name": "Venkman",
        "address_1": "550 Central Park West",
        "address_2": "Corner Penthouse",
        "city": "New York",
        "state": "NY",
        "postcode": "10023",
        "country": "US",
        "email": "peter@example.com",
        "phone": "555-2368",
    }
    assert order.billing_email == "peter@example.com"
    assert order.shipping_address["first_name"] == "Dana"
    assert order.shipping_address["state"] == "NY"  # the state name became its code
    meta = dict(order.meta.values_list("key", "value"))
    assert meta["_headlesswp_checkout_strategy"] == "redirect_to_woo"
    assert meta["_headlesswp_return_url"] == "https://shop.example.com/checkout/return"
    assert meta["_headlesswp_cancel_url"] == "https://shop.example.com/cart"
    assert meta["_wc_order_attribution_source_type"] == "typein"
    # The cart the bridge built is spent.
    cart = Cart.objects.get()
    assert (cart.vendor, cart.completed) == (Vendor.HWP_BRIDGE, True)


def test_the_default_strategy_without_a_payment_token(client, store, nonce):
    data = assert_ok(post_checkout(client, {"items": BODY["items"]}, nonce=nonce))
    assert ORDER_PAY_URL.match(data["checkoutUrl"])
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING
    assert order.billing_address == {} or not any(order.billing_address.values())
    assert order.get_meta("_headlesswp_return_url") is None


def test_the_order_holds_its_stock(client, store, nonce):
    body = {"items": [{"productId": SUNGLASSES, "quantity": 2}]}
    assert_ok(post_checkout(client, body, nonce=nonce))
    assert Product.objects.get(pk=SUNGLASSES).available_quantity() == 0


def test_customer_fills_the_billing_address(client, store, nonce):
    body = {
        "items": [{"productId": TSHIRT, "quantity": 1}],
        "customer": {"email": "egon@example.com", "firstName": "Egon", "lastName": "Spengler"},
        "billingAddress": {"country": "US", "firstName": "Egon S."},
    }
    assert_ok(post_checkout(client, body, nonce=nonce))
    order = Order.objects.get()
    assert order.billing_email == "egon@example.com"
    assert order.billing_address["first_name"] == "Egon S."  # the address wins
    assert order.billing_address["last_name"] == "Spengler"
    assert order.customer.email == "egon@example.com"


def test_logged_in_buyer_owns_the_order(client, store):
    user = UserFactory(email="winston@example.com")
    client.force_login(user)
    nonce = client.get(f"{BASE}/nonce").json()["data"]["nonce"]
    body = {
        "items": [{"productId": TSHIRT, "quantity": 1}],
        "customer": {"email": "winston@example.com"},
    }
    assert_ok(post_checkout(client, body, nonce=nonce))
    assert Order.objects.get().customer.user == user


@pytest.mark.parametrize("strategy", ["", None])
def test_a_blank_strategy_is_the_default(client, store, nonce, strategy):
    body = {"items": BODY["items"], "strategy": strategy}
    assert ORDER_PAY_URL.match(assert_ok(post_checkout(client, body, nonce=nonce))["checkoutUrl"])


def test_thirty_items(client, store, nonce):
    body = {"items": [{"productId": TSHIRT, "quantity": 1}] * 30}
    assert_ok(post_checkout(client, body, nonce=nonce))
    assert [i.quantity for i in Order.objects.get().items.all()] == [30]


def test_checkout_url_leads_to_payment_and_the_order_received_page(client, store, nonce):
    """The buyer follows checkoutUrl, pays with a Stripe test card on the hub's order-pay
    page, and lands on the order-received page with a link back to the headless store."""
    body = {**BODY, "billingAddress": {**BILLING}}
    data = assert_ok(post_checkout(client, body, nonce=nonce, query="utm_source=newsletter"))
    path = data["checkoutUrl"].removeprefix("http://127.0.0.1:8000")
    page = client.get(path)
    assert page.status_code == 200
    assert "Pay for order" in page.content.decode()
    assert 'href="https://shop.example.com/cart"' in page.content.decode()  # cancelUrl

    paid = client.post(path, {"payment_method": "stripe", "stripe_test_card": "pm_card_visa"})
    assert paid.status_code == 302, paid.content
    order = Order.objects.get(pk=int(data["orderId"]))
    assert paid["Location"] == (
        f"http://127.0.0.1:8000/checkout/order-received/{order.pk}/?key={order.order_key}"
    )
    assert (order.status, order.payment_status) == ("processing", "paid")
    assert order.payments.get().reference.startswith("pi_")
    assert order.get_meta("_wc_order_attribution_utm_source") == "newsletter"

    received = client.get(paid["Location"].removeprefix("http://127.0.0.1:8000"))
    html = received.content.decode()
    assert "Thank you. Your order has been received." in html
    assert 'href="https://shop.example.com/checkout/return"' in html  # returnUrl
