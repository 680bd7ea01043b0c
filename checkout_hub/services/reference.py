"""Store data that rarely changes, kept in each process: tax rates, shipping zones with their
methods, product images, and the global product attributes with their terms.

Every cart read and checkout needs them, and they change only when someone edits the store
(admin, seed_store, a test's factories). So each process keeps one copy, and a generation
number in the shared cache says when it is stale:

- a save or delete of one of these models (signals.py) calls `invalidate()`: this process drops
  its copy at once, and the shared generation moves on, again when the transaction commits, so
  every other worker reloads on its next read;
- a reader compares the shared generation once per request (one cache read: free on the
  local-memory cache, one round trip on Redis) and reloads what it uses when it moved.

Bulk writes (`QuerySet.update`, `bulk_create`) send no signal: code that writes these tables in
bulk calls `invalidate()` itself (seed_store does).

Products (`products(ids)`, a cart read's lines) are kept the same way under a generation of their
own, since stock moves with every order: every ORM write of a product moves it, saves by signal
(signals.py), and `Product.delete` and `ProductQuerySet`'s update, delete, bulk_create and
bulk_update by its `products_written` signal, so a stock change in one worker reaches every
cart read in all of them. Each caller gets its own copy of an instance (and of its parent): what
one request changes on it never reaches another.
"""

from __future__ import annotations

import threading
from collections import defaultdict

import orjson
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.db.models.base import ModelState

from checkout_hub.models import Attribute, Product, ProductImage, ShippingZone, TaxRate

GENERATION_KEY = "hub:reference-generation"
PRODUCTS_KEY = "hub:product-generation"

_lock = threading.Lock()
_local: dict = {}  # name -> (generation, value), shared by the process's threads
# This process's products and the generation they were read at, replaced as one tuple (a
# reader in another thread never sees the products of one generation under another's number).
_products: tuple[int | None, dict] = (None, {})
_request = threading.local()  # the generations this thread's current request has seen


def _shared_generation(key: str = GENERATION_KEY) -> int:
    seen = getattr(_request, "generations", None)
    if seen is not None and key in seen:
        return seen[key]
    generation = cache.get(key)
    if generation is None:
        cache.add(key, 1, None)
        generation = cache.get(key) or 1
    if getattr(_request, "active", False):
        _request.generations = {**(seen or {}), key: generation}
    return generation


def _get(name: str, load):
    generation = _shared_generation()
    held = _local.get(name)
    if held is not None and held[0] == generation:
        return held[1]
    value = load()
    with _lock:
        _local[name] = (generation, value)
    return value


def invalidate() -> None:
    """The store's reference data changed: drop this process's copy, move the shared
    generation on now and when the transaction commits."""
    with _lock:
        _local.clear()
    _bump(GENERATION_KEY)
    transaction.on_commit(lambda: _bump(GENERATION_KEY))


def invalidate_products(**kwargs) -> None:
    """Products changed (a save, a stock movement, a bulk write): the same, for products."""
    _forget_products()
    _bump(PRODUCTS_KEY)
    if _in_transaction():
        _request.products_written = True  # until it ends: see _uncommitted_product_writes
    transaction.on_commit(_products_committed)


def _products_committed() -> None:
    _request.products_written = False
    _bump(PRODUCTS_KEY)


def _in_transaction() -> bool:
    """In a transaction of the hub's own (a test case's wrapping one aside: it never commits,
    and the tests forget every copy between tests)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _uncommitted_product_writes() -> bool:
    """This thread's open transaction wrote products: rows read now may hold its writes, which
    a rollback would take back without moving the generation again, so they are not kept."""
    if not getattr(_request, "products_written", False):
        return False
    if _in_transaction():
        return True
    _request.products_written = False  # the transaction has ended (committed or rolled back)
    return False


def _bump(key: str) -> None:
    with _lock:
        if key == GENERATION_KEY:
            _local.clear()
        else:
            _set_products(None, {})
    try:
        cache.incr(key)
    except ValueError:  # not set yet (or evicted): any new value is a change
        cache.set(key, 2, None)
    seen = getattr(_request, "generations", None)
    if seen:
        _request.generations = {k: v for k, v in seen.items() if k != key}


def _forget_products() -> None:
    with _lock:
        _set_products(None, {})


def _set_products(generation, by_id: dict) -> None:
    global _products
    _products = (generation, by_id)


def clear() -> None:
    """Forget this process's copy (the tests call it between tests)."""
    with _lock:
        _local.clear()
    _forget_products()
    _request.generations = None
    _request.products_written = False


# --- what is kept ---
def tax_rates() -> list[TaxRate]:
    return _get("tax_rates", lambda: list(TaxRate.objects.all()))


def shipping_zones() -> list[ShippingZone]:
    return _get("shipping_zones", lambda: list(ShippingZone.objects.prefetch_related("methods")))


def _load_images() -> dict[int, list[ProductImage]]:
    by_product: dict[int, list[ProductImage]] = defaultdict(list)
    for image in ProductImage.objects.all():  # in their order: position, id
        by_product[image.product_id].append(image)
    return dict(by_product)


def images(product_id: int) -> list[ProductImage]:
    """A product's images in their order (none: an empty list)."""
    return _get("images", _load_images).get(product_id, [])


def attributes() -> dict[str, Attribute]:
    """The global attributes by slug (`pa_color`), each with its terms prefetched."""
    return _get(
        "attributes",
        lambda: {a.slug: a for a in Attribute.objects.prefetch_related("terms")},
    )


def products(ids) -> dict[int, Product]:
    """{id: a copy of the product, its parent attached} for the ids that name a product; the
    ones this process does not hold yet are read in one query."""
    generation = _shared_generation(PRODUCTS_KEY)
    held_generation, held = _products
    if held_generation != generation:
        held = {}
    missing = [i for i in ids if i not in held]
    if missing:
        held = dict(held)
        for product in Product.objects.select_related("parent").filter(pk__in=missing):
            held[product.pk] = product
        if not _uncommitted_product_writes():
            with _lock:
                _set_products(generation, held)
    return {i: _copy(held[i]) for i in ids if i in held}


# A product's JSON values (attributes, variation attributes, downloads) are lists and dicts:
# each copy gets its own, so a change to one never reaches the process's copy.
_JSON_FIELDS = tuple(
    f.attname for f in Product._meta.concrete_fields if f.get_internal_type() == "JSONField"
)


def _copy(product: Product) -> Product:
    """A copy of a product read from the database, with a copy of its cached parent."""
    twin = Product.__new__(Product)
    values = product.__dict__.copy()
    for name in _JSON_FIELDS:
        value = values.get(name)
        if value:  # read from JSON: written and read back, it is the same value, unshared
            values[name] = orjson.loads(orjson.dumps(value))
    state = ModelState()
    state.__dict__ = product._state.__dict__.copy()
    cached = dict(product._state.fields_cache)
    if cached.get("parent") is not None:
        cached["parent"] = _copy(cached["parent"])
    state.fields_cache = cached
    values["_state"] = state
    twin.__dict__ = values
    return twin


# --- once per request ---
def _request_began(**kwargs) -> None:
    _request.active = True
    _request.generations = None
    _request.products_written = False


def _request_ended(**kwargs) -> None:
    _request.active = False
    _request.generations = None


request_started.connect(_request_began, dispatch_uid="hub-reference-request-started")
request_finished.connect(_request_ended, dispatch_uid="hub-reference-request-finished")
