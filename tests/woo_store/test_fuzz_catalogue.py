"""Fuzz the Store API's catalogue routes (issue 12) in tests/test_fuzz.py's style: generated
query strings on every taxonomy, review and collection-data route and on /products' new
filters, generated bodies on cart/extensions. No reply may be a 5xx, and every error is
WordPress's envelope."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
WOO = "/wp-json/wc/store/v1"

ROUTES = [
    "products/categories",
    "products/categories/1",
    "products/tags",
    "products/brands",
    "products/brands/1",
    "products/attributes",
    "products/attributes/1",
    "products/attributes/1/terms",
    "products/reviews",
    "products/collection-data",
    "products",
]
PARAMS = [
    "page",
    "per_page",
    "offset",
    "search",
    "include",
    "exclude",
    "order",
    "orderby",
    "hide_empty",
    "parent",
    "product_id",
    "category_id",
    "tag",
    "brand",
    "tag_operator",
    "rating",
    "catalog_visibility",
    "featured",
    "attribute_relation",
    "attributes[0][attribute]",
    "attributes[0][term_id]",
    "attributes[0][slug]",
    "attributes[0][operator]",
    "calculate_price_range",
    "calculate_rating_counts",
    "calculate_stock_status_counts",
    "calculate_attribute_counts[0][taxonomy]",
    "calculate_attribute_counts[0][query_type]",
    "calculate_taxonomy_counts[]",
    "min_price",
]
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", "0", "-1", "1,2,abc", "true", "pa_color", "and", "or", "in", "9" * 40]),
)
QUERIES = st.lists(st.tuples(st.sampled_from(PARAMS), VALUES), max_size=6)
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=10,
)


def assert_wordpress(reply) -> None:
    assert reply.status_code < 500, (reply.status_code, reply.content[:500])
    body = reply.json()
    if reply.status_code >= 400:
        assert {"code", "message", "data"} <= set(body), body
        assert body["data"]["status"] == reply.status_code


@pytest.mark.parametrize("route", ROUTES)
def test_catalogue_routes_take_any_query(client, store, route):
    @FUZZ
    @given(query=QUERIES)
    def run(query):
        text = "&".join(
            f"{quote(k, safe='[]')}={quote(v.encode('utf-8', 'surrogatepass'), safe='')}"
            for k, v in query
        )
        assert_wordpress(client.get(f"{WOO}/{route}?{text}"))

    run()


def test_cart_extensions_takes_any_body(client, store):
    token = client.get(f"{WOO}/cart").headers["Cart-Token"]

    @FUZZ
    @given(body=st.one_of(JSON, st.fixed_dictionaries({"namespace": JSON, "data": JSON})))
    def run(body):
        reply = client.post(
            f"{WOO}/cart/extensions",
            json.dumps(body),
            content_type="application/json",
            HTTP_CART_TOKEN=token,
        )
        assert_wordpress(reply)
        assert reply.status_code == 400

    run()
