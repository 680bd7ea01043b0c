"""Cart identity and headers (reference §0, §3): where the cart key is read, the t_ key, the
sliding expiry, CoCart-Timestamp, CORS exposure, and 4.9's ETag / 304."""

import datetime as dt
import json

import pytest

from checkout_hub import clock
from checkout_hub.models import Cart

from .conftest import V2

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
T = int(NOW.timestamp())


@pytest.fixture
def frozen():
    with clock.frozen(NOW):
        yield


def test_cart_headers_and_timestamp_on_every_cart_reply(api, frozen):
    reply = api.get("cart")
    assert reply["CoCart-Timestamp"] == str(T)
    assert reply["CoCart-API-Cart-Expiring"] == str(T + 86400)
    assert reply["CoCart-API-Cart-Expiration"] == str(T + 2 * 86400)
    assert reply["CoCart-API-Cart-Key"] == reply.json()["cart_key"]
    # Errors too.
    error = api.post("cart/add-item", {"id": ""})
    assert error.status_code == 404
    assert error["CoCart-API-Cart-Key"] == api.key and error["CoCart-Timestamp"] == str(T)


def test_non_cart_routes_carry_only_the_timestamp(api, frozen):
    reply = api.get("store")
    assert reply["CoCart-Timestamp"] == str(T)
    assert "CoCart-API-Cart-Key" not in reply.headers


def test_the_key_from_header_query_or_form_and_the_header_wins(client, store):
    added = client.post(
        f"{V2}/cart/add-item?cart_key=mykey1", {"id": 1}, content_type="application/json"
    )
    assert added["CoCart-API-Cart-Key"] == "mykey1"
    assert client.get(f"{V2}/cart", {"cart_key": "MyKey1"}).json()["item_count"] == 1
    # A form body's cart_key is read.
    form = client.post(f"{V2}/cart/add-item", {"id": 1, "cart_key": "mykey1"})
    assert form.json()["item_count"] == 2
    # The header wins over the query.
    reply = client.get(f"{V2}/cart?cart_key=other", HTTP_COCART_API_CART_KEY="mykey1")
    assert reply.json()["cart_key"] == "mykey1" and reply.json()["item_count"] == 2


def test_a_cart_key_inside_a_json_body_is_not_read(client, store):
    reply = client.post(
        f"{V2}/cart/add-item",
        json.dumps({"id": 1, "cart_key": "mykey2"}),
        content_type="application/json",
    )
    assert reply["CoCart-API-Cart-Key"] != "mykey2"
    assert reply["CoCart-API-Cart-Key"].startswith("t_")


def test_an_older_30_hex_key_is_read_like_any_other(client, store):
    old = "0123456789abcdef0123456789abcd"
    client.post(f"{V2}/cart/add-item?cart_key={old}", {"id": 1}, content_type="application/json")
    assert Cart.objects.filter(key=old).exists()


def test_expiry_slides_on_every_request(api):
    with clock.frozen(NOW):
        api.post("cart/add-item", {"id": 1})
    cart = Cart.objects.get(key=api.key)
    assert cart.expires_at == NOW + dt.timedelta(days=2)
    later = NOW + dt.timedelta(days=1, hours=12)
    with clock.frozen(later):
        reply = api.get("cart")
        assert reply["CoCart-API-Cart-Expiration"] == str(int(later.timestamp()) + 2 * 86400)
    cart.refresh_from_db()
    assert cart.expires_at == later + dt.timedelta(days=2)
    # Past its expiration the cart is gone: the key names a new, empty cart.
    with clock.frozen(later + dt.timedelta(days=3)):
        assert api.get("cart").json()["items"] == []


def test_cors_exposes_the_cart_headers(client, store):
    reply = client.get(f"{V2}/cart", HTTP_ORIGIN="http://localhost:3000")
    exposed = {h.strip().lower() for h in reply["Access-Control-Expose-Headers"].split(",")}
    assert {
        "cocart-api-cart-key",
        "cocart-api-cart-expiring",
        "cocart-api-cart-expiration",
        "cocart-timestamp",
        "etag",
        "cocart-cache",
        "x-wp-total",
        "x-wp-totalpages",
        "link",
    } <= exposed
    preflight = client.options(
        f"{V2}/cart",
        HTTP_ORIGIN="http://localhost:3000",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="cocart-api-cart-key, if-none-match",
    )
    allowed = preflight["Access-Control-Allow-Headers"].lower()
    assert "cocart-api-cart-key" in allowed and "if-none-match" in allowed


def test_etag_and_304(api):
    api.post("cart/add-item", {"id": 1})
    reply = api.get("cart")
    etag = reply["ETag"]
    assert etag.startswith('W/"') and reply["CoCart-Cache"] == "MISS"
    cached = api.get("cart", HTTP_IF_NONE_MATCH=etag)
    assert cached.status_code == 304 and cached.content == b""
    assert cached["ETag"] == etag and cached["CoCart-Cache"] == "HIT"
    # _skip_cache bypasses it.
    skipped = api.get("cart", {"_skip_cache": "1"}, HTTP_IF_NONE_MATCH=etag)
    assert skipped.status_code == 200 and skipped["CoCart-Cache"] == "SKIP"
    assert "ETag" not in skipped.headers
    # A change makes a new ETag; the old one no longer matches.
    changed = api.post("cart/add-item", {"id": 1})
    assert changed["ETag"] != etag
    assert api.get("cart", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert api.get("cart/items", HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304


def test_product_etags(client, store):
    reply = client.get(f"{V2}/products/1")
    assert reply.status_code == 200 and reply["CoCart-Cache"] == "MISS"
    again = client.get(f"{V2}/products/1", HTTP_IF_NONE_MATCH=reply["ETag"])
    assert again.status_code == 304 and again["CoCart-Cache"] == "HIT"
    listing = client.get(f"{V2}/products")
    assert client.get(f"{V2}/products", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304
    # Other parameters are another listing.
    other = client.get(f"{V2}/products", {"per_page": 2}, HTTP_IF_NONE_MATCH=listing["ETag"])
    assert other.status_code == 200


def test_the_js_clients_query_string_form_is_read(client, store):
    """@cocart/cocart-rest-api over HTTP puts the parameters in the query string, objects as
    `variation[attribute_pa_color]=Blue` (and OAuth fields CoCart ignores)."""
    reply = client.post(
        f"{V2}/cart/add-item?id=13&quantity=2&variation[attribute_pa_color]=Blue"
        "&variation[attribute_pa_size]=M&oauth_consumer_key=&oauth_nonce=abc"
    )
    assert reply.status_code == 200, reply.content
    item = reply.json()["items"][0]
    assert (item["id"], item["quantity"]["value"]) == (15, 2)
    form = client.post(
        f"{V2}/cart/add-item",
        {"id": "13", "variation[attribute_pa_color]": "Red", "variation[attribute_pa_size]": "L"},
        HTTP_COCART_API_CART_KEY=reply["CoCart-API-Cart-Key"],
    )
    assert [i["id"] for i in form.json()["items"]] == [15, 18]
