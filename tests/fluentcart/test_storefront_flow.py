"""The storefront flow end to end at the HTTP boundary: fill the cart through admin-ajax, pick
shipping by time zone, read the summary with its charge, place a COD order, open the receipt."""

from checkout_hub.models import Cart, Order

from .conftest import REST, cart_update, place_order


def test_storefront_flow_cod_to_receipt(client, store):
    r = cart_update(client, 1, 2)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["message"] == "Cart updated successfully"
    cart = body["data"]["cart"]
    assert cart["cart_group"] == "global"
    assert [
        (i["object_id"], i["quantity"], i["unit_price"], i["line_total"]) for i in cart["cart_data"]
    ] == [(1, 2, 1800, 3600)]
    assert client.cookies["fct_cart_hash"].value == cart["cart_hash"]
    assert client.cookies["fct_cart_hash"]["max-age"] == 43200

    r = client.get(
        f"{REST}/checkout/get-available-shipping-methods", {"timezone": "America/New_York"}
    )
    assert r.status_code == 200
    methods = r.json()
    assert methods["country_code"] == "US"
    flat = next(m for m in methods["available_shipping_methods"] if m["id"] == 1)
    assert flat["charge_amount"] == 500 and flat["amount"] == "5.00"

    r = client.get(f"{REST}/checkout/get-checkout-summary-view", {"shipping_method_id": 1})
    items = r.json()["items"]
    assert items["shipping_charge"] == 500
    assert items["unformatted_total"] == 4100
    assert items["total"] == "$41.00"
    assert items["shipping_charge_formated"] == "$5.00"
    assert items["shipping_method_id"] == "1"
    assert items["subtotal"] == "$36.00"
    assert "fct-checkout-items" in items["views"]

    r = place_order(client, user_tz="America/New_York")
    assert r.status_code == 200, r.content
    reply = r.json()
    assert reply["status"] == "success"
    assert reply["redirect_url"] == reply["redirect_to"]
    order = Order.objects.get()
    assert order.total == 4100 and order.shipping_total == 500
    assert order.status == Order.Status.PROCESSING
    page = client.get(reply["redirect_url"].replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200
    assert f"#{order.number}" in page.content.decode()
    assert "$41.00" in page.content.decode()
    assert Cart.objects.get().completed
