"""products, products/{id}, store (reference §0, §1), the method mapping setting of the
Preview checkout, the API key admin and the browsable API."""

import re

from django.contrib.auth import get_user_model

from cocart.models import ApiKey

from .conftest import PREVIEW, US_ADDRESS, V2


def test_products_list_shape_and_pagination(client, store):
    reply = client.get(f"{V2}/products", {"per_page": 5, "orderby": "id", "order": "asc"})
    body = reply.json()
    assert list(body) == ["products", "page", "total_pages", "total_products"]
    assert (body["page"], body["total_pages"], body["total_products"]) == (1, 3, 13)
    assert reply["X-WP-Total"] == "13" and reply["X-WP-TotalPages"] == "3"
    assert 'rel="next"' in reply["Link"]
    assert [p["id"] for p in body["products"]] == [1, 2, 3, 4, 5]
    tshirt = body["products"][0]
    assert tshirt["prices"]["price"] == "1800" and tshirt["prices"]["sale_price"] == ""
    assert tshirt["prices"]["currency"]["currency_code"] == "USD"
    assert tshirt["hidden_conditions"]["sold_individually"] is False
    beanie = body["products"][4]
    prices = {k: v for k, v in beanie["prices"].items() if k not in ("currency", "date_on_sale")}
    assert prices == {
        "price": "1400",
        "regular_price": "1800",
        "sale_price": "1400",
        "price_range": None,
        "on_sale": True,
    }


def test_product_by_id_and_slug(client, store):
    hoodie = client.get(f"{V2}/products/13").json()
    assert hoodie["type"] == "variable"
    assert hoodie["prices"]["price_range"] == {"from": "3900", "to": "4600"}
    assert [v["id"] for v in hoodie["variations"]] == [14, 15, 16, 17, 18, 19]
    assert hoodie["add_to_cart"]["text"] == "Select options"
    assert client.get(f"{V2}/products/hoodie").json()["id"] == 13
    signed = client.get(f"{V2}/products/9").json()
    assert signed["hidden_conditions"]["sold_individually"] is True
    belt = client.get(f"{V2}/products/6").json()
    assert belt["stock"]["is_in_stock"] is False and belt["stock"]["stock_quantity"] == 0


def test_products_filters(client, store):
    skus = client.get(f"{V2}/products", {"sku": "HUB-CAP"}).json()["products"]
    assert [p["id"] for p in skus] == [4]
    sale = client.get(f"{V2}/products", {"on_sale": "true"}).json()["products"]
    assert {p["id"] for p in sale} == {5, 13}
    music = client.get(f"{V2}/products", {"category": "music"}).json()["products"]
    assert {p["id"] for p in music} == {10, 11}


def test_store(client, store):
    body = client.get(f"{V2}/store").json()
    assert list(body) == [
        "title",
        "description",
        "home_url",
        "language",
        "gmt_offset",
        "timezone_string",
        "store_address",
    ]
    assert list(body["store_address"]) == ["address", "address_2", "city", "country", "postcode"]


def test_the_spec_method_mapping(api, settings):
    settings.COCART_CHECKOUT_METHODS = "spec"
    api.post("cart/add-item", {"id": 1})
    updated = api.checkout("put", body={"billing_address": US_ADDRESS, "payment_method": "cod"})
    assert updated.status_code == 200 and "cart_contents" in updated.json()
    placed = api.checkout("post", body={"billing_address": US_ADDRESS, "payment_method": "cod"})
    assert placed.status_code == 200, placed.content
    assert placed.json()["status"] == "processing" and placed.json()["cart_key"] is None


def test_the_seed_method_mapping_is_the_default(api):
    api.post("cart/add-item", {"id": 1})
    assert "cart_contents" in api.checkout("post", body={"payment_method": "cod"}).json()
    placed = api.checkout("patch", body={"billing_address": US_ADDRESS, "payment_method": "cod"})
    assert placed.json()["status"] == "processing"


def test_api_keys_are_created_in_admin(client, store):
    client.force_login(get_user_model().objects.get(username="admin"))
    reply = client.post(
        "/admin/cocart/apikey/add/",
        {"description": "Storefront", "permissions": "read_write", "user": ""},
        follow=True,
    )
    assert reply.status_code == 200
    text = reply.content.decode()
    key = re.search(r"Consumer key: (ck_[0-9a-f]{40})", text).group(1)
    secret = re.search(r"Consumer secret: (cs_[0-9a-f]{40})", text).group(1)
    made = ApiKey.objects.matching(key, secret)
    assert made is not None and made.description == "Storefront"
    assert made.truncated_key == key[-7:]
    assert client.get("/admin/cocart/apikey/").status_code == 200


def test_the_browsable_api_renders_cart_routes(client, store):
    reply = client.get(f"{V2}/cart", HTTP_ACCEPT="text/html")
    assert reply.status_code == 200 and reply["Content-Type"].startswith("text/html")
    reply = client.get(f"{PREVIEW}/checkout", HTTP_ACCEPT="text/html")
    assert reply.status_code == 401 and b"cocart_authentication_error" in reply.content


def test_update_customer_shipping_prefixes(api):
    api.post("cart/add-item", {"id": 1})
    body = api.post(
        "cart/update",
        {
            "namespace": "update-customer",
            "first_name": "Ray",
            "s_first_name": "Egon",
            "shipping_city": "Boston",
            "s_country": "US",
        },
    ).json()
    assert body["customer"]["billing_address"]["billing_first_name"] == "Ray"
    shipping = body["customer"]["shipping_address"]
    assert (shipping["shipping_first_name"], shipping["shipping_city"]) == ("Egon", "Boston")
