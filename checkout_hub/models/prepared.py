"""A queryset shape compiled to SQL once, then run with new values: the hot reads' fast path.

Turning a queryset into SQL costs Django far more than running it: a cart read's two SELECTs
(the cart; its lines joined to their products and parents, about 140 columns) spend ~90% of
their time in the SQL compiler and ~5% in the database. A `PreparedQuery` compiles its shape
once per database connection (a thread's own) and keeps what `QuerySet.__iter__` works out
on every call (the SQL, the columns' converters, the select_related populators), so a run is one
`cursor.execute` plus building the model instances exactly as Django does. On SQLite the SQL is
also kept in the module's own `?` style and run on the database's cursor (see `_rows`), unless
queries are being logged or wrapped (debug, `assertNumQueries`, `execute_wrapper`), when it goes
through Django's cursor as any query does.

It is checked when it compiles: the parameters Django produced for the sample values must be the
ones `params()` produces for them, so a shape whose parameters `params()` does not describe is
refused at the first call instead of answering wrong rows. The tests compare its rows with the
plain queryset's, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import weakref
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import connections
from django.db.models import JSONField, QuerySet
from django.db.models.fields.json import KeyTransform
from django.db.models.query import get_related_populators
from django.db.models.signals import post_save, pre_save


class PreparedQuery:
    def __init__(
        self,
        build: Callable[..., QuerySet],
        params: Callable[..., list],
        sample: Sequence,
    ):
        """`build(*values)` makes the queryset; `params(connection, *values)` gives the SQL
        parameters for those values in the order Django binds them; `sample` is a set of values
        to compile with (the check compares both ways of getting their parameters)."""
        self.build = build
        self.params = params
        self.sample = tuple(sample)
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _compile(self, alias: str) -> tuple:
        connection = connections[alias]  # this thread's: its converters are bound to it
        queryset = self.build(*self.sample)
        compiler = queryset.query.get_compiler(using=alias)
        sql, django_params = compiler.as_sql()
        ours = self.params(connection, *self.sample)
        if list(django_params) != list(ours):
            raise ValueError(
                f"PreparedQuery parameters do not match Django's: {django_params!r} != {ours!r}"
            )
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        converters = {
            position: ([_quicker(c, expression, connection) for c in found], expression)
            for position, (found, expression) in compiler.get_converters(
                [s[0] for s in select[: compiler.col_count]]
            ).items()
        }
        populators = get_related_populators(klass_info, select, alias)
        model = klass_info["model"]
        native = _native_sql(connection, sql)
        compiled = (sql, native, compiler, converters, model, init_list, start, end, populators)
        self._compiled[connection] = compiled
        return compiled

    def fetch(self, *values, using: str = "default") -> list:
        """The model instances the queryset `build(*values)` would give, in its order."""
        connection = connections[using]
        compiled = self._compiled.get(connection) or self._compile(using)
        sql, native, compiler, converters, model, init_list, start, end, populators = compiled
        rows = _rows(connection, sql, native, self.params(connection, *values))
        if converters:
            rows = compiler.apply_converters(rows, converters)
        objects = []
        for row in rows:
            obj = model.from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


def _native_sql(connection, sql: str) -> str | None:
    """The SQL in SQLite's own parameter style, as Django's SQLite cursor converts it on every
    execute (a regex over the whole statement: a twentieth of a cart read's time); None
    elsewhere (psycopg takes Django's style as it is)."""
    if connection.vendor != "sqlite":
        return None
    from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

    return FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")


def _rows(connection, sql: str, native: str | None, params: list) -> list:
    """What `cursor.execute(sql, params)` then `fetchall()` give. With native SQL and no one
    logging or wrapping queries, the steps of Django's cursor (health check, connect, broken
    transaction check, error translation) are taken here around the database's own cursor."""
    if native is None or connection.queries_logged or connection.execute_wrappers:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            return cursor.execute(native, params).fetchall()
        finally:
            cursor.close()


# --- converters: Django's own, minus their general cases, for the two a cart row is full of ---
def _quicker(converter, expression, connection):
    """A converter giving what `converter` gives for this column, with fewer steps; or itself.
    (A cart and its lines carry ~70 JSON and datetime columns: their converters are ~7% of a
    cart read.) The rows are compared field by field with the plain queryset's in the tests."""
    function, owner = getattr(converter, "__func__", None), getattr(converter, "__self__", None)
    if (
        function is JSONField.from_db_value
        and owner.decoder is None
        and not isinstance(expression, KeyTransform)
    ):
        return _json_value
    if (
        connection.vendor == "sqlite"
        and function is getattr(type(connection.ops), "convert_datetimefield_value", None)
        and settings.USE_TZ
        and connection.timezone is dt.UTC
    ):
        return _sqlite_utc_datetime
    return converter


def _json_value(value, expression, connection):
    # JSONField.from_db_value for a column (no decoder, no key transform).
    if value is None:
        return None
    if value == "{}":
        return {}
    if value == "[]":
        return []
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def _sqlite_utc_datetime(value, expression, connection):
    # SQLite's convert_datetimefield_value with USE_TZ on a UTC connection.
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return connection.ops.convert_datetimefield_value(value, expression, connection)
    return value if value.utcoffset() is not None else value.replace(tzinfo=dt.UTC)


# --- saving a few fields of a row: save(update_fields=...) without compiling it each time ---
_UPDATE_SQL: dict[tuple, str] = {}


def save_fields(instance, names: Sequence[str], using: str = "default") -> None:
    """`instance.save(update_fields=names)` as one UPDATE by primary key whose SQL is made once
    per model and fields (Django compiles the statement on every save: most of a small save's
    cost). Each field's pre_save runs as in save() (auto-updated timestamps); the model's own
    save() method does not, so callers use this only where it adds nothing for these fields. A
    model with pre_save/post_save receivers, or a row that is not there, goes through save()."""
    model = type(instance)
    if (
        instance.pk is None
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
        or model._meta.parents
    ):
        instance.save(update_fields=names)
        return
    connection = connections[using]
    fields = [model._meta.get_field(name) for name in names]
    key = (model, tuple(names), connection.vendor)
    sql = _UPDATE_SQL.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        sql = _UPDATE_SQL[key] = "UPDATE {} SET {} WHERE {} = %s".format(
            quote(model._meta.db_table),
            ", ".join(f"{quote(f.column)} = %s" for f in fields),
            quote(model._meta.pk.column),
        )
    values = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in fields]
    pk = model._meta.pk.get_db_prep_value(instance.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, pk])
        updated = cursor.rowcount
    if not updated:
        instance.save(update_fields=names)  # Django's own error for a row that is gone
