"""WordPress's pagination headers (checkout_hub.wordpress.pagination): totals, and prev/next
links that keep the request's own query string."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import RequestFactory

from checkout_hub.wordpress.pagination import pagination_headers

URL = "http://shop.test/wp-json/wc/store/v1/products"


def headers(query: str, total: int, page: int, per_page: int) -> dict:
    request = RequestFactory().get(f"/wp-json/wc/store/v1/products/?{query}")
    return pagination_headers(request, total, page, per_page, url=URL)


def links(value: str) -> dict[str, list[tuple[str, str]]]:
    """{rel: the link's query as pairs}, each link checked to start with URL."""
    found = {}
    for part in value.split(", "):
        target, rel = part.split("; ")
        url = target.strip("<>")
        assert url.startswith(URL + "?")
        found[rel.removeprefix('rel="').removesuffix('"')] = parse_qsl(urlsplit(url).query)
    return found


@pytest.mark.parametrize(
    ("total", "per_page", "pages"), [(0, 10, 0), (1, 10, 1), (10, 10, 1), (11, 10, 2), (5, 1, 5)]
)
def test_totals(total, per_page, pages):
    found = headers("", total, 1, per_page)

    assert found["X-WP-Total"] == str(total)
    assert found["X-WP-TotalPages"] == str(pages)


def test_one_page_has_no_link():
    assert "Link" not in headers("", 3, 1, 10)


def test_first_page_links_next_with_page_appended():
    found = links(headers("per_page=2&orderby=price", 5, 1, 2)["Link"])

    assert found == {"next": [("per_page", "2"), ("orderby", "price"), ("page", "2")]}


def test_middle_page_links_prev_then_next_with_page_in_its_place():
    value = headers("page=2&per_page=2", 5, 2, 2)["Link"]

    assert value.index('rel="prev"') < value.index('rel="next"')
    assert links(value) == {
        "prev": [("page", "1"), ("per_page", "2")],
        "next": [("page", "3"), ("per_page", "2")],
    }


def test_last_page_links_prev_only():
    assert links(headers("page=3&per_page=2", 5, 3, 2)["Link"]) == {
        "prev": [("page", "2"), ("per_page", "2")]
    }


def test_a_page_past_the_end_links_back_to_the_last_page():
    assert links(headers("page=9&per_page=2", 5, 9, 2)["Link"]) == {
        "prev": [("page", "3"), ("per_page", "2")]
    }


def test_array_params_keep_every_value_and_a_repeated_page_its_last():
    value = headers("include[]=1&include[]=2&page=1&page=2", 6, 2, 2)["Link"]

    assert links(value)["next"] == [("include[]", "1"), ("include[]", "2"), ("page", "3")]
