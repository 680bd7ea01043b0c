"""Stripe's v1 form encoding, decoded into nested dicts and lists.

The SDK sends `metadata[order_id]=42`, `payment_method_types[0]=card` and `expand[0]=x` (brackets
unescaped); older clients send `expand[]=x`. Every value stays a string: the endpoint that reads
a parameter decides whether it is an integer, a boolean or an enum.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

_NAME = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")  # name[a][b][]
_SUBSCRIPT = re.compile(r"\[([^\[\]]*)\]")


def decode(text: str) -> dict:
    """`a[b][0]=x&c=y` -> {"a": {"b": ["x"]}, "c": "y"}. A dict whose keys are all indexes
    becomes a list in index order; `key[]` appends."""
    root: dict = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        match = _NAME.match(name)
        parts = [match[1], *_SUBSCRIPT.findall(match[2])] if match else [name]
        _insert(root, parts, value)
    return _with_lists(root)


def _insert(node: dict, parts: list[str], value: str) -> None:
    *path, last = parts
    for part in path:
        part = part or str(len(node))
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[last or str(len(node))] = value


def _with_lists(value):
    if not isinstance(value, dict):
        return value
    items = {key: _with_lists(child) for key, child in value.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items
