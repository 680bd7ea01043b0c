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
"""

from __future__ import annotations

import threading
from collections import defaultdict

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

from checkout_hub.models import Attribute, ProductImage, ShippingZone, TaxRate

GENERATION_KEY = "hub:reference-generation"

_lock = threading.Lock()
_local: dict = {}  # name -> (generation, value), shared by the process's threads
_request = threading.local()  # the generation this thread's current request has seen


def _shared_generation() -> int:
    seen = getattr(_request, "generation", None)
    if seen is not None:
        return seen
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, None)
        generation = cache.get(GENERATION_KEY) or 1
    if getattr(_request, "active", False):
        _request.generation = generation
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
    clear()
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    with _lock:
        _local.clear()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value is a change
        cache.set(GENERATION_KEY, 2, None)
    if getattr(_request, "active", False):
        _request.generation = None


def clear() -> None:
    """Forget this process's copy (the tests call it between tests)."""
    with _lock:
        _local.clear()
    _request.generation = None


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


# --- once per request ---
def _request_began(**kwargs) -> None:
    _request.active = True
    _request.generation = None


def _request_ended(**kwargs) -> None:
    _request.active = False
    _request.generation = None


request_started.connect(_request_began, dispatch_uid="hub-reference-request-started")
request_finished.connect(_request_ended, dispatch_uid="hub-reference-request-finished")
