"""The guest journeys a headless storefront makes, end to end at the HTTP boundary: through a
Cart-Token only, and through the cookie session plus the Nonce header (a browser app)."""

import json

import pytest
from django.core.management import call_command

from checkout_hub.models import Coupon, Order, Product

API = "/wp-json/wc/store/v1"
NY_ADDRESS = {
    "first_name": "Peter",
    "last_name": "Venkman",
    "company": "",
    "address_1": "550 Central Park West",
    "address_2": "Corner Penthouse Spook Central",
    "city": "New York",
    "state": "NY",
    "postcode": "10023",
    "country": "US",
    "email": "peter@example.com",
    "phone": "555-2368",
}


@pytest.fixture
def store(db):
    call_command("seed_store", verbosity=0)


class TokenClient:
    """A headless client: sends the latest Cart-Token it was given, never a cookie or nonce."""

    def __init__(self, client):
        self.client = client
        self.token = ""

    def call(self, method, path, body=None):
        self.client.cookies.clear()
        headers = {"HTTP_CART_TOKEN": self.token} if self.token else {}
        response = getattr(self.client, method)(
            API + path,
            json.dumps(body) if body is not None else None,
            content_type="application/json",
            **headers,
        )
        self.token = response.headers.get("Cart-Token", self.token)
        return response


class BrowserClient:
    """A browser app: keeps the session cookie and echoes the latest Nonce header."""

    def __init__(self, client):
        self.client = client
        self.nonce = ""

    def call(self, method, path, body=None):
        headers = {"HTTP_NONCE": self.nonce} if self.nonce else {}
        response = getattr(self.client, method)(
            API + path,
            json.dumps(body) if body is not None else None,
            content_type="application/json",
            **headers,
        )
        self.nonce = response.headers.get("Nonce", self.nonce)
        return response


def run_guest_flow(api) -> dict:
    """GET cart -> add-item -> update-customer -> select-shipping-rate -> apply-coupon ->
    POST checkout, asserting the cart totals on the way; returns the checkout reply."""
    cart = api.call("get", "/cart")
    assert cart.status_code == 200
    assert cart.json()["items"] == []

    added = api.call("post", "/cart/add-item", {"id": 1, "quantity": 2})
    assert added.status_code == 201
    assert added.json()["items_count"] == 2
    assert added.json()["totals"]["total_items"] == "3600"
    assert added.json()["totals"]["total_shipping"] is None

    customer = api.call(
        "post",
        "/cart/update-customer",
        {"billing_address": NY_ADDRESS, "shipping_address": NY_ADDRESS},
    )
    assert customer.status_code == 200, customer.json()
    body = customer.json()
    assert body["has_calculated_shipping"] is True
    rates = body["shipping_rates"][0]["shipping_rates"]
    assert [r["rate_id"] for r in rates] == ["flat_rate:1", "flat_rate:3"]
    assert [r["selected"] for r in rates] == [True, False]

    chosen = api.call(
        "post", "/cart/select-shipping-rate", {"package_id": 0, "rate_id": "flat_rate:3"}
    )
    assert chosen.status_code == 200
    assert chosen.json()["totals"]["total_shipping"] == "1500"

    coupon = api.call("post", "/cart/apply-coupon", {"code": "10OFF "})
    assert coupon.status_code == 200, coupon.json()
    totals = coupon.json()["totals"]
    # 2 x 18.00 = 36.00, 10% off = 3.60; NY 8.875% on 32.40 (2.88) and on 15.00 shipping (1.33).
    assert totals["total_items"] == "3600"
    assert totals["total_discount"] == "360"
    assert totals["total_shipping"] == "1500"
    assert totals["total_shipping_tax"] == "133"
    assert totals["total_tax"] == "421"
    assert totals["total_price"] == "5161"
    assert coupon.json()["coupons"][0]["code"] == "10off"

    placed = api.call(
        "post",
        "/checkout",
        {
            "billing_address": NY_ADDRESS,
            "shipping_address": NY_ADDRESS,
            "customer_note": "Test notes on order.",
            "payment_method": "cheque",
            "payment_data": [],
            "expected_total": "5161",
        },
    )
    assert placed.status_code == 200, placed.json()
    return placed.json()


def assert_order_readable(client, placed: dict) -> None:
    order = Order.objects.get(pk=placed["order_id"])
    assert order.total == 5161
    assert order.status == "on-hold"
    reply = client.get(
        f"{API}/order/{placed['order_id']}",
        {"key": placed["order_key"], "billing_email": "PETER@example.com"},
    )
    assert reply.status_code == 200, reply.json()
    body = reply.json()
    assert body["id"] == placed["order_id"]
    assert body["status"] == "on-hold"
    assert body["totals"]["total_price"] == "5161"
    # An order line's id is the order item's id (OrderItemSchema), not the product's.
    assert [(i["name"], i["quantity"]) for i in body["items"]] == [("T-shirt", 2)]
    assert body["items"][0]["id"] == order.items.get().pk


def assert_placed(placed: dict) -> None:
    assert placed["status"] == "on-hold"
    assert placed["order_key"].startswith("wc_order_")
    assert placed["order_number"] == str(placed["order_id"])
    assert placed["customer_note"] == "Test notes on order."
    assert placed["payment_method"] == "cheque"
    assert placed["payment_result"] == {
        "payment_status": "success",
        "payment_details": [],
        "redirect_url": (
            f"http://127.0.0.1:8000/checkout/order-received/{placed['order_id']}/"
            f"?key={placed['order_key']}"
        ),
    }


def test_guest_flow_with_cart_token_only(client, store):
    api = TokenClient(client)
    placed = run_guest_flow(api)
    assert_placed(placed)
    assert_order_readable(client, placed)
    # The coupon's use was counted once.
    assert Coupon.objects.get(code="10off").usage_count == 1
    # The session goes on with an empty cart and keeps the customer's addresses.
    after = api.call("get", "/cart").json()
    assert after["items"] == []
    assert after["billing_address"]["city"] == "New York"


def test_guest_flow_with_cookie_and_nonce(client, store):
    api = BrowserClient(client)
    placed = run_guest_flow(api)
    assert_placed(placed)
    assert_order_readable(client, placed)


def test_the_order_received_page_of_the_redirect_exists(client, store):
    placed = run_guest_flow(TokenClient(client))
    page = client.get(placed["payment_result"]["redirect_url"].replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200
    assert f"{placed['order_id']}" in page.content.decode()


def test_draft_order_follows_the_cart_and_becomes_the_order(client, store):
    api = TokenClient(client)
    api.call("get", "/cart")
    api.call("post", "/cart/add-item", {"id": 1, "quantity": 1})
    draft = api.call("get", "/checkout").json()
    assert draft["status"] == "checkout-draft"
    assert draft["payment_result"] == {
        "payment_status": "",
        "payment_details": [],
        "redirect_url": "",
    }
    api.call("post", "/cart/add-item", {"id": 2, "quantity": 1})
    assert Order.objects.get(pk=draft["order_id"]).items.count() == 2
    put = api.call(
        "put",
        "/checkout?__experimental_calc_totals=true",
        {
            "payment_method": "bacs",
            "order_notes": "Please leave package on back porch",
            "additional_fields": {"plugin-namespace/delivery-instructions": "Call on arrival"},
        },
    )
    assert put.status_code == 200, put.json()
    body = put.json()
    assert body["order_id"] == draft["order_id"]
    assert body["payment_result"] is None
    assert body["customer_note"] == "Please leave package on back porch"
    assert body["additional_fields"] == {
        "plugin-namespace/delivery-instructions": "Call on arrival"
    }
    assert body["__experimentalCart"]["items_count"] == 2
    placed = api.call("post", "/checkout", {"billing_address": NY_ADDRESS}).json()
    assert placed["order_id"] == draft["order_id"]
    assert placed["payment_method"] == "bacs"
    assert placed["status"] == "on-hold"
    assert Order.objects.count() == 1


def test_cod_goes_to_processing_and_a_free_order_needs_no_payment(client, store):
    api = TokenClient(client)
    api.call("get", "/cart")
    api.call("post", "/cart/add-item", {"id": 1})
    placed = api.call(
        "post", "/checkout", {"billing_address": NY_ADDRESS, "payment_method": "cod"}
    ).json()
    assert placed["status"] == "processing"

    free = Product.objects.create(name="Sample", regular_price=0, virtual=True)
    api.call("post", "/cart/add-item", {"id": free.pk})
    done = api.call("post", "/checkout", {"billing_address": NY_ADDRESS})
    assert done.status_code == 200, done.json()
    assert done.json()["payment_method"] == ""
    assert done.json()["payment_result"]["payment_status"] == "success"
    assert "order-received" in done.json()["payment_result"]["redirect_url"]


def test_unversioned_alias_serves_the_same_routes(client, store):
    reply = client.get("/wp-json/wc/store/cart")
    assert reply.status_code == 200
    assert "Cart-Token" in reply.headers
    assert client.get("/wp-json/wc/store/cart/").status_code == 200  # trailing slash
