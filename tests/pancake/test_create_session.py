"""`POST /v1/actions/checkout/create-session` at the HTTP boundary: the three credentials, the
reply, every error row of the seed with its exact message, the fields Store Slug ignores, the
session locks and the TTL."""

import datetime as dt
import re

import pytest

from checkout_hub import clock
from checkout_hub.models import CheckoutSession
from pancake.models import ProductPrice

from .conftest import CREATE, compact, error_of

SESSION_ID = re.compile(r"^cs_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_api_key_creates_a_session(api, shop):
    with clock.frozen(dt.datetime(2026, 1, 22, 9, 45, tzinfo=dt.UTC)):
        reply = api.signed(CREATE, {"productId": shop.onetime.short_id, "currency": "USD"})
        assert reply.status_code == 200
        body = reply.json()
        assert list(body) == ["data"]
        data = body["data"]
        assert list(data) == ["sessionId", "checkoutUrl", "expiresAt"]
        assert SESSION_ID.match(data["sessionId"])
        assert (
            data["checkoutUrl"] == f"http://hub.test/store/acme-store/checkout/{data['sessionId']}"
        )
        assert data["expiresAt"] == "2026-01-22T10:30:00.000Z"  # 2700 s default
    session = CheckoutSession.objects.get(public_id=data["sessionId"])
    assert session.vendor == "pancake"
    assert session.snapshot["data"]["environment"] == "test"
    assert session.total == 2900


def test_prod_key_makes_a_prod_session(api, shop):
    reply = api.signed(
        CREATE,
        {"productId": shop.onetime.short_id, "currency": "USD"},
        private_key=shop.prod_private_key,
    )
    assert reply.status_code == 200
    session = CheckoutSession.objects.get(public_id=reply.json()["data"]["sessionId"])
    assert session.snapshot["data"]["environment"] == "prod"


def test_store_slug_creates_a_session(api, shop):
    reply = api.slug(CREATE, {"productId": shop.onetime.short_id, "currency": "EUR"})
    assert reply.status_code == 200, reply.json()
    session = CheckoutSession.objects.get(public_id=reply.json()["data"]["sessionId"])
    assert session.currency == "EUR" and session.total == 2700


def test_x_context_environment_is_accepted(api, shop):
    reply = api.slug(
        CREATE,
        {"productId": shop.onetime.short_id, "currency": "USD"},
        env=None,
        HTTP_X_CONTEXT_ENVIRONMENT="test",
    )
    assert reply.status_code == 200


def test_bearer_token_creates_a_session_for_its_buyer(api, shop):
    token = api.token("  Buyer@Example.COM ")
    reply = api.bearer(CREATE, {"productId": shop.onetime.short_id, "currency": "USD"}, token)
    assert reply.status_code == 200, reply.json()
    session = CheckoutSession.objects.get(public_id=reply.json()["data"]["sessionId"])
    assert session.snapshot["data"]["buyer_identity"] == "buyer@example.com"
    assert session.snapshot["data"]["credential"] == "session_token"


def test_bearer_token_expires_after_five_minutes(api, shop):
    token = api.token()
    clock.advance(301)
    reply = api.bearer(CREATE, {"productId": shop.onetime.short_id, "currency": "USD"}, token)
    assert error_of(reply) == (401, "Token has expired", "user")


def test_bearer_token_is_extended_by_each_call(api, shop):
    token = api.token()
    body = {"productId": shop.onetime.short_id, "currency": "USD"}
    clock.advance(240)
    assert api.bearer(CREATE, body, token).status_code == 200
    clock.advance(240)  # 480 s after issue, 240 s after the last call
    assert api.bearer(CREATE, body, token).status_code == 200
    clock.advance(301)
    assert error_of(api.bearer(CREATE, body, token)) == (401, "Token has expired", "user")


def test_tampered_bearer_token_is_unauthorized(api, shop):
    token = api.token()
    reply = api.bearer(CREATE, {"productId": shop.onetime.short_id, "currency": "USD"}, token + "x")
    assert error_of(reply) == (401, "Unauthorized", "user")


# --- the seed's error table, row by row ---
def test_missing_environment_header_under_store_slug(api, shop):
    reply = api.slug(CREATE, {"productId": shop.onetime.short_id, "currency": "USD"}, env=None)
    assert error_of(reply) == (400, "Missing or invalid header: x-context-environment", "gateway")


@pytest.mark.parametrize("env", ["", "live", "TEST", "production"])
def test_invalid_environment_header(api, shop, env):
    reply = api.slug(CREATE, {"productId": shop.onetime.short_id, "currency": "USD"}, env=env)
    assert error_of(reply)[:2] == (400, "Missing or invalid header: x-context-environment")


def test_bearer_without_environment_header(api, shop):
    token = api.token()
    reply = api.bearer(CREATE, {"productId": shop.onetime.short_id}, token, env=None)
    assert error_of(reply)[:2] == (400, "Missing or invalid header: x-context-environment")


@pytest.mark.parametrize("raw", [b"{", b"not json", b"", b"[1, 2]", b'"x"', b"\xff\xfe"])
def test_invalid_json_body(api, raw):
    assert error_of(api.signed(CREATE, None, raw=raw)) == (400, "Invalid JSON body", "gateway")
    assert error_of(api.slug(CREATE, None, raw=raw))[:2] == (400, "Invalid JSON body")


@pytest.mark.parametrize(
    "body, message",
    [
        ({}, "Missing required fields: productId, currency"),
        ({"productId": "", "currency": ""}, "Missing required fields: productId, currency"),
        ({"productId": "PROD_x"}, "Missing required fields: currency"),
        ({"currency": "USD"}, "Missing required fields: productId"),
    ],
)
def test_missing_required_fields(api, body, message):
    assert error_of(api.signed(CREATE, body))[:2] == (400, message)


@pytest.mark.parametrize("currency", ["usd", "US", "USDX", "12A", 840])
def test_invalid_currency_format(api, shop, currency):
    reply = api.signed(CREATE, {"productId": shop.onetime.short_id, "currency": currency})
    assert error_of(reply)[:2] == (
        400,
        f'Invalid currency format: "{currency}". Must be 3 uppercase letters '
        '(e.g., "USD", "EUR", "JPY")',
    )


@pytest.mark.parametrize(
    "detail",
    [
        {"country": "US", "isBusiness": False},  # no state for US
        {"country": "CA", "isBusiness": False, "state": " "},
        {"country": "us", "isBusiness": False, "state": "NY"},
        {"country": "GB"},
        {"country": "GB", "isBusiness": "no"},
        {"country": "GB", "isBusiness": True},  # no businessName
        {"country": "DE", "isBusiness": True, "businessName": "GmbH"},  # EU business, no taxId
        "US",
    ],
)
def test_invalid_billing_detail(api, shop, detail):
    body = {"productId": shop.onetime.short_id, "currency": "USD", "billingDetail": detail}
    assert error_of(api.signed(CREATE, body))[:2] == (400, "Invalid billingDetail")


def test_valid_billing_details_pass(api, shop):
    for detail in (
        {"country": "US", "isBusiness": False, "state": "NY", "postcode": "10001"},
        {"country": "DE", "isBusiness": True, "businessName": "Acme GmbH", "taxId": "DE123"},
        {"country": "GB", "isBusiness": True, "businessName": "Acme Ltd"},
        {"country": "JP", "isBusiness": False},
    ):
        body = {"productId": shop.onetime.short_id, "currency": "USD", "billingDetail": detail}
        assert api.signed(CREATE, body).status_code == 200, detail


@pytest.mark.parametrize(
    "product_id", ["PROD_short", "prod_7J3K5L8M2N4P6Q9R", "ORD_" + "a" * 22, 5]
)
def test_product_id_short_id_format(api, product_id):
    reply = api.signed(CREATE, {"productId": product_id, "currency": "USD"})
    assert error_of(reply)[:2] == (400, f'Expected format: PROD_xxx, got "{product_id}"')


def test_order_merchant_external_id_rules(api, shop):
    base = {"productId": shop.onetime.short_id, "currency": "USD"}
    reply = api.signed(CREATE, {**base, "orderMerchantExternalId": "   "})
    assert error_of(reply)[:2] == (400, "orderMerchantExternalId must not be empty")
    reply = api.signed(CREATE, {**base, "orderMerchantExternalId": "x" * 129})
    assert error_of(reply)[:2] == (400, "orderMerchantExternalId must be at most 128 characters")
    assert api.signed(CREATE, {**base, "orderMerchantExternalId": "x" * 128}).status_code == 200


def test_currency_not_supported_for_product(api, shop):
    reply = api.signed(CREATE, {"productId": shop.onetime.short_id, "currency": "GBP"})
    assert error_of(reply)[:2] == (400, "Currency GBP is not supported for this product")


def test_unsigned_or_badly_signed_requests_are_unauthorized(api, client, shop, other_key_pair):
    body = {"productId": shop.onetime.short_id, "currency": "USD"}
    assert error_of(client.post(CREATE, compact(body), content_type="application/json")) == (
        401,
        "Unauthorized",
        "user",
    )
    assert error_of(api.signed(CREATE, body, private_key=other_key_pair[0]))[:2] == (
        401,
        "Unauthorized",
    )
    assert error_of(api.signed(CREATE, body, merchant_id="MER_" + "0" * 22))[:2] == (
        401,
        "Unauthorized",
    )


def test_store_not_active(api, shop):
    shop.store.status = "inactive"
    shop.store.save()
    body = {"productId": shop.onetime.short_id, "currency": "USD"}
    assert error_of(api.signed(CREATE, body)) == (403, "Store is not active", "store")
    assert error_of(api.slug(CREATE, body))[:2] == (403, "Store is not active")


def test_store_not_approved_for_prod(api, shop):
    shop.store.prod_enabled = False
    shop.store.save()
    body = {"productId": shop.onetime.short_id, "currency": "USD"}
    assert error_of(api.slug(CREATE, body, env="prod"))[:2] == (
        403,
        "Store is not approved for production payments",
    )
    reply = api.signed(CREATE, body, private_key=shop.prod_private_key)
    assert error_of(reply)[:2] == (403, "Store is not approved for production payments")
    assert api.slug(CREATE, body, env="test").status_code == 200


def test_product_of_another_store(api, shop):
    from pancake.models import Merchant, Store

    from .conftest import make_product

    other = Store.objects.create(
        merchant=Merchant.objects.create(name="Other"), name="Other", slug="other"
    )
    foreign = make_product(other, "onetime", "Foreign", {"USD": 100})
    body = {"productId": foreign.short_id, "currency": "USD"}
    assert error_of(api.slug(CREATE, body))[:2] == (403, "Product does not belong to this store")
    assert error_of(api.signed(CREATE, body))[:2] == (403, "Product does not belong to this store")


def test_store_not_found(api, shop):
    body = {"productId": shop.onetime.short_id, "currency": "USD"}
    assert error_of(api.slug(CREATE, body, slug="no-such-store")) == (
        404,
        "Store not found",
        "store",
    )


def test_product_not_found(api):
    reply = api.signed(CREATE, {"productId": "PROD_" + "Z" * 22, "currency": "USD"})
    assert error_of(reply) == (404, "Product not found", "product")


def test_product_not_active_for_environment(api, shop):
    shop.onetime.active_prod = False
    shop.onetime.save()
    body = {"productId": shop.onetime.short_id, "currency": "USD"}
    assert error_of(api.slug(CREATE, body, env="prod"))[:2] == (
        404,
        "Product not found or not active for this environment",
    )
    shop.onetime.versions.update(status="inactive")
    assert error_of(api.slug(CREATE, body, env="test"))[:2] == (
        404,
        "Product not found or not active for this environment",
    )


def test_internal_error_is_the_envelope(api, shop, monkeypatch):
    from pancake import sessions

    def boom(*a, **k):
        raise RuntimeError("kaput")

    monkeypatch.setattr(sessions, "create", boom)
    reply = api.signed(CREATE, {"productId": shop.onetime.short_id, "currency": "USD"})
    assert error_of(reply) == (500, "Internal server error", "gateway")


# --- fields ---
def test_store_slug_ignores_merchant_only_fields(api, shop):
    body = {
        "productId": shop.subscription.short_id,
        "currency": "USD",
        "priceSnapshot": {"amount": "0.01", "taxCategory": "saas"},
        "expiresInSeconds": 60,
        "metadata": {"tamper": "yes"},
        "orderMerchantExternalId": "",  # would be a 400 under an API Key
        "withTrial": False,
    }
    with clock.frozen(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)):
        reply = api.slug(CREATE, body)
        assert reply.status_code == 200, reply.json()
        assert reply.json()["data"]["expiresAt"] == "2026-03-01T00:45:00.000Z"
    session = CheckoutSession.objects.get(public_id=reply.json()["data"]["sessionId"])
    data = session.snapshot["data"]
    assert data["price_info"]["amount"] == "9.99" and data["price_info"]["source"] == "product"
    assert session.metadata == {}
    assert data["order_merchant_external_id"] is None
    assert data["with_trial"] is True  # the product's 7-day trial, withTrial ignored


def test_api_key_fields_are_honoured(api, shop):
    with clock.frozen(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)):
        data = api.session(
            priceSnapshot={"amount": "19.50", "taxCategory": "software", "taxIncluded": False},
            expiresInSeconds=600,
            metadata={"plan": "pro"},
            orderMerchantExternalId=" ext-1 ",
            buyerEmail="  Foo@Bar.COM ",
            successUrl="https://merchant.example/thanks",
            darkMode=True,
        )
        assert data["expiresAt"] == "2026-03-01T00:10:00.000Z"
    session = CheckoutSession.objects.get(public_id=data["sessionId"])
    locked = session.snapshot["data"]
    assert session.total == 1950
    assert locked["price_info"] == {
        "amount": "19.50",
        "currency": "USD",
        "taxCategory": "software",
        "taxIncluded": False,
        "source": "priceSnapshot",
    }
    assert session.buyer_email == "foo@bar.com"
    assert session.metadata == {"plan": "pro"}
    assert locked["order_merchant_external_id"] == "ext-1"
    assert locked["dark_mode"] is True
    assert session.success_url == "https://merchant.example/thanks"


@pytest.mark.parametrize(
    "field, value",
    [
        ("expiresInSeconds", 0),
        ("expiresInSeconds", -5),
        ("expiresInSeconds", "60"),
        ("expiresInSeconds", True),
        ("priceSnapshot", {"amount": 19.5, "taxCategory": "saas"}),
        ("priceSnapshot", {"amount": "19.50", "taxCategory": "food"}),
        ("priceSnapshot", {"amount": "-1", "taxCategory": "saas"}),
        ("darkMode", "yes"),
        ("withTrial", 1),
        ("metadata", ["a"]),
        ("buyerEmail", 5),
        ("successUrl", "javascript:alert(1)"),
        ("language", "xx"),
        ("includePaymentMethods", ["card", "cash"]),
    ],
)
def test_invalid_optional_fields_are_400(api, shop, field, value):
    body = {"productId": shop.onetime.short_id, "currency": "USD", field: value}
    status, message, _ = error_of(api.signed(CREATE, body))
    assert status == 400 and message


def test_jpy_price_has_no_decimals(api, shop):
    data = api.session(currency="JPY")
    session = CheckoutSession.objects.get(public_id=data["sessionId"])
    assert session.snapshot["data"]["price_info"]["amount"] == "4500"


def test_session_locks_survive_price_and_name_changes(api, shop):
    data = api.session(buyerEmail="a@b.co", billingDetail={"country": "JP", "isBusiness": False})
    version = shop.onetime.versions.get()
    ProductPrice.objects.filter(version=version, currency="USD").update(amount=9900)
    version.name = "Renamed"
    version.save()
    shop.store.name = "New Name"
    shop.store.save()
    session = CheckoutSession.objects.get(public_id=data["sessionId"])
    locked = session.snapshot["data"]
    assert session.total == 2900
    assert locked["price_info"]["amount"] == "29.00"
    assert locked["product_name"] == "Pro License"
    assert locked["store_name"] == "Acme Store"
    assert locked["product_version_id"] == str(version.public_id)
    assert session.snapshot["billing_detail"] == {"country": "JP", "isBusiness": False}
    # a new session sees the new price
    assert CheckoutSession.objects.get(public_id=api.session()["sessionId"]).total == 9900


def test_subscription_locks_billing_period_and_trial(api, shop):
    data = api.session(productId=shop.subscription.short_id, withTrial=False)
    locked = CheckoutSession.objects.get(public_id=data["sessionId"]).snapshot["data"]
    assert locked["billing_period"] == "monthly"
    assert locked["with_trial"] is False
    data = api.session(productId=shop.subscription.short_id)
    session = CheckoutSession.objects.get(public_id=data["sessionId"])
    assert session.snapshot["data"]["trial_days"] == 7
    assert session.total == 0  # the trial's first charge


def test_subscription_currency_whitelist(api, shop):
    from pancake.models import ProductPrice as Price

    Price.objects.create(
        version=shop.subscription.versions.get(), currency="CNY", amount=100, tax_category="saas"
    )
    reply = api.signed(CREATE, {"productId": shop.subscription.short_id, "currency": "CNY"})
    assert error_of(reply)[:2] == (400, "Currency CNY is not supported for this product")


def test_get_is_405_in_the_envelope(client, db):
    reply = client.get(CREATE)
    assert reply.status_code == 405
    assert reply.json()["errors"][0]["layer"] == "gateway"


def test_unknown_route_is_404_in_the_envelope(client, db):
    reply = client.post("/v1/actions/nothing/here", b"{}", content_type="application/json")
    assert error_of(reply)[:2] == (404, "Not found")
