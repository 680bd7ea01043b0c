"""represent(): the output of a fresh serializer, from one reused per thread."""

import threading

from rest_framework import serializers

from checkout_hub.api.representation import represent


class Child(serializers.Serializer):
    name = serializers.CharField()
    currency = serializers.SerializerMethodField()

    def get_currency(self, obj):
        return self.context["currency"]


class Parent(serializers.Serializer):
    id = serializers.IntegerField()
    children = Child(many=True)
    again = serializers.SerializerMethodField()

    def get_again(self, obj):
        # A nested call of another class, and of this one, inside a render.
        inner = [represent(Child, c, self.context) for c in obj["children"]]
        nested = represent(Parent, obj["inner"], self.context) if obj.get("inner") else None
        return {"children": inner, "nested": nested}


def thing(n, inner=None):
    return {"id": n, "children": [{"name": f"c{n}"}, {"name": f"d{n}"}], "inner": inner}


def test_the_output_is_what_a_fresh_serializer_gives():
    obj = thing(1, inner=thing(2))
    context = {"currency": "USD"}
    assert represent(Parent, obj, context) == Parent(obj, context=context).data
    many = [thing(3), thing(4)]
    assert (
        represent(Parent, many, context, many=True) == Parent(many, many=True, context=context).data
    )


def test_each_call_sees_its_own_context():
    assert represent(Child, {"name": "a"}, {"currency": "EUR"})["currency"] == "EUR"
    assert represent(Child, {"name": "a"}, {"currency": "JPY"})["currency"] == "JPY"


def test_threads_do_not_share_a_context():
    seen, barrier = {}, threading.Barrier(4)

    def render(code):
        barrier.wait()
        seen[code] = [represent(Parent, thing(i), {"currency": code}) for i in range(200)]

    threads = [threading.Thread(target=render, args=(c,)) for c in ("USD", "EUR", "GBP", "JPY")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for code, outputs in seen.items():
        assert {c["currency"] for o in outputs for c in o["children"]} == {code}
