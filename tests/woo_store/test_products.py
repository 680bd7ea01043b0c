"""The products routes at the HTTP boundary (reference §7): the product object key by key, money
and currency fields, variable products, stock, every list filter, ordering, pagination headers,
404s, WordPress's rest_invalid_param, the unversioned alias and constant query counts."""

import datetime as dt
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkout_hub import clock
from checkout_hub.models import Order, Product
from tests.factories import (
    CategoryFactory,
    OrderFactory,
    OrderItemFactory,
    ProductFactory,
    VariableProductFactory,
    VariationFactory,
)

API = "/wp-json/wc/store/v1"

PRODUCT_KEYS = [
    "id",
    "name",
    "slug",
    "parent",
    "type",
    "variation",
    "permalink",
    "sku",
    "short_description",
    "description",
    "on_sale",
    "prices",
    "price_html",
    "average_rating",
    "review_count",
    "images",
    "categories",
    "tags",
    "brands",
    "attributes",
    "variations",
    "grouped_products",
    "has_options",
    "is_purchasable",
    "is_in_stock",
    "is_password_protected",
    "is_on_backorder",
    "low_stock_remaining",
    "stock_availability",
    "sold_individually",
    "weight",
    "dimensions",
    "formatted_weight",
    "formatted_dimensions",
    "add_to_cart",
    "extensions",
    "_links",
]
CURRENCY = {
    "currency_code": "USD",
    "currency_symbol": "$",
    "currency_minor_unit": 2,
    "currency_decimal_separator": ".",
    "currency_thousand_separator": ",",
    "currency_prefix": "$",
    "currency_suffix": "",
}
PRICE_KEYS = ["price", "regular_price", "sale_price", "price_range", *CURRENCY]


@pytest.fixture
def seeded(db, settings):
    # The seed also sets the admin's password: a fast hasher keeps these tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_store", stdout=StringIO())


def get(client, path, **params):
    return client.get(f"{API}{path}", params)


def ids(reply) -> list[int]:
    assert reply.status_code == 200, reply.content
    return [p["id"] for p in reply.json()]


# --- the product object -------------------------------------------------------------------
def test_product_object_has_every_key_in_woocommerce_order(client, seeded):
    body = get(client, "/products/1").json()

    assert list(body) == PRODUCT_KEYS
    assert list(body["prices"]) == PRICE_KEYS
    assert "raw_prices" not in body["prices"]
    assert list(body["images"][0]) == ["id", "src", "thumbnail", "srcset", "sizes", "name", "alt"]
    assert list(body["categories"][0]) == ["id", "name", "slug", "link"]
    assert list(body["stock_availability"]) == ["text", "class"]
    assert list(body["add_to_cart"]) == [
        "text",
        "description",
        "url",
        "single_text",
        "minimum",
        "maximum",
        "multiple_of",
    ]


def test_simple_product_values(client, seeded):
    body = get(client, "/products/1").json()

    assert body["id"] == 1
    assert body["name"] == "T-shirt"
    assert body["slug"] == "t-shirt"
    assert body["parent"] == 0
    assert body["type"] == "simple"
    assert body["variation"] == ""
    assert body["permalink"].endswith("/product/t-shirt/")
    assert body["sku"] == "HUB-TSHIRT"
    assert body["short_description"] == "<p>A plain cotton T-shirt.</p>"
    # wptexturize: the apostrophe becomes a typographic one, as WordPress renders it.
    assert body["description"].startswith("<p>Soft 100% cotton T-shirt with the hub&#8217;s")
    assert body["on_sale"] is False
    assert body["price_html"] == (
        '<span class="woocommerce-Price-amount amount"><bdi>'
        '<span class="woocommerce-Price-currencySymbol">&#36;</span>18.00</bdi></span>'
    )
    # Two seeded reviews: 5 and 4 stars.
    assert body["average_rating"] == "4.50"
    assert body["review_count"] == 2
    assert body["categories"][0]["slug"] == "clothing"
    assert body["categories"][0]["link"].endswith("/product-category/clothing/")
    assert [t["slug"] for t in body["tags"]] == ["cotton"]
    assert body["tags"][0]["link"].endswith("/product-tag/cotton/")
    assert body["brands"] == [
        {"id": 1, "name": "Hub Basics", "slug": "hub-basics", "link": body["brands"][0]["link"]}
    ]
    assert body["brands"][0]["link"].endswith("/brand/hub-basics/")
    assert body["attributes"] == body["variations"] == []
    assert body["weight"] == "0.2"
    assert body["dimensions"] == {"length": "30", "width": "25", "height": "2"}
    assert body["formatted_weight"] == "0.2 kg"
    assert body["formatted_dimensions"] == "30 × 25 × 2 cm"
    assert body["grouped_products"] == []
    assert body["has_options"] is False
    assert body["is_purchasable"] is True
    assert body["is_in_stock"] is True
    assert body["is_password_protected"] is False
    assert body["is_on_backorder"] is False
    assert body["low_stock_remaining"] is None
    assert body["stock_availability"] == {"text": "", "class": "in-stock"}
    assert body["sold_individually"] is False
    assert body["add_to_cart"] == {
        "text": "Add to cart",
        "description": "Add to cart: &ldquo;T-shirt&rdquo;",
        "url": "?add-to-cart=1",
        "single_text": "Add to cart",
        "minimum": 1,
        "maximum": 9999,
        "multiple_of": 1,
    }
    assert body["extensions"] == {}
    assert body["_links"] == {
        "self": [{"href": "http://testserver/wp-json/wc/store/v1/products/1"}],
        "collection": [{"href": "http://testserver/wp-json/wc/store/v1/products"}],
    }


def test_money_is_strings_of_minor_units_with_currency_fields(client, seeded):
    prices = get(client, "/products/1").json()["prices"]

    assert prices == {
        "price": "1800",
        "regular_price": "1800",
        "sale_price": "1800",  # not on sale: equals price
        "price_range": None,
        **CURRENCY,
    }


def test_unpriced_product_shows_zero_not_null(client, db):
    product = ProductFactory(regular_price=None)

    body = get(client, f"/products/{product.pk}").json()

    assert body["prices"]["price"] == body["prices"]["regular_price"] == "0"
    assert body["prices"]["sale_price"] == "0"
    assert body["price_html"] == ""
    assert body["is_purchasable"] is False
    assert body["add_to_cart"]["text"] == "Read more"


def test_sale_product(client, seeded):
    body = get(client, "/products/5").json()

    assert body["on_sale"] is True
    assert body["prices"]["price"] == "1400"
    assert body["prices"]["regular_price"] == "1800"
    assert body["prices"]["sale_price"] == "1400"
    assert body["prices"]["price_range"] is None
    assert body["price_html"].startswith('<del aria-hidden="true">')
    assert "Original price was: &#36;18.00." in body["price_html"]
    assert "Current price is: &#36;14.00." in body["price_html"]


def test_scheduled_sale_is_not_on_sale_before_it_starts(client, db):
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    product = ProductFactory(regular_price=2000, sale_price=1500, sale_starts_at=start)

    body = get(client, f"/products/{product.pk}").json()
    assert body["on_sale"] is False
    assert body["prices"]["price"] == body["prices"]["sale_price"] == "2000"

    with clock.frozen(start + dt.timedelta(days=1)):
        body = get(client, f"/products/{product.pk}").json()
    assert body["on_sale"] is True
    assert body["prices"]["price"] == "1500"


def test_variable_product_lowest_price_range_and_variations(client, seeded):
    body = get(client, "/products/13").json()

    assert body["type"] == "variable"
    assert body["on_sale"] is True  # the Red M variation is on sale
    assert body["prices"]["price"] == "3900"
    assert body["prices"]["regular_price"] == "4000"  # the lowest regular price (Green)
    assert body["prices"]["sale_price"] == "3900"
    assert body["prices"]["price_range"] == {"min_amount": "3900", "max_amount": "4600"}
    assert "Price range: &#36;39.00 through &#36;46.00" in body["price_html"]
    assert [v["id"] for v in body["variations"]] == [14, 15, 16, 17, 18, 19]
    assert body["variations"][0]["attributes"] == [
        {"name": "Color", "value": "blue"},
        {"name": "Size", "value": "s"},
    ]
    # The Green variation takes any size: null.
    assert body["variations"][5]["attributes"][1] == {"name": "Size", "value": None}
    # The global attribute pa_color and its terms, with their ids.
    assert body["attributes"][0] == {
        "id": 1,
        "name": "Color",
        "taxonomy": "pa_color",
        "has_variations": True,
        "terms": [
            {"id": 1, "name": "Blue", "slug": "blue", "default": False},
            {"id": 2, "name": "Red", "slug": "red", "default": False},
            {"id": 3, "name": "Green", "slug": "green", "default": False},
        ],
    }
    assert body["has_options"] is True
    assert body["is_purchasable"] is True
    assert body["stock_availability"] == {"text": "", "class": ""}
    assert body["add_to_cart"]["text"] == "Select options"
    assert [i["id"] for i in body["images"]] == [13, 101]


def test_variable_product_with_equal_prices_has_no_range(client, db):
    parent = VariableProductFactory()
    VariationFactory(parent=parent, regular_price=3000)
    VariationFactory(parent=parent, regular_price=3000, variation_attributes={"pa_color": "Red"})

    prices = get(client, f"/products/{parent.pk}").json()["prices"]

    assert prices["price"] == "3000"
    assert prices["price_range"] is None


def test_variable_product_without_available_variations_is_out_of_stock(client, db):
    parent = VariableProductFactory()
    VariationFactory(parent=parent, manage_stock=True, stock_quantity=0)

    body = get(client, f"/products/{parent.pk}").json()

    assert body["is_in_stock"] is False
    assert body["stock_availability"] == {
        "text": "This product is currently out of stock and unavailable.",
        "class": "out-of-stock",
    }


def test_variation_by_id(client, seeded):
    body = get(client, "/products/17").json()

    assert body["type"] == "variation"
    assert body["name"] == "Hoodie"
    assert body["parent"] == 13
    assert body["variation"] == "Color: Red, Size: M"
    assert body["permalink"].endswith("/product/hoodie/?attribute_pa_color=red&attribute_pa_size=m")
    assert body["on_sale"] is True
    assert body["prices"]["price"] == "3900"
    assert body["prices"]["regular_price"] == "4400"
    assert body["_links"]["up"] == [{"href": "http://testserver/wp-json/wc/store/v1/products/13"}]


def test_out_of_stock_product(client, seeded):
    body = get(client, "/products/6").json()

    assert body["is_in_stock"] is False
    assert body["is_on_backorder"] is False
    assert body["stock_availability"] == {"text": "Out of stock", "class": "out-of-stock"}
    assert body["low_stock_remaining"] == 0
    assert body["add_to_cart"]["text"] == "Read more"
    assert body["add_to_cart"]["url"].endswith("/product/belt/")


def test_low_stock_product(client, seeded):
    body = get(client, "/products/7").json()

    assert body["low_stock_remaining"] == 2
    assert body["stock_availability"] == {"text": "2 in stock", "class": "in-stock"}
    assert body["add_to_cart"]["maximum"] == 2


def test_backorder_product(client, db):
    product = ProductFactory(manage_stock=True, stock_quantity=0, backorders="notify")

    body = get(client, f"/products/{product.pk}").json()

    assert body["is_in_stock"] is True
    assert body["is_on_backorder"] is True
    assert body["stock_availability"] == {
        "text": "Available on backorder",
        "class": "available-on-backorder",
    }


def test_sold_individually_limits_add_to_cart(client, seeded):
    body = get(client, "/products/9").json()

    assert body["sold_individually"] is True
    assert body["add_to_cart"]["maximum"] == 1


# --- single product routes ------------------------------------------------------------------
def test_by_slug_finds_products_and_variations(client, seeded):
    assert get(client, "/products/hoodie").json()["id"] == 13
    assert get(client, "/products/hoodie-red-m").json()["id"] == 17


def test_unknown_or_unpublished_id_is_404(client, db):
    draft = ProductFactory(status=Product.Status.DRAFT)

    for path in ("/products/999999", f"/products/{draft.pk}"):
        reply = get(client, path)
        assert reply.status_code == 404
        assert reply.json() == {
            "code": "woocommerce_rest_product_invalid_id",
            "message": "Invalid product ID.",
            "data": {"status": 404},
        }


def test_variation_of_a_draft_parent_is_404(client, db):
    variation = VariationFactory(parent=VariableProductFactory(status=Product.Status.DRAFT))

    assert get(client, f"/products/{variation.pk}").status_code == 404


def test_unknown_or_unpublished_slug_is_404(client, db):
    ProductFactory(slug="secret", status=Product.Status.PRIVATE)

    for path in ("/products/no-such-thing", "/products/secret"):
        reply = get(client, path)
        assert reply.status_code == 404
        assert reply.json()["code"] == "woocommerce_rest_product_invalid_slug"
        assert reply.json()["message"] == "Invalid product slug."


def test_unversioned_alias(client, seeded):
    listed = client.get("/wp-json/wc/store/products")
    single = client.get("/wp-json/wc/store/products/1")

    assert listed.status_code == single.status_code == 200
    assert len(listed.json()) == 10
    assert single.json()["_links"]["self"] == [
        {"href": "http://testserver/wp-json/wc/store/products/1"}
    ]
    assert client.get("/wp-json/wc/store/products/t-shirt").json()["id"] == 1


# --- the list -------------------------------------------------------------------------------
def test_list_defaults_date_desc_top_level_only(client, seeded):
    reply = get(client, "/products")

    # Same creation date for all: "date ID" DESC. Variations (14-19) are not listed.
    assert ids(reply) == [13, 12, 11, 10, 9, 8, 7, 6, 5, 4]
    assert list(reply.json()[0]) == PRODUCT_KEYS
    assert reply["X-WP-Total"] == "13"
    assert reply["X-WP-TotalPages"] == "2"
    assert reply["Last-Modified"].endswith("GMT")


def test_unpublished_products_are_not_listed(client, db):
    shown = ProductFactory()
    ProductFactory(status=Product.Status.DRAFT)

    assert ids(get(client, "/products")) == [shown.pk]


def test_pagination_headers_and_links(client, seeded):
    first = get(client, "/products", per_page=5, orderby="id", order="asc")
    middle = get(client, "/products", per_page=5, orderby="id", order="asc", page=2)
    last = get(client, "/products", per_page=5, orderby="id", order="asc", page=3)
    beyond = get(client, "/products", per_page=5, page=9)

    assert ids(first) == [1, 2, 3, 4, 5]
    assert ids(middle) == [6, 7, 8, 9, 10]
    assert ids(last) == [11, 12, 13]
    assert ids(beyond) == []
    for reply in (first, middle, last):
        assert reply["X-WP-Total"] == "13"
        assert reply["X-WP-TotalPages"] == "3"

    base = "http://testserver/wp-json/wc/store/v1/products"
    assert first["Link"] == f'<{base}?per_page=5&orderby=id&order=asc&page=2>; rel="next"'
    assert middle["Link"] == (
        f'<{base}?per_page=5&orderby=id&order=asc&page=1>; rel="prev", '
        f'<{base}?per_page=5&orderby=id&order=asc&page=3>; rel="next"'
    )
    assert last["Link"] == f'<{base}?per_page=5&orderby=id&order=asc&page=2>; rel="prev"'
    # Past the end, prev points at the last page (Pagination::add_headers).
    assert beyond["Link"] == f'<{base}?per_page=5&page=3>; rel="prev"'


def test_offset_overrides_page(client, seeded):
    reply = get(client, "/products", orderby="id", order="asc", per_page=3, offset=4, page=3)

    assert ids(reply) == [5, 6, 7]


def test_search_matches_name_or_sku(client, seeded):
    assert sorted(ids(get(client, "/products", search="poster"))) == [8, 9]
    assert ids(get(client, "/products", search="HUB-BELT")) == [6]


def test_include_and_exclude_as_comma_lists_or_arrays(client, seeded):
    assert sorted(ids(get(client, "/products", include="1,3,5"))) == [1, 3, 5]
    assert sorted(ids(client.get(f"{API}/products?include[]=2&include[]=4"))) == [2, 4]
    excluded = ids(get(client, "/products", exclude="13,12", per_page=100))
    assert 13 not in excluded and 12 not in excluded and len(excluded) == 11
    assert sorted(ids(client.get(f"{API}/products?exclude[]=1&include=1,2"))) == [2]


def test_orderby_include_keeps_the_given_order(client, seeded):
    assert ids(get(client, "/products", include="5,1,3", orderby="include")) == [5, 1, 3]


def test_slug_and_sku_lists_also_find_variations(client, seeded):
    assert sorted(ids(get(client, "/products", slug="cap,hoodie-blue-s"))) == [4, 14]
    assert sorted(ids(get(client, "/products", sku="HUB-CAP,HUB-HOODIE-GREEN"))) == [4, 19]


def test_parent_and_type_variation(client, seeded):
    variations = ids(get(client, "/products", type="variation", parent="13", orderby="id"))
    assert sorted(variations) == [14, 15, 16, 17, 18, 19]
    assert ids(get(client, "/products", type="variable")) == [13]
    assert len(ids(get(client, "/products", type="simple", per_page=100))) == 12
    # Top-level products have parent 0.
    assert len(ids(get(client, "/products", parent="0", per_page=100))) == 13


def test_featured(client, seeded):
    assert sorted(ids(get(client, "/products", featured="true"))) == [1, 13]
    assert len(ids(get(client, "/products", featured="false", per_page=100))) == 11


def test_category_by_id_slug_children_and_operators(client, seeded):
    assert sorted(ids(get(client, "/products", category="2"))) == [4, 5, 6, 7]
    assert sorted(ids(get(client, "/products", category="music,decor"))) == [8, 9, 10, 11]
    assert sorted(ids(get(client, "/products", category="3,4", category_operator="and"))) == [11]
    not_clothing = ids(get(client, "/products", category="clothing", category_operator="not_in"))
    assert {1, 2, 3, 13}.isdisjoint(not_clothing)
    assert ids(get(client, "/products", category="no-such-category")) == []


def test_category_includes_child_categories(client, db):
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    product = ProductFactory()
    product.categories.set([child])

    assert ids(get(client, "/products", category=str(parent.pk))) == [product.pk]


def test_on_sale(client, seeded):
    # The Beanie, and the Hoodie through its Red M variation.
    assert sorted(ids(get(client, "/products", on_sale="true"))) == [5, 13]
    assert len(ids(get(client, "/products", on_sale="false", per_page=100))) == 11


def test_min_and_max_price_in_minor_units(client, seeded):
    cheap = ids(get(client, "/products", max_price="1400", per_page=100))
    assert sorted(cheap) == [5, 8, 11]  # Beanie (on sale at 14.00), Poster, Album download
    dear = ids(get(client, "/products", min_price="5000", per_page=100))
    assert sorted(dear) == [6, 7]  # Belt 55.00, Sunglasses 90.00
    # The Hoodie spans 39.00-46.00, so it matches as well as the 45.00 Signed poster.
    assert ids(get(client, "/products", min_price="4500", max_price="4500")) == [13, 9]


def test_stock_status(client, seeded):
    assert ids(get(client, "/products", stock_status="outofstock")) == [6]
    assert ids(client.get(f"{API}/products?stock_status[]=outofstock")) == [6]
    both = ids(get(client, "/products", stock_status="instock,outofstock", per_page=100))
    assert len(both) == 13


def test_variable_product_stock_follows_its_variations(client, db):
    parent = VariableProductFactory()
    VariationFactory(parent=parent, manage_stock=True, stock_quantity=0)

    assert ids(get(client, "/products", stock_status="outofstock")) == [parent.pk]
    assert ids(get(client, "/products", stock_status="instock")) == []


@pytest.mark.parametrize(
    ("orderby", "order", "expected"),
    [
        ("id", "asc", [1, 2, 3]),
        ("id", "desc", [13, 12, 11]),
        ("title", "asc", [10, 11, 5]),  # Album, Album download, Beanie
        ("slug", "desc", [1, 7, 9]),  # t-shirt, sunglasses, signed-poster
        ("price", "asc", [11, 8, 5]),  # 9.00, 12.00, 14.00
        ("price", "desc", [7, 6, 12]),  # 90.00, 55.00, 49.00
        ("menu_order", "asc", [10, 11, 5]),  # all 0: then by title
    ],
)
def test_orderby(client, seeded, orderby, order, expected):
    reply = get(client, "/products", orderby=orderby, order=order, per_page=3)

    assert ids(reply) == expected


def test_orderby_rating_and_popularity_are_always_descending(client, db):
    low, high = ProductFactory(average_rating="3.50"), ProductFactory(average_rating="4.75")
    order = OrderFactory(status=Order.Status.COMPLETED)
    OrderItemFactory(order=order, product=low, quantity=5)
    OrderItemFactory(order=OrderFactory(status=Order.Status.PENDING), product=high, quantity=9)

    assert ids(get(client, "/products", orderby="rating", order="asc")) == [high.pk, low.pk]
    assert ids(get(client, "/products", orderby="popularity", order="asc")) == [low.pk, high.pk]
    assert get(client, f"/products/{high.pk}").json()["average_rating"] == "4.75"


def test_date_filters(client, db):
    old = ProductFactory(created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    new = ProductFactory(created_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))

    assert ids(get(client, "/products", after="2025-01-01T00:00:00")) == [new.pk]
    assert ids(get(client, "/products", before="2025-01-01")) == [old.pk]


# --- invalid parameters -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "name", "code", "message"),
    [
        (
            {"per_page": "0"},
            "per_page",
            "rest_out_of_bounds",
            "per_page must be between 1 (inclusive) and 100 (inclusive)",
        ),
        (
            {"per_page": "101"},
            "per_page",
            "rest_out_of_bounds",
            "per_page must be between 1 (inclusive) and 100 (inclusive)",
        ),
        ({"page": "abc"}, "page", "rest_invalid_type", "page is not of type integer."),
        ({"page": "0"}, "page", "rest_out_of_bounds", "page must be greater than or equal to 1"),
        (
            {"orderby": "bogus"},
            "orderby",
            "rest_not_in_enum",
            "orderby is not one of date, modified, id, include, title, slug, price, popularity, "
            "rating, menu_order, and comment_count.",
        ),
        ({"order": "up"}, "order", "rest_not_in_enum", "order is not one of asc and desc."),
        (
            {"featured": "maybe"},
            "featured",
            "rest_invalid_type",
            "featured is not of type boolean.",
        ),
        (
            {"stock_status": "instock,gone"},
            "stock_status",
            "rest_not_in_enum",
            "stock_status[1] is not one of instock, outofstock, and onbackorder.",
        ),
        (
            {"type": "bundle"},
            "type",
            "rest_not_in_enum",
            "type is not one of simple, grouped, external, variable, and variation.",
        ),
    ],
)
def test_invalid_params_answer_rest_invalid_param(client, db, params, name, code, message):
    reply = get(client, "/products", **params)

    assert reply.status_code == 400
    assert reply.json() == {
        "code": "rest_invalid_param",
        "message": f"Invalid parameter(s): {name}",
        "data": {
            "status": 400,
            "params": {name: message},
            "details": {name: {"code": code, "message": message, "data": None}},
        },
    }


def test_several_invalid_params_are_listed_together(client, db):
    reply = get(client, "/products", per_page="0", orderby="bogus")

    assert reply.json()["message"] == "Invalid parameter(s): per_page, orderby"
    assert list(reply.json()["data"]["params"]) == ["per_page", "orderby"]


def test_unknown_params_are_ignored(client, seeded):
    assert get(client, "/products", colour="purple").status_code == 200


# --- queries --------------------------------------------------------------------------------
def _list_queries(client, count: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        reply = get(client, "/products", per_page=count)
        assert len(reply.json()) == count
    return len(captured)


def test_list_query_count_does_not_grow_with_the_page(client, db):
    category = CategoryFactory()
    for _ in range(9):
        product = ProductFactory()
        product.categories.set([category])
        product.images.create(src="https://example.com/a.png", name="a")
    parent = VariableProductFactory()
    for color in ("Blue", "Red", "Green"):
        VariationFactory(parent=parent, variation_attributes={"pa_color": color})
    _list_queries(client, 2)  # warm up anything cached per process

    assert _list_queries(client, 2) == _list_queries(client, 10)


def test_variation_list_query_count_does_not_grow(client, seeded):
    def queries(count):
        with CaptureQueriesContext(connection) as captured:
            assert len(get(client, "/products", type="variation", per_page=count).json()) == count
        return len(captured)

    queries(2)
    assert queries(2) == queries(6)


def test_page_links_keep_array_params(client, seeded):
    reply = client.get(f"{API}/products?include[]=1&include[]=2&include[]=3&per_page=1")

    next_url = reply["Link"].split(";")[0].strip("<>")
    assert parse_qs(urlsplit(next_url).query) == {
        "include[]": ["1", "2", "3"],
        "per_page": ["1"],
        "page": ["2"],
    }


@pytest.mark.parametrize(
    "query", ["include", "exclude", "parent", "offset", "page"], ids=lambda q: q
)
def test_ids_and_positions_beyond_any_column_are_not_a_server_error(client, db, query):
    reply = client.get(f"/wp-json/wc/store/v1/products?{query}=99999999999999999999999")
    assert reply.status_code == 200, reply.content
    assert isinstance(reply.json(), list)
