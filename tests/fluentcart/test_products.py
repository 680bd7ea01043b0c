"""GET /public/products (reference §1a, §6): the catalogue, variations as purchasables,
prices in cents, stock, pagination."""

from checkout_hub.models import Product

from .conftest import REST, cart_update

URL = f"{REST}/public/products"


def test_shape_and_pagination(client, store):
    body = client.get(URL, {"per_page": 5, "current_page": 2}).json()
    assert set(body) == {"products"}
    assert set(body["products"]) == {"products", "total"}
    page = body["products"]["products"]
    total = Product.objects.catalogue().count()
    assert body["products"]["total"] == page["total"] == total
    assert page["current_page"] == 2 and page["per_page"] == 5 and len(page["data"]) == 5
    assert page["from"] == 6 and page["to"] == 10
    assert page["prev_page_url"].endswith("current_page=1&per_page=5")
    assert page["next_page_url"].endswith("current_page=3&per_page=5")
    assert page["last_page"] == (total + 4) // 5


def test_a_simple_product_is_its_own_variation(client, store):
    data = client.get(URL, {"include_ids": "1"}).json()["products"]["products"]["data"]
    assert len(data) == 1
    tee = data[0]
    assert (tee["ID"], tee["post_title"], tee["post_name"]) == (1, "T-shirt", "t-shirt")
    assert tee["view_url"] == "http://127.0.0.1:8000/product/t-shirt/"
    assert tee["has_subscription"] is False and tee["thumbnail"]
    assert tee["detail"]["variation_type"] == "simple"
    assert tee["detail"]["default_variation_id"] == 1
    assert (tee["detail"]["min_price"], tee["detail"]["max_price"]) == (1800, 1800)
    (variant,) = tee["variants"]
    assert variant["id"] == 1 and variant["post_id"] == 1
    assert variant["item_price"] == 1800 and isinstance(variant["item_price"], int)
    assert variant["payment_type"] == "onetime" and variant["fulfillment_type"] == "physical"
    assert variant["stock_status"] == "in-stock"
    # the cart takes the variation id as item_id
    r = cart_update(client, variant["id"], 1)
    assert r.json()["data"]["cart"]["cart_data"][0]["object_id"] == 1


def test_a_variable_product_lists_its_variations(client, store):
    hoodie = client.get(URL, {"include_ids": "13"}).json()["products"]["products"]["data"][0]
    ids = list(Product.objects.filter(parent_id=13, status="publish").values_list("id", flat=True))
    assert sorted(v["id"] for v in hoodie["variants"]) == sorted(ids)
    assert hoodie["detail"]["variation_type"] == "simple_variations"
    assert all(v["post_id"] == 13 for v in hoodie["variants"])
    prices = [v["item_price"] for v in hoodie["variants"]]
    assert (hoodie["detail"]["min_price"], hoodie["detail"]["max_price"]) == (
        min(prices),
        max(prices),
    )


def test_stock_and_digital(client, store):
    data = client.get(URL, {"include_ids": "6,7,11"}).json()["products"]["products"]["data"]
    by_id = {p["ID"]: p for p in data}
    assert by_id[6]["variants"][0]["stock_status"] == "out-of-stock"
    assert by_id[6]["detail"]["stock_availability"] == "out-of-stock"
    assert (by_id[7]["variants"][0]["available"], by_id[7]["variants"][0]["total_stock"]) == (2, 2)
    assert by_id[7]["variants"][0]["manage_stock"] == "1"
    assert by_id[11]["variants"][0]["fulfillment_type"] == "digital"
    data = client.get(URL, {"include_ids": "6,7", "allow_out_of_stock": "0"}).json()
    assert [p["ID"] for p in data["products"]["products"]["data"]] == [7]
    data = client.get(URL, {"exclude_ids": "1", "per_page": 100}).json()
    assert 1 not in [p["ID"] for p in data["products"]["products"]["data"]]
