"""The Store API's taxonomy, review and collection routes (issue 12), over the seeded demo
catalogue: exact keys in WooCommerce's order, its parameters, pagination headers and errors,
and the products filters that read the same taxonomies."""

import json

import pytest

from checkout_hub.models import Product, Tag
from tests.woo_store.conftest import BASE, assert_error, post

TERM_KEYS = ["id", "name", "slug", "description", "parent", "count"]
ARCHIVE_KEYS = [*TERM_KEYS, "image", "review_count", "permalink"]


def get(client, path, **extra):
    return client.get(f"{BASE}/{path}", **extra)


def ids(reply) -> list[int]:
    assert reply.status_code == 200, reply.content
    return [row["id"] for row in reply.json()]


# --- categories, tags, brands ---
def test_categories_answer_product_category_schema(client, store):
    reply = get(client, "products/categories")
    assert reply.status_code == 200
    rows = reply.json()
    assert [r["name"] for r in rows] == ["Accessories", "Clothing", "Decor", "Digital", "Music"]
    clothing = next(r for r in rows if r["slug"] == "clothing")
    assert list(clothing) == ARCHIVE_KEYS
    # T-shirt, Long sleeve tee, Polo, Hoodie; their reviews: 2 on the T-shirt, 2 on the Hoodie.
    assert clothing["count"] == 4
    assert clothing["review_count"] == 4
    assert clothing["image"] is None
    assert clothing["permalink"].endswith("/product-category/clothing/")
    # No per_page: every term, and no pagination headers.
    assert "X-WP-Total" not in reply.headers
    assert "Cart-Token" not in reply.headers


def test_category_by_id_and_unknown_id(client, store):
    assert get(client, "products/categories/1").json()["slug"] == "clothing"
    reply = get(client, "products/categories/999")
    assert_error(reply, 404, "woocommerce_rest_category_invalid_id", session_headers=False)
    assert reply.json()["message"] == "Invalid category ID."


def test_tags_hide_empty_order_and_pages(client, store):
    Tag.objects.create(name="Unused", slug="unused")
    assert [r["slug"] for r in get(client, "products/tags").json()] == [
        "cotton",
        "vinyl",
        "wall-art",
        "winter",
    ]
    everything = get(client, "products/tags?hide_empty=false").json()
    assert "unused" in [r["slug"] for r in everything]
    assert list(everything[0]) == TERM_KEYS
    by_count = get(client, "products/tags?orderby=count&order=desc").json()
    assert by_count[0] == {
        "id": 1,
        "name": "Cotton",
        "slug": "cotton",
        "description": "",
        "parent": 0,
        "count": 4,
    }
    first = get(client, "products/tags?per_page=3")
    assert len(first.json()) == 3
    assert first.headers["X-WP-Total"] == "4"
    assert first.headers["X-WP-TotalPages"] == "2"
    assert 'rel="next"' in first.headers["Link"]
    second = get(client, "products/tags?per_page=3&page=2")
    assert [r["slug"] for r in second.json()] == ["winter"]
    assert 'rel="prev"' in second.headers["Link"]
    assert ids(get(client, "products/tags?include=2,3")) == [3, 2]
    assert ids(get(client, "products/tags?exclude=1&search=w")) == [3, 2]


@pytest.mark.parametrize(
    "query, param",
    [("per_page=-1", "per_page"), ("orderby=menu_order", "orderby"), ("order=up", "order")],
)
def test_term_parameters_are_validated(client, store, query, param):
    reply = get(client, f"products/tags?{query}")
    data = assert_error(reply, 400, "rest_invalid_param", session_headers=False)
    assert list(data["params"]) == [param]


def test_brands_and_brand_by_id(client, store):
    rows = get(client, "products/brands").json()
    assert [r["slug"] for r in rows] == ["hub-basics", "northwind", "studio-hub"]
    assert list(rows[0]) == ARCHIVE_KEYS
    northwind = get(client, "products/brands/2").json()
    assert northwind["count"] == 4
    assert northwind["review_count"] == 1  # the Beanie's
    assert northwind["permalink"].endswith("/brand/northwind/")
    reply = get(client, "products/brands/99")
    assert_error(reply, 404, "woocommerce_rest_brand_invalid_id", session_headers=False)


# --- attributes ---
def test_attributes_and_attribute_by_id(client, store):
    assert get(client, "products/attributes").json() == [
        {
            "id": 1,
            "name": "Color",
            "taxonomy": "pa_color",
            "type": "select",
            "order": "menu_order",
            "has_archives": False,
            "count": 3,
        },
        {
            "id": 2,
            "name": "Size",
            "taxonomy": "pa_size",
            "type": "select",
            "order": "menu_order",
            "has_archives": False,
            "count": 3,
        },
    ]
    assert get(client, "products/attributes/2").json()["taxonomy"] == "pa_size"
    reply = get(client, "products/attributes/9")
    assert_error(reply, 404, "woocommerce_rest_attribute_invalid_id", session_headers=False)
    assert reply.json()["message"] == "Invalid attribute ID."


def test_attribute_terms(client, store):
    rows = get(client, "products/attributes/2/terms?orderby=menu_order").json()
    assert [r["name"] for r in rows] == ["S", "M", "L"]
    assert rows[0] == {
        "id": 4,
        "name": "S",
        "slug": "s",
        "description": "",
        "parent": 0,
        "count": 1,
    }
    assert [r["name"] for r in get(client, "products/attributes/2/terms").json()] == [
        "L",
        "M",
        "S",
    ]
    reply = get(client, "products/attributes/9/terms")
    assert_error(reply, 404, "woocommerce_rest_taxonomy_invalid", session_headers=False)
    assert reply.json()["message"] == "Attribute does not exist."


def test_an_edited_attribute_term_shows_at_once(client, store):
    from checkout_hub.models import AttributeTerm

    AttributeTerm.objects.filter(pk=1).update(name="Navy")  # a bulk write: no signal
    from checkout_hub.services import reference

    reference.invalidate()
    assert get(client, "products/attributes/1/terms").json()[0]["name"] == "Green"
    term = AttributeTerm.objects.get(pk=2)
    term.name = "Crimson"
    term.save()  # the signal invalidates the process's copy
    names = [r["name"] for r in get(client, "products/attributes/1/terms").json()]
    assert "Crimson" in names


# --- reviews ---
REVIEW_KEYS = [
    "id",
    "date_created",
    "formatted_date_created",
    "date_created_gmt",
    "product_id",
    "product_name",
    "product_permalink",
    "product_image",
    "reviewer",
    "review",
    "rating",
    "verified",
    "reviewer_avatar_urls",
]


def test_reviews_newest_first_with_pagination(client, store):
    reply = get(client, "products/reviews?per_page=4")
    rows = reply.json()
    assert [r["id"] for r in rows] == [6, 5, 4, 3]
    assert list(rows[0]) == REVIEW_KEYS
    assert rows[0]["product_name"] == "Album"
    assert rows[0]["review"] == "<p>Great pressing.</p>\n"
    assert rows[0]["formatted_date_created"] == "January 7, 2025"
    assert rows[0]["date_created"] == "2025-01-07T09:00:00"
    assert set(rows[0]["reviewer_avatar_urls"]) == {"24", "48", "96"}
    assert rows[0]["product_image"]["name"] == "Album"
    assert reply.headers["X-WP-Total"] == "6"
    assert reply.headers["X-WP-TotalPages"] == "2"


def test_reviews_by_product_category_and_rating(client, store):
    assert ids(get(client, "products/reviews?product_id=1")) == [2, 1]
    # Clothing's reviews by rating, then id: 3, 4, 5 and 5 stars.
    assert ids(get(client, "products/reviews?category_id=1&orderby=rating&order=asc")) == [
        4,
        2,
        1,
        3,
    ]
    Product.objects.filter(pk=10).update(status=Product.Status.DRAFT)
    assert 6 not in ids(get(client, "products/reviews"))


def test_reviews_parameters_are_validated(client, store):
    data = assert_error(
        get(client, "products/reviews?per_page=101"), 400, "rest_invalid_param", False
    )
    assert (
        data["params"]["per_page"] == "per_page must be between 1 (inclusive) and 100 (inclusive)"
    )


# --- collection data ---
def test_collection_data_is_null_unless_asked(client, store):
    assert get(client, "products/collection-data").json() == {
        "price_range": None,
        "attribute_counts": None,
        "rating_counts": None,
        "stock_status_counts": None,
        "taxonomy_counts": None,
    }


def test_collection_data_price_range_ignores_the_price_filter(client, store):
    body = get(client, "products/collection-data?calculate_price_range=true&max_price=2000").json()
    prices = body["price_range"]
    assert (prices["min_price"], prices["max_price"]) == ("900", "9000")
    assert prices["currency_code"] == "USD"
    clothing = get(client, "products/collection-data?calculate_price_range=1&category=clothing")
    assert clothing.json()["price_range"]["min_price"] == "1800"


def test_collection_data_counts(client, store):
    query = (
        "calculate_stock_status_counts=true&calculate_rating_counts=true"
        "&calculate_attribute_counts[0][taxonomy]=pa_size&calculate_attribute_counts[0][query_type]=or"
        "&calculate_taxonomy_counts[]=product_brand&calculate_taxonomy_counts[]=nope"
    )
    body = get(client, f"products/collection-data?{query}").json()
    stock = {row["status"]: row["count"] for row in body["stock_status_counts"]}
    assert stock["outofstock"] == 1  # the Belt
    assert sum(stock.values()) == Product.objects.catalogue().count()
    assert (
        body["rating_counts"]
        == [
            {"rating": 5, "count": 1},  # Album
            {"rating": 4, "count": 3},  # T-shirt (4.5 rounds up), Beanie, Hoodie (4.33)
        ]
        or body["rating_counts"][0]["rating"] == 5
    )
    assert body["attribute_counts"] == [
        {"term": 4, "count": 1},
        {"term": 5, "count": 1},
        {"term": 6, "count": 1},
    ]
    assert sorted((r["term"], r["count"]) for r in body["taxonomy_counts"]) == [
        (1, 4),
        (2, 4),
        (3, 4),
    ]


def test_collection_data_counts_by_body_too(client, store):
    body = {"calculate_attribute_counts": [{"taxonomy": "1", "query_type": "and"}]}
    reply = client.generic(
        "GET", f"{BASE}/products/collection-data", json.dumps(body), "application/json"
    )
    assert [r["term"] for r in reply.json()["attribute_counts"]] == [1, 2, 3]


def test_collection_data_bounds_its_counts(client, store):
    query = "&".join(f"calculate_taxonomy_counts[]=t{i}" for i in range(26))
    data = assert_error(
        get(client, f"products/collection-data?{query}"), 400, "rest_invalid_param", False
    )
    assert list(data["params"]) == ["calculate_taxonomy_counts"]


# --- the products filters ---
def test_products_filtered_by_tag_brand_and_operators(client, store):
    assert sorted(ids(get(client, "products?tag=cotton"))) == [1, 2, 3, 13]
    assert sorted(ids(get(client, "products?tag=1"))) == [1, 2, 3, 13]
    assert sorted(ids(get(client, "products?tag=cotton,winter&tag_operator=and"))) == [13]
    assert 1 not in ids(get(client, "products?tag=cotton&tag_operator=not_in&per_page=100"))
    assert sorted(ids(get(client, "products?brand=northwind"))) == [4, 5, 6, 7]
    assert ids(get(client, "products?brand=no-such-brand")) == []


def test_products_filtered_by_attributes(client, store):
    assert ids(
        get(client, "products?attributes[0][attribute]=pa_color&attributes[0][slug]=red")
    ) == [13]
    query = "attributes[0][attribute]=pa_size&attributes[0][term_id][]=4&attributes[0][operator]=in"
    assert ids(get(client, f"products?{query}")) == [13]
    query = (
        "attributes[0][attribute]=pa_color&attributes[0][slug]=red&attributes[0][operator]=not_in"
    )
    assert 13 not in ids(get(client, f"products?{query}&per_page=100"))


def test_products_filtered_by_rating_featured_and_visibility(client, store):
    assert sorted(ids(get(client, "products?rating=5"))) == [1, 10]  # 4.5 rounds to 5
    assert sorted(ids(get(client, "products?featured=true"))) == [1, 13]
    Product.objects.filter(pk=2).update(catalog_visibility=Product.CatalogVisibility.HIDDEN)
    Product.objects.filter(pk=3).update(catalog_visibility=Product.CatalogVisibility.SEARCH)
    assert ids(get(client, "products?catalog_visibility=hidden")) == [2]
    catalog = ids(get(client, "products?catalog_visibility=catalog&per_page=100"))
    assert 2 not in catalog and 3 not in catalog
    assert 3 in ids(get(client, "products?catalog_visibility=search&per_page=100"))
    data = assert_error(
        get(client, "products?rating=6"), 400, "rest_invalid_param", session_headers=False
    )
    assert data["params"] == {"rating": "rating[0] is not one of 1, 2, 3, 4, and 5."}


# --- cart/extensions ---
def test_cart_extensions_unknown_namespace(client, token):
    body = {"namespace": "my-plugin", "data": {"x": 1}}
    reply = post(client, "cart/extensions", body, token)
    assert_error(reply, 400, "woocommerce_rest_cart_extensions_error")
    assert reply.json()["message"] == "There is no such namespace registered: my-plugin."


def test_cart_extensions_needs_a_nonce_and_only_posts(client, store):
    reply = client.post(f"{BASE}/cart/extensions", "{}", content_type="application/json")
    assert_error(reply, 401, "woocommerce_rest_missing_nonce")
    assert_error(get(client, "cart/extensions"), 404, "rest_no_route", session_headers=False)


# --- query counts: a listing does not grow with its rows ---
def test_term_listing_queries_do_not_grow(client, store, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert len(get(client, "products/categories?hide_empty=false").json()) == 5
    for n in range(20):
        Tag.objects.create(name=f"Extra {n}")
    with django_assert_max_num_queries(6):
        assert len(get(client, "products/tags?hide_empty=false").json()) == 24
