"""Rendering read-only output with DRF serializers without building them again per request.

A DRF serializer deep-copies its declared fields and binds them every time one is created, and
a reply made of nested serializers creates dozens. Output does not need a fresh serializer:
`to_representation` depends only on the instance and the context. So `represent()` keeps one
instance of each serializer class per thread, with its field tree built once, and hands it the
call's context. The output is exactly what `Serializer(instance, context=...).data` gives
(the wire tests compare them); serializers that validate input are created as usual.

A serializer used this way must not keep per-call state on itself (none of the vendors' output
serializers do: they read `self.context`, the instance, and their fields).
"""

from __future__ import annotations

import threading

_templates = threading.local()


def represent(serializer_class, instance, context: dict, *, many: bool = False):
    """`serializer_class(instance, context=context, many=many).data`, from a reused serializer."""
    pool = _templates.__dict__.setdefault("pool", {})
    template = pool.pop(serializer_class, None)  # taken: a nested call of the class makes its own
    if template is None:
        template = serializer_class(context=context)
    template._context = context
    try:
        if many:
            return [template.to_representation(item) for item in instance]
        return template.to_representation(instance)
    finally:
        template._context = {}
        pool[serializer_class] = template
