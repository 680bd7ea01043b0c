"""Stripe's search query language (docs.stripe.com/search#search-query-language), parsed into a
predicate over wire objects.

A query is clauses joined by spaces, `AND` or `OR` (either case; a query may use AND or OR but
not both). A clause is a field, an operator and a value:

- `status:'succeeded'`: exact match, case-insensitive; a bare `null` matches a missing value;
- `email~'example'`: substring match, on string fields only, at least 3 characters;
- `amount>1000`, `>=`, `<`, `<=`, `=`: numeric comparison, on numeric fields only;
- `metadata['order_id']:'6735'`: a metadata key (`metadata['k']:null` when it is not set);
- `-currency:'usd'`: the clause negated.

Values are quoted with `'` or `"` (a backslash escapes a quote) or bare (`4242`, `1000`, `null`).
Each resource names its query fields and their types (TOKEN, STRING, NUMERIC, BOOLEAN); any other
field is refused as Stripe refuses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import errors

TOKEN = "token"  # exact match only (status, currency, ids)
STRING = "string"  # exact and substring match (email, name)
NUMERIC = "numeric"  # exact match and comparisons (amount, created)
BOOLEAN = "boolean"  # true or false (refunded, disputed)

MIN_SUBSTRING = 3
COMPARATORS = (">=", "<=", ">", "<", "=")

# Stripe's wording (these two as stripe-ruby-mock's live tests record them).
UNPARSABLE = (
    "We were unable to parse your search query. Try using the format "
    '`metadata["key"]:"value"` to query for metadata or key:"value" to query for other fields.'
)
UNSUPPORTED_FIELD = (
    "Field `{field}` is an unsupported search field for resource `{resource}`. See "
    "http://stripe.com/docs/search#query-fields-for-{anchor} for a list of supported fields."
)
# The fake's own wording for the rules Stripe documents without quoting its message.
MIXED_CONNECTIVES = (
    "We were unable to parse your search query. A query can combine clauses with AND or with "
    "OR, but not both (see http://stripe.com/docs/search#search-query-language)."
)
NO_SUBSTRING = (
    "Field `{field}` does not support substring matching (`~`): only string fields do. Use `:` "
    "for an exact match."
)
SHORT_SUBSTRING = "Substring matching (`~`) needs a value of at least 3 characters: `{value}`."
NOT_NUMERIC_FIELD = (
    "Field `{field}` does not support the numeric comparator `{operator}`: only numeric fields do."
)
NOT_A_NUMBER = "Field `{field}` is numeric, but `{value}` is not a number."

_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_BARE = re.compile(r"[^\s'\"()\[\]]+")
_CONNECTIVE = re.compile(r"(AND|OR)(?=\s)", re.IGNORECASE)


class _Unparsable(Exception):
    pass


@dataclass(frozen=True)
class Clause:
    field: str  # "status", "metadata" for a metadata key
    key: str | None  # the metadata key
    operator: str  # ":", "~", ">", ">=", "<", "<=", "="
    value: str
    quoted: bool
    negated: bool


def parse(query: str, fields: dict[str, str], *, resource: str) -> Callable[[dict], bool]:
    """A predicate over wire objects for `query`, or Stripe's invalid_request_error."""
    try:
        clauses, connective = _clauses(query)
    except _Unparsable:
        raise errors.invalid_request(UNPARSABLE, param="query") from None
    tests = [_test(clause, fields, resource) for clause in clauses]
    if connective == "OR":
        return lambda data: any(test(data) for test in tests)
    return lambda data: all(test(data) for test in tests)


# --- reading the query ---
def _clauses(query: str) -> tuple[list[Clause], str]:
    clauses: list[Clause] = []
    connectives: set[str] = set()
    position, size = 0, len(query)
    expect_clause = True
    while True:
        position = _skip_spaces(query, position)
        if position >= size:
            break
        if not expect_clause:
            match = _CONNECTIVE.match(query, position)
            if match:
                connectives.add(match[1].upper())
                position = match.end()
                expect_clause = True
                continue
            connectives.add("AND")  # clauses separated by a space are ANDed
        clause, position = _clause(query, position)
        clauses.append(clause)
        expect_clause = False
    if not clauses or expect_clause and connectives:
        raise _Unparsable  # empty, or ending with AND / OR
    if len(connectives) > 1:
        raise errors.invalid_request(MIXED_CONNECTIVES, param="query")
    return clauses, connectives.pop() if connectives else "AND"


def _skip_spaces(query: str, position: int) -> int:
    while position < len(query) and query[position].isspace():
        position += 1
    return position


def _clause(query: str, position: int) -> tuple[Clause, int]:
    negated = query.startswith("-", position)
    position += negated
    match = _FIELD.match(query, position)
    if not match:
        raise _Unparsable
    field, position = match[0], match.end()
    key = None
    if field == "metadata" and query.startswith("[", position):
        key, position = _quoted(query, position + 1)
        if not query.startswith("]", position):
            raise _Unparsable
        position += 1
    elif query.startswith("[", position):
        raise _Unparsable
    operator = next((op for op in (":", "~", *COMPARATORS) if query.startswith(op, position)), None)
    if operator is None:
        raise _Unparsable
    position += len(operator)
    if position < len(query) and query[position] in "'\"":
        value, position = _quoted(query, position)
        quoted = True
    else:
        bare = _BARE.match(query, position)
        if not bare:
            raise _Unparsable
        value, position = bare[0], bare.end()
        quoted = False
    if position < len(query) and not query[position].isspace():
        raise _Unparsable  # `status:'a'b`
    return Clause(field, key, operator, value, quoted, negated), position


def _quoted(query: str, position: int) -> tuple[str, int]:
    """The string quoted at `position` (either quote; a backslash escapes the next character)."""
    if position >= len(query) or query[position] not in "'\"":
        raise _Unparsable
    quote, position = query[position], position + 1
    chars = []
    while position < len(query):
        char = query[position]
        if char == "\\" and position + 1 < len(query):
            chars.append(query[position + 1])
            position += 2
            continue
        if char == quote:
            return "".join(chars), position + 1
        chars.append(char)
        position += 1
    raise _Unparsable  # no closing quote


# --- what each clause tests ---
def _test(clause: Clause, fields: dict[str, str], resource: str) -> Callable[[dict], bool]:
    if clause.field == "metadata":
        if clause.key is None:
            raise _unsupported(clause.field, resource)
        kind = STRING
    else:
        kind = fields.get(clause.field)
        if kind is None:
            raise _unsupported(clause.field, resource)
    test = _comparison(clause, kind)

    def lookup(data: dict):
        if clause.field == "metadata":
            return (data.get("metadata") or {}).get(clause.key)
        return _value(data, clause.field)

    if clause.negated:
        return lambda data: not test(lookup(data))
    return lambda data: test(lookup(data))


def _unsupported(field: str, resource: str) -> errors.StripeError:
    return errors.invalid_request(
        UNSUPPORTED_FIELD.format(field=field, resource=resource, anchor=resource.replace("_", "-")),
        param="query",
    )


def _value(data: dict, path: str):
    value = data
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _comparison(clause: Clause, kind: str) -> Callable[[object], bool]:
    operator, value = clause.operator, clause.value
    if operator == ":" and value.lower() == "null" and not clause.quoted:
        return lambda actual: actual is None or actual == ""
    if operator == "~":
        if kind != STRING:
            raise errors.invalid_request(NO_SUBSTRING.format(field=clause.field), param="query")
        if len(value) < MIN_SUBSTRING:
            raise errors.invalid_request(SHORT_SUBSTRING.format(value=value), param="query")
        needle = value.lower()
        return lambda actual: isinstance(actual, str) and needle in actual.lower()
    if operator in COMPARATORS or kind == NUMERIC:
        if kind != NUMERIC:
            raise errors.invalid_request(
                NOT_NUMERIC_FIELD.format(field=clause.field, operator=operator), param="query"
            )
        number = _number(value, clause.field)
        compare = {
            ":": lambda a: a == number,
            "=": lambda a: a == number,
            ">": lambda a: a > number,
            ">=": lambda a: a >= number,
            "<": lambda a: a < number,
            "<=": lambda a: a <= number,
        }[operator]
        return lambda actual: (
            isinstance(actual, int | float) and not isinstance(actual, bool) and compare(actual)
        )
    if kind == BOOLEAN:
        wanted = value.lower()
        return lambda actual: isinstance(actual, bool) and str(actual).lower() == wanted
    wanted = value.lower()
    return lambda actual: actual is not None and _text(actual).lower() == wanted


def _number(value: str, field: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise errors.invalid_request(NOT_A_NUMBER.format(field=field, value=value), param="query")
    return number


def _text(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
