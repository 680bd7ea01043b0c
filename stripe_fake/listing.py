"""Stripe's list and search envelopes, shared by every list and search endpoint.

`list_page(call, rows, url, kind=...)` answers a `GET /v1/<objects>` request: Stripe's list
object (`{"object": "list", "data": [...], "has_more": ..., "url": ...}`) from `rows`, a queryset
the endpoint has already filtered by its own parameters (`customer`, `payment_intent`, ...). It
reads the parameters every list takes: `limit` (1 to 100, default 10), the cursors
`starting_after` / `ending_before` (object ids), `created` (a timestamp, or
`created[gt|gte|lt|lte]`) and `expand[]` (`data.latest_charge`).

`search_page(call, rows, url, kind=..., fields=...)` answers a `GET /v1/<objects>/search`
request: Stripe's search result (`{"object": "search_result", "data": [...], "has_more": ...,
"next_page": ..., "url": ...}`, with `total_count` when `expand[]=total_count` asks for it),
`query` parsed by `search` against the resource's query fields.

Both order newest first, as Stripe does: by creation time, then by id, so a page boundary is
stable even when many objects share one second (the hub's clock can stand still). `rows` holds
WireObjects (an `id`, a `created` time, the wire `data`); `kind` is the object type
(`payment_intent`), whose `responses.EXPANDABLE` entry says what `data.…` may expand (none, for
a type that has no entry).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from django.db.models import Q, QuerySet

from . import errors, responses, search

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
# The parameters every list endpoint takes (routes adds each endpoint's own filters).
LIST_PARAMS = frozenset({"limit", "starting_after", "ending_before", "created", "expand"})
SEARCH_PARAMS = frozenset({"query", "limit", "page", "expand"})
CREATED_BOUNDS = ("gt", "gte", "lt", "lte")

# How Stripe names each object type in "No such ..." messages.
OBJECT_NAMES = {"payment_method": "PaymentMethod", "webhook_endpoint": "webhook endpoint"}

NEWEST_FIRST = ("-created", "-id")
OLDEST_FIRST = ("created", "id")


# --- the parameters every list and search takes ---
def limit(params: dict) -> int:
    if "limit" not in params:
        return DEFAULT_LIMIT
    number = responses._integer(params["limit"], "limit")
    if number < 1:
        raise errors.invalid_request(
            "This value must be greater than or equal to 1.",
            code="parameter_invalid_integer",
            param="limit",
        )
    if number > MAX_LIMIT:
        raise errors.invalid_request(
            f"This value must be less than or equal to {MAX_LIMIT}.",
            code="parameter_invalid_integer",
            param="limit",
        )
    return number


def _instant(timestamp: int) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        # Beyond what a datetime holds: before or after anything the fake has made.
        return (
            dt.datetime.max.replace(tzinfo=dt.UTC)
            if timestamp > 0
            else dt.datetime.min.replace(tzinfo=dt.UTC)
        )


def created_filter(value, param: str = "created") -> Q:
    """`created=T` (that second) or `created[gt|gte|lt|lte]=T`, as a filter on the stored
    creation time (the wire `created` is that time in whole seconds)."""
    if isinstance(value, dict):
        responses.refuse_unknown(value, CREATED_BOUNDS, param)
        bounds = {
            name: responses._integer(item, f"{param}[{name}]") for name, item in value.items()
        }
    else:
        second = responses._integer(value, param)
        bounds = {"gte": second, "lte": second}
    condition = Q()
    for name, second in bounds.items():
        if name == "gt":
            condition &= Q(created__gte=_instant(second + 1))
        elif name == "gte":
            condition &= Q(created__gte=_instant(second))
        elif name == "lt":
            condition &= Q(created__lt=_instant(second))
        else:
            condition &= Q(created__lt=_instant(second + 1))
    return condition


def expansions(params: dict, kind: str, *, extra: tuple[str, ...] = ()) -> tuple[list[str], set]:
    """The `expand[]` of a list or search: `data.<field>` for each object (the fields the
    object's retrieve can expand), and any of `extra` (`total_count`) for the envelope."""
    if "expand" not in params:
        return [], set()
    fields, envelope = [], set()
    for field in responses._strings(params["expand"], "expand"):
        inner = field.removeprefix("data.")
        if field.startswith("data.") and inner in responses.EXPANDABLE.get(kind, {}):
            fields.append(inner)
        elif field in extra:
            envelope.add(field)
        elif field in responses.EXPANDABLE.get(kind, {}):
            raise errors.invalid_request(
                f"This property cannot be expanded ({field}). You may want to try expanding "
                f"'data.{field}' instead."
            )
        else:
            raise errors.invalid_request(f"This property cannot be expanded ({field}).")
    return fields, envelope


def _anchor(rows: QuerySet, object_id, param: str, kind: str):
    anchor = None
    if isinstance(object_id, str) and "\x00" not in object_id:
        anchor = rows.model.objects.filter(pk=object_id).only("id", "created").first()
    if anchor is None:
        name = OBJECT_NAMES.get(kind, kind)
        raise errors.no_such(name, str(object_id), param)
    return anchor


def _after(anchor) -> Q:
    """Rows that come after `anchor` newest first (older, or as old with a smaller id)."""
    return Q(created__lt=anchor.created) | Q(created=anchor.created, id__lt=anchor.id)


def _before(anchor) -> Q:
    return Q(created__gt=anchor.created) | Q(created=anchor.created, id__gt=anchor.id)


# --- GET /v1/<objects> ---
def list_page(call, rows: QuerySet, url: str, *, kind: str) -> dict:
    """Stripe's list object for `rows` (already filtered by the endpoint)."""
    params = call.params
    count = limit(params)
    expand, _ = expansions(params, kind)
    if "created" in params:
        rows = rows.filter(created_filter(params["created"]))
    after, before = params.get("starting_after"), params.get("ending_before")
    if after not in (None, "") and before not in (None, ""):
        raise errors.invalid_request(
            "You may only specify one of these parameters: ending_before, starting_after.",
            param="ending_before",
        )
    if before not in (None, ""):
        page = list(
            rows.filter(_before(_anchor(rows, before, "ending_before", kind))).order_by(
                *OLDEST_FIRST
            )[: count + 1]
        )
        has_more = len(page) > count
        page = list(reversed(page[:count]))
    else:
        if after not in (None, ""):
            rows = rows.filter(_after(_anchor(rows, after, "starting_after", kind)))
        page = list(rows.order_by(*NEWEST_FIRST)[: count + 1])
        has_more = len(page) > count
        page = page[:count]
    return {
        "object": "list",
        "data": responses._render_all(page, expand),
        "has_more": has_more,
        "url": url,
    }


# --- GET /v1/<objects>/search ---
def _page_token(obj) -> str:
    position = json.dumps([obj.created.isoformat(), obj.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")


def _page_position(token) -> Q:
    invalid = errors.invalid_request(f"Invalid page: {token}", param="page")
    if not isinstance(token, str):
        raise invalid
    try:
        created, object_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        instant = dt.datetime.fromisoformat(created)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise invalid from None
    if not isinstance(object_id, str) or instant.tzinfo is None or "\x00" in object_id:
        raise invalid
    return Q(created__lt=instant) | Q(created=instant, id__lt=object_id)


def resource_name(url: str) -> str:
    """/v1/payment_intents/search -> payment_intents (how Stripe names it in messages)."""
    return url.removeprefix("/v1/").removesuffix("/search").replace("/", "_")


def search_page(call, rows: QuerySet, url: str, *, kind: str, fields: dict) -> dict:
    """Stripe's search result: the rows matching `query` (in Stripe's search query language,
    over the query fields `fields`: name -> search.TOKEN, STRING, NUMERIC or BOOLEAN)."""
    params = call.params
    if params.get("query") in (None, ""):
        raise errors.parameter_missing("query")
    query = responses._string(params["query"], "query")
    count = limit(params)
    expand, envelope = expansions(params, kind, extra=("total_count",))
    matcher = search.parse(query, fields, resource=resource_name(url))
    page_rows = rows
    if params.get("page") not in (None, ""):
        page_rows = rows.filter(_page_position(params["page"]))
    page, has_more = [], False
    for obj in page_rows.order_by(*NEWEST_FIRST).iterator(chunk_size=200):
        if not matcher(obj.data):
            continue
        if len(page) == count:
            has_more = True
            break
        page.append(obj)
    result = {
        "object": "search_result",
        "data": responses._render_all(page, expand),
        "has_more": has_more,
        "next_page": _page_token(page[-1]) if has_more else None,
        "url": url,
    }
    if "total_count" in envelope:
        result["total_count"] = sum(
            1 for data in rows.values_list("data", flat=True).iterator() if matcher(data)
        )
    return result
