"""Rendering read-only output with DRF serializers without building them again per request.

A DRF serializer deep-copies its declared fields and binds them every time one is created, and
a reply made of nested serializers creates dozens. Output does not need a fresh serializer:
`to_representation` depends only on the instance and the context. So `represent()` keeps one
instance of each serializer class per thread, with its field tree built once, and hands it the
call's context. The output is exactly what `Serializer(instance, context=...).data` gives
(the wire tests compare them); serializers that validate input are created as usual.

A serializer used this way must not keep per-call state on itself (none of the vendors' output
serializers do: they read `self.context`, the instance, and their fields).

A kept serializer (and every serializer nested in it) whose class uses DRF's own
`Serializer.to_representation` gets `fields_loop` in its place: the same loop over a list of
its readable fields made once, reading a plain attribute or key chain inline instead of through
`Field.get_attribute` (two calls, an ABC check and a callable check per field). Anything else
(a callable, a missing attribute, a field with its own get_attribute) is left to DRF's code, so
defaults, SkipField and error messages are DRF's.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject

_templates = threading.local()


def represent(serializer_class, instance, context: dict, *, many: bool = False):
    """`serializer_class(instance, context=context, many=many).data`, from a reused serializer."""
    pool = _templates.__dict__.setdefault("pool", {})
    template = pool.pop(serializer_class, None)  # taken: a nested call of the class makes its own
    if template is None:
        template = serializer_class(context=context)
        install_fields_loop(template)
    template._context = context
    try:
        if many:
            return [template.to_representation(item) for item in instance]
        return template.to_representation(instance)
    finally:
        template._context = {}
        pool[serializer_class] = template


# --- DRF's Serializer.to_representation, with its field list made once ---
class _Slow(Exception):
    """The inline lookup met something only Field.get_attribute handles exactly."""


def readable_plan(serializer) -> tuple:
    """(field name, field, source attrs or None) for each readable field, in order; None:
    the field's own get_attribute must run."""
    plan = []
    for field in serializer._readable_fields:
        inline = type(field).get_attribute is Field.get_attribute
        plan.append((field.field_name, field, tuple(field.source_attrs) if inline else None))
    return tuple(plan)


def attribute_for(field, attrs, instance):
    """What `field.get_attribute(instance)` returns (raises SkipField as it does)."""
    if attrs is not None:
        value = instance
        try:
            for attr in attrs:
                if type(value) is dict or isinstance(value, Mapping):
                    value = value[attr]
                else:
                    value = getattr(value, attr)
                if callable(value):
                    raise _Slow
            return value
        except (_Slow, KeyError, AttributeError, ObjectDoesNotExist):
            pass  # DRF's own code decides: a default, SkipField, None, or its error
    return field.get_attribute(instance)


def fields_loop(plan: tuple, instance) -> dict:
    """Serializer.to_representation over `plan` (readable_plan)."""
    ret = {}
    for name, field, attrs in plan:
        try:
            attribute = attribute_for(field, attrs, instance)
        except SkipField:
            continue
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        ret[name] = None if check is None else field.to_representation(attribute)
    return ret


def install_fields_loop(serializer) -> None:
    """Give `serializer` and every serializer nested in it the fields loop, where their class
    uses DRF's own to_representation."""
    stack = [serializer]
    while stack:
        current = stack.pop()
        if isinstance(current, serializers.ListSerializer):
            stack.append(current.child)
            continue
        if not isinstance(current, serializers.Serializer):
            continue
        if type(current).to_representation is serializers.Serializer.to_representation:
            current.to_representation = functools.partial(fields_loop, readable_plan(current))
        stack.extend(current.fields.values())
