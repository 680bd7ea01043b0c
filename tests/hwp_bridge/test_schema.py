"""The OpenAPI schema documents the bridge's routes, every checkout-session status with its
error codes, and generates without a warning about them."""

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from tests.hwp_bridge.conftest import BASE

CHECKOUT_CODES = {
    "200": set(),
    "401": {"NOT_AUTHENTICATED"},
    "402": {"CHECKOUT_FAILED"},
    "403": {"CSRF_FAILED"},
    "405": {"METHOD_NOT_ALLOWED"},
    "409": {"CHECKOUT_FAILED", "IDEMPOTENCY_KEY_REUSE_CONFLICT"},
    "413": {"REQUEST_TOO_LARGE"},
    "415": {"UNSUPPORTED_MEDIA_TYPE"},
    "422": {"VALIDATION_FAILED"},
    "429": {"RATE_LIMITED"},
    "500": {"INTERNAL_ERROR"},
    "501": {"CHECKOUT_NOT_IMPLEMENTED"},
    "502": {"CHECKOUT_FAILED"},
    "503": {"CHECKOUT_DISABLED", "CHECKOUT_STRIPE_NOT_CONFIGURED"},
}


def generate(urlconf=None) -> tuple[dict, list[str]]:
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    warnings = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    return schema, warnings


def test_the_bridge_generates_without_warnings(db):
    schema, warnings = generate("hwp_bridge.urls")
    assert warnings == []
    assert len(schema["paths"]) == 4


def test_routes_are_documented(db):
    schema, _ = generate()
    paths = {p: set(ops) for p, ops in schema["paths"].items() if p.startswith(BASE)}
    assert paths == {
        f"{BASE}/store/checkout-session": {"post"},
        f"{BASE}/store/wc/cart": {"get"},
        f"{BASE}/nonce": {"get"},
        f"{BASE}/health": {"get"},
    }


def test_every_checkout_status_and_code_is_documented(db):
    schema, _ = generate()
    responses = schema["paths"][f"{BASE}/store/checkout-session"]["post"]["responses"]
    assert set(responses) == set(CHECKOUT_CODES)
    for status, codes in CHECKOUT_CODES.items():
        examples = responses[status]["content"]["application/json"]["examples"].values()
        if codes:
            assert {e["value"]["error"]["code"] for e in examples} == codes, status


def test_the_schema_endpoint_renders(client, db):
    reply = client.get("/__hub/schema/", HTTP_ACCEPT="application/json")
    assert reply.status_code == 200
    assert f"{BASE}/store/checkout-session" in reply.json()["paths"]
