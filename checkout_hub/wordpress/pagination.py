"""WordPress's collection pagination headers, for every WordPress plugin's list routes.

`X-WP-Total`, `X-WP-TotalPages` and `Link` (rel="prev"/"next") as WooCommerce's
`Pagination::add_headers` and WP_REST_Posts_Controller build them.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode


def page_count(total: int, per_page: int) -> int:
    return math.ceil(total / per_page)


def page_url(request, url: str, page: int) -> str:
    """`url` with the request's own query string and `page` set (add_query_arg: the other
    parameters keep their order and repeats, `page` keeps its place or comes last)."""
    params = request.GET
    query = [
        (key, str(page) if key == "page" else value)
        for key, values in params.lists()
        for value in (values[-1:] if key == "page" else values)
    ]
    if "page" not in params:
        query.append(("page", str(page)))
    return f"{url}?{urlencode(query)}"


def pagination_headers(request, total: int, page: int, per_page: int, url: str) -> dict:
    """The headers of one page of a collection of `total` items; `url` is the collection's
    absolute URL (the route's own, whatever trailing slash the request used)."""
    pages = page_count(total, per_page)
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    links = []
    if page > 1:
        # A page past the end links back to the last page, not to page - 1.
        links.append(f'<{page_url(request, url, min(page - 1, pages))}>; rel="prev"')
    if pages > page:
        links.append(f'<{page_url(request, url, page + 1)}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    return headers
