"""WordPress's request parameters: how a REST route reads its query string and body."""

from __future__ import annotations

import re

from rest_framework.exceptions import ParseError

_KEY = re.compile(r"([^\[\]]+)((?:\[[^\]]*\])*)")


def read_params(request) -> dict:
    """Query string and body as WordPress sees them: `a[]=1&a[]=2` and `a[0]=1` make lists, a
    repeated plain key keeps its last value, and the body wins. A body that is not an object
    is a ParseError (the vendor renders it as its invalid-JSON error)."""
    data: dict = {}
    for key, values in request.query_params.lists():
        match = _KEY.fullmatch(key)
        if not match:
            continue
        name, brackets = match.groups()
        if brackets:
            current = data.get(name)
            data[name] = (current if isinstance(current, list) else []) + list(values)
        else:
            data[name] = values[-1]
    body = request.data
    if hasattr(body, "dict"):
        body = body.dict()
    if isinstance(body, dict):
        data.update(body)
    elif body:
        raise ParseError("The request body is not a JSON object.")
    return data
