"""What `manage.py hub_cleanup` prunes besides the core's own tables: each app registers a
callable (from its AppConfig.ready(), as with `resetting`), so the core names no vendor app.

A registration is a label ("Stripe events") and a callable that deletes what has outlived its
use and returns how many rows went.
"""

from __future__ import annotations

from collections.abc import Callable

_pruners: dict[str, Callable[[], int]] = {}


def register(label: str, prune: Callable[[], int]) -> None:
    _pruners[label] = prune


def run() -> dict[str, int]:
    """Run every registered pruner: {label: rows deleted}."""
    return {label: prune() for label, prune in _pruners.items()}
