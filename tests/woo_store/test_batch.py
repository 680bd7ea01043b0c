"""POST /wp-json/wc/store/v1/batch: the 207 envelope, sub-requests through the real cart routes
(sharing a cart by Cart-Token or cookie), per-sub-request nonce errors, and WordPress's
argument and path validation of the batch itself."""

import json

import pytest
from django.test import override_settings

from checkout_hub.services import cart as cart_service
from tests.factories import CouponFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = "/wp-json/wc/store/v1"
BATCH = f"{BASE}/batch"
BATCH_HEADERS = ("Nonce", "X-WC-Store-API-Nonce", "Nonce-Timestamp", "User-ID")


def batch(client, payload, **extra):
    """POST /batch as a headless client does: the Cart-Token its sub-requests carry rides on
    the batch request too (only the batch's own token waives the sub-requests' nonce)."""
    tokens = {
        sub.get("headers", {}).get("Cart-Token")
        for sub in payload.get("requests", [])
        if isinstance(sub, dict) and isinstance(sub.get("headers"), dict)
    } - {None}
    if len(tokens) == 1 and "HTTP_CART_TOKEN" not in extra:
        extra["HTTP_CART_TOKEN"] = tokens.pop()
    return client.post(BATCH, data=json.dumps(payload), content_type="application/json", **extra)


def cart_token(client) -> str:
    return client.get(f"{BASE}/cart").headers["Cart-Token"]


def add(product, token=None, **extra) -> dict:
    sub = {"path": "/wc/store/v1/cart/add-item", "body": {"id": product.pk, "quantity": 1}}
    if token:
        sub["headers"] = {"Cart-Token": token}
    sub.update(extra)
    return sub


def test_two_add_items_share_the_cart_by_token(client):
    first, second = ProductFactory(), ProductFactory()
    token = cart_token(client)

    reply = batch(client, {"requests": [add(first, token), add(second, token)]})

    assert reply.status_code == 207
    data = reply.json()
    assert list(data) == ["responses"]
    assert [r["status"] for r in data["responses"]] == [201, 201]
    for envelope in data["responses"]:
        assert list(envelope) == ["body", "status", "headers"]
        assert envelope["headers"]["Cart-Token"]  # each sub-reply has its own session headers
    # The second sub-request saw the first one's line.
    assert [i["id"] for i in data["responses"][1]["body"]["items"]] == [first.pk, second.pk]

    cart = client.get(f"{BASE}/cart", HTTP_CART_TOKEN=token).json()
    assert sorted(i["id"] for i in cart["items"]) == sorted([first.pk, second.pk])
    assert cart["items_count"] == 2


def test_batch_reply_headers_without_cart_token(client):
    product = ProductFactory()
    reply = batch(client, {"requests": [add(product, cart_token(client))]})

    assert reply.status_code == 207
    for name in BATCH_HEADERS:
        assert reply.headers.get(name), name
    assert reply.headers["Nonce"] == reply.headers["X-WC-Store-API-Nonce"]
    assert len(reply.headers["Nonce"]) == 10
    assert reply.headers["User-ID"] == "0"
    assert "Cart-Token" not in reply.headers
    assert "Cart-Hash" not in reply.headers


def test_logged_in_user_reaches_the_sub_requests(client):
    user = UserFactory()
    client.force_login(user)
    product = ProductFactory()

    reply = batch(client, {"requests": [add(product, cart_token(client))]})

    (envelope,) = reply.json()["responses"]
    assert envelope["status"] == 201
    assert envelope["headers"]["User-ID"] == str(user.pk)
    assert reply.headers["User-ID"] == str(user.pk)


def test_sub_requests_share_the_batch_cart_token_and_its_nonce_waiver(client):
    product = ProductFactory()
    token = cart_token(client)

    reply = batch(client, {"requests": [add(product), add(product)]}, HTTP_CART_TOKEN=token)

    assert reply.status_code == 207
    # Both sub-requests work on the batch's Cart-Token session, which waives their nonce.
    assert [r["status"] for r in reply.json()["responses"]] == [201, 201]
    assert reply.json()["responses"][1]["body"]["items_count"] == 2


def test_cart_token_only_in_a_sub_request_does_not_waive_the_nonce(client):
    product = ProductFactory()
    token = cart_token(client)
    payload = {"requests": [add(product, token)]}

    reply = client.post(BATCH, data=json.dumps(payload), content_type="application/json")

    assert reply.status_code == 207
    (missing,) = reply.json()["responses"]
    assert missing["status"] == 401
    assert missing["body"]["code"] == "woocommerce_rest_missing_nonce"
    assert missing["headers"]["Nonce"]  # the client can retry with it
    assert client.get(f"{BASE}/cart", HTTP_CART_TOKEN=token).json()["items_count"] == 0


def test_cookie_session_with_nonce_headers(client):
    """A browser client: the session cookie rides on the batch, each sub-request sends the
    Nonce from the last reply; the batch's own Nonce stays valid for that session."""
    first, second = ProductFactory(), ProductFactory()
    nonce = client.get(f"{BASE}/cart").headers["Nonce"]  # also sets the session cookie

    reply = batch(
        client,
        {
            "requests": [
                add(first, headers={"Nonce": nonce}),
                add(second, headers={"Nonce": nonce}),
            ]
        },
    )

    assert [r["status"] for r in reply.json()["responses"]] == [201, 201]
    cart = client.get(f"{BASE}/cart").json()
    assert sorted(i["id"] for i in cart["items"]) == sorted([first.pk, second.pk])
    # The batch nonce is the session's nonce: a plain request accepts it.
    follow = client.post(
        f"{BASE}/cart/add-item",
        data=json.dumps({"id": first.pk, "quantity": 1}),
        content_type="application/json",
        HTTP_NONCE=reply.headers["Nonce"],
    )
    assert follow.status_code == 201


def test_first_sub_request_starts_the_cookie_session_for_the_next(client):
    """Without any session yet, the cookie the first sub-reply sets is sent by the later ones
    and passed on to the batch reply (nonce checks off, as a test store might run)."""
    product = ProductFactory()

    with override_settings(WOO_STORE_DISABLE_NONCE_CHECK=True):
        reply = batch(client, {"requests": [add(product), add(product)]})

    responses = reply.json()["responses"]
    assert [r["body"]["items_count"] for r in responses] == [1, 2]
    assert client.get(f"{BASE}/cart").json()["items_count"] == 2  # the cookie came back


def test_add_update_and_apply_coupon_in_sequence(client):
    product = ProductFactory(regular_price=1000)
    CouponFactory(code="tenoff", amount=10)
    token = cart_token(client)
    key = cart_service.line_key(product.pk, 0, {}, [])
    headers = {"Cart-Token": token}

    reply = batch(
        client,
        {
            "requests": [
                add(product, token),
                {
                    "path": "/wc/store/v1/cart/update-item",
                    "body": {"key": key, "quantity": 3},
                    "headers": headers,
                },
                {
                    "method": "POST",
                    "path": "/wc/store/v1/cart/apply-coupon",
                    "body": {"code": "tenoff"},
                    "headers": headers,
                },
            ]
        },
    )

    statuses = [r["status"] for r in reply.json()["responses"]]
    assert statuses == [201, 200, 200]
    final = reply.json()["responses"][2]["body"]
    assert final["items"][0]["quantity"] == 3
    assert [c["code"] for c in final["coupons"]] == ["tenoff"]
    assert final["totals"]["total_discount"] == "300"


def test_paths_may_carry_a_query_string_use_the_alias_or_the_wp_json_prefix(client):
    first, second, third = ProductFactory(), ProductFactory(), ProductFactory()
    token = cart_token(client)
    headers = {"Cart-Token": token}

    reply = batch(
        client,
        {
            "requests": [
                {
                    "path": f"/wc/store/v1/cart/add-item?id={first.pk}&quantity=2",
                    "headers": headers,
                },
                {"path": "/wc/store/cart/add-item", "body": {"id": second.pk}, "headers": headers},
                {
                    "path": "/wp-json/wc/store/v1/cart/add-item",
                    "body": {"id": third.pk},
                    "headers": headers,
                },
            ]
        },
    )

    assert [r["status"] for r in reply.json()["responses"]] == [201, 201, 201]
    assert reply.json()["responses"][2]["body"]["items_count"] == 4


def test_delete_method_and_empty_body(client):
    product = ProductFactory()
    token = cart_token(client)
    reply = batch(
        client,
        {
            "requests": [
                add(product, token),
                {
                    "method": "DELETE",
                    "path": "/wc/store/v1/cart/items",
                    "headers": {"Cart-Token": token},
                },
            ]
        },
    )

    deleted = reply.json()["responses"][1]
    assert deleted["status"] == 200
    assert deleted["body"] == []


def test_unknown_sub_route_is_its_own_rest_no_route(client):
    product = ProductFactory()
    token = cart_token(client)

    reply = batch(
        client,
        {"requests": [{"path": "/wc/store/v1/nothing-here"}, add(product, token)]},
    )

    assert reply.status_code == 207
    unknown, added = reply.json()["responses"]
    assert unknown["status"] == 404
    assert unknown["body"]["code"] == "rest_no_route"
    assert added["status"] == 201


def test_wrong_method_on_a_known_route_is_no_route(client):
    reply = batch(client, {"requests": [{"method": "DELETE", "path": "/wc/store/v1/cart"}]})

    (envelope,) = reply.json()["responses"]
    assert envelope["status"] == 404
    assert envelope["body"]["code"] == "rest_no_route"


def test_nested_batch_is_not_allowed(client):
    reply = batch(client, {"requests": [{"path": "/wc/store/v1/batch", "body": {"requests": []}}]})

    (envelope,) = reply.json()["responses"]
    assert envelope["status"] == 400
    assert envelope["body"]["code"] == "rest_batch_not_allowed"


def test_require_all_validate_runs_nothing_when_a_route_fails(client):
    product = ProductFactory()
    token = cart_token(client)

    reply = batch(
        client,
        {
            "validation": "require-all-validate",
            "requests": [add(product, token), {"path": "/wc/store/v1/nothing-here"}],
        },
    )

    assert reply.status_code == 207
    data = reply.json()
    assert data["failed"] == "validation"
    assert data["responses"][0] is None
    assert data["responses"][1]["body"]["code"] == "rest_no_route"
    assert client.get(f"{BASE}/cart", HTTP_CART_TOKEN=token).json()["items_count"] == 0


def test_path_without_wc_store_fails_the_whole_batch(client):
    product = ProductFactory()
    token = cart_token(client)

    reply = batch(client, {"requests": [add(product, token), {"path": "/wp/v2/posts"}]})

    assert reply.status_code == 400
    assert reply.json()["code"] == "woocommerce_rest_invalid_path"
    assert reply.json()["data"]["status"] == 400
    # Batch.php adds its nonce headers to this error too.
    assert reply.headers["Nonce"]
    assert client.get(f"{BASE}/cart", HTTP_CART_TOKEN=token).json()["items_count"] == 0


def test_more_than_25_requests(client):
    reply = batch(client, {"requests": [{"path": "/wc/store/v1/cart/add-item"}] * 26})

    assert reply.status_code == 400
    body = reply.json()
    assert body["code"] == "rest_invalid_param"
    assert body["data"]["params"]["requests"] == "requests must contain at most 25 items."
    assert "Nonce" not in reply.headers  # WordPress's arg validation answers before the route


def test_get_is_not_a_batch_method(client):
    reply = batch(client, {"requests": [{"method": "GET", "path": "/wc/store/v1/cart"}]})

    assert reply.status_code == 400
    body = reply.json()
    assert body["code"] == "rest_invalid_param"
    assert body["data"]["params"]["requests"] == (
        "requests[0][method] is not one of POST, PUT, PATCH, and DELETE."
    )


def test_missing_requests(client):
    reply = batch(client, {"validation": "normal"})

    assert reply.status_code == 400
    body = reply.json()
    assert body["code"] == "rest_missing_callback_param"
    assert body["data"]["params"] == ["requests"]


def test_item_without_path(client):
    reply = batch(client, {"requests": [{"method": "POST"}]})

    assert reply.status_code == 400
    assert reply.json()["data"]["params"]["requests"] == (
        "path is a required property of requests[0]."
    )


def test_empty_request_list_and_get_on_batch(client):
    reply = batch(client, {"requests": []})
    assert reply.status_code == 207
    assert reply.json() == {"responses": []}

    assert client.get(BATCH).json()["code"] == "rest_no_route"
