"""What `POST /__hub/reset` clears: each app registers its own tables (from its AppConfig.ready(),
like checkout_hub.seeding), so the core names no vendor app.

A registration is a *group* (a name a `scope` can pick) of models and an optional callable run
after the rows are gone (forget a cache). `kind` says which default scope clears it:

- "state": what clients make (carts, orders, payments, sessions, journal, scenario rules,
  webhook deliveries, a vendor's orders, the Stripe fake's objects): cleared by scope "all"
  and by scope "data" (everything but the catalogue).
- "seed": what `seed_store` makes (the catalogue, a vendor's demo keys): cleared only by scope
  "all", and `seed_store` then writes it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

STATE = "state"
SEED = "seed"


@dataclass
class Group:
    name: str
    kind: str
    models: list = field(default_factory=list)
    after: list[Callable[[], None]] = field(default_factory=list)


_groups: dict[str, Group] = {}


def register(
    name: str, models: Iterable = (), *, kind: str = STATE, after: Callable[[], None] | None = None
) -> None:
    """Add models (and an after-clear callable) to the group `name` (created on first use)."""
    if kind not in (STATE, SEED):
        raise ValueError(f"kind must be {STATE!r} or {SEED!r}")
    group = _groups.setdefault(name, Group(name, kind))
    if group.kind != kind:
        raise ValueError(f"reset group {name!r} is already registered as {group.kind!r}")
    for model in models:
        if model not in group.models:
            group.models.append(model)
    if after is not None and after not in group.after:
        group.after.append(after)


def groups() -> dict[str, Group]:
    return dict(_groups)


def names() -> list[str]:
    return list(_groups)
