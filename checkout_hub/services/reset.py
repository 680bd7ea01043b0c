"""Back to a fresh demo store: clear what the apps registered (checkout_hub.resetting), restart
the id sequences, re-seed the catalogue, and optionally seed the hub's random source.

Rows go by the database's own flush (TRUNCATE ... RESTART IDENTITY on PostgreSQL; DELETE and
sqlite_sequence on SQLite), the statement Django's test flush uses, so a reset costs a few
statements plus `seed_store`, not a delete per row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from io import StringIO

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from checkout_hub import clock, resetting, seeding

from . import journal, reference

ALL = "all"
DATA = "data"  # everything but the catalogue (and what else `seed_store` makes)
SCOPES = (ALL, DATA)


class UnknownScope(ValueError):
    def __init__(self, unknown: list[str], valid: list[str]):
        self.unknown, self.valid = unknown, valid
        super().__init__(f"Unknown reset scope {', '.join(unknown)}. Valid: {', '.join(valid)}.")


@dataclass(frozen=True)
class Result:
    scope: list[str]
    seeded: bool
    seed: int | None
    seconds: float


def valid_scopes() -> list[str]:
    return [*SCOPES, *resetting.names(), "clock"]


def _pick(scope) -> tuple[list[resetting.Group], bool]:
    """The groups a scope names, and whether the clock goes back to real time."""
    groups = resetting.groups()
    if scope in (None, "", ALL):
        return list(groups.values()), True
    if scope == DATA:
        return [g for g in groups.values() if g.kind == resetting.STATE], False
    names = [scope] if isinstance(scope, str) else list(scope)
    unknown = [n for n in names if n not in groups and n not in (*SCOPES, "clock")]
    if unknown or not names:
        raise UnknownScope(unknown or ["(empty)"], valid_scopes())
    if ALL in names:
        return list(groups.values()), True
    picked = {g.name: g for g in groups.values() if g.name in names}
    if DATA in names:
        picked.update({g.name: g for g in groups.values() if g.kind == resetting.STATE})
    return list(picked.values()), "clock" in names


def _tables(groups: list[resetting.Group]) -> list[str]:
    tables: list[str] = []
    for group in groups:
        for model in group.models:
            opts = model._meta.concrete_model._meta
            for table in [
                opts.db_table,
                *(
                    f.remote_field.through._meta.db_table
                    for f in opts.local_many_to_many
                    if f.remote_field.through._meta.auto_created
                ),
            ]:
                if table not in tables:
                    tables.append(table)
    return tables


def reset(scope=None, seed: int | None = None) -> Result:
    started = time.perf_counter()
    groups, reset_clock = _pick(scope)
    if any(g.name == "journal" for g in groups):
        journal.flush()  # rows already queued by this process belong to the old journal
    tables = _tables(groups)
    reseed = any(g.kind == resetting.SEED for g in groups)
    with transaction.atomic():
        if tables:
            statements = connection.ops.sql_flush(
                no_style(), tables, reset_sequences=True, allow_cascade=True
            )
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # TRUNCATE refuses a table with deferred foreign-key checks still pending
                    # in this transaction (rows written earlier in it): run them now.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for sql in statements:
                    cursor.execute(sql)
                if connection.vendor == "postgresql":
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if reseed:
            with seeding.quickly():
                call_command("seed_store", stdout=StringIO())
    if scope in (None, "", ALL):
        cache.clear()  # counters, nonces, cached rules and reference rows of the old store
    for group in groups:
        for after in group.after:
            after()
    reference.invalidate()
    if reset_clock:
        clock.reset()
    if seed is not None or reset_clock:
        clock.seed(seed)
    return Result(
        scope=[g.name for g in groups] + (["clock"] if reset_clock else []),
        seeded=reseed,
        seed=seed,
        seconds=time.perf_counter() - started,
    )
