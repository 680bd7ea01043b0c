"""The fake over HTTP: /stripe/v1/… with Django's test client (as curl would call it) and the
real SDK against a live server."""

import base64
import json

import pytest
import stripe

from checkout_hub.models import RequestLog

from .support import API_KEY, RETURN_URL

CURL_BODY = (
    "amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true"
    "&return_url=https%3A%2F%2Fexample.com&metadata[order_id]=42"
)


def basic(key=API_KEY):
    """curl -u sk_test_…: (the key as user name, no password)."""
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def post(client, path, body, **headers):
    return client.post(
        path, body, content_type="application/x-www-form-urlencoded", headers=headers
    )


def test_curl_style_create_and_confirm(client, db):
    response = post(client, "/stripe/v1/payment_intents", CURL_BODY, Authorization=basic())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Request-Id"].startswith("req_")
    assert response["Stripe-Version"] == stripe.api_version
    body = response.json()
    assert body["status"] == "succeeded"
    assert body["metadata"] == {"order_id": "42"}
    assert body["livemode"] is False
    row = RequestLog.objects.get(path="/stripe/v1/payment_intents")
    assert row.vendor == "stripe"
    assert row.request_headers["Authorization"] == "[redacted]"


def test_bearer_auth_get_and_headers_echoed(client, db):
    created = post(
        client,
        "/stripe/v1/payment_intents",
        "amount=2000&currency=usd",
        Authorization=f"Bearer {API_KEY}",
        Idempotency_Key="curl-1",
        Stripe_Version="2024-06-20",
    )
    intent_id = created.json()["id"]

    response = client.get(
        f"/stripe/v1/payment_intents/{intent_id}?expand[]=payment_method",
        headers={"Authorization": f"Bearer {API_KEY}"},
    )

    assert created["Idempotency-Key"] == "curl-1"
    assert created["Stripe-Version"] == "2024-06-20"
    assert response.status_code == 200
    assert response.json()["id"] == intent_id


def test_no_key_is_a_401(client, db):
    response = post(client, "/stripe/v1/payment_intents", "amount=2000&currency=usd")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="Stripe"'
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"].startswith("You did not provide an API key.")


def test_an_unknown_route_is_stripes_404(client, db):
    response = client.get("/stripe/v1/foo", headers={"Authorization": basic()})

    assert response.status_code == 404
    assert response.json()["error"]["message"].startswith("Unrecognized request URL (GET: /v1/foo)")
    assert response["Request-Id"].startswith("req_")


def test_a_scenario_header_forces_the_outcome(client, db):
    response = post(
        client,
        "/stripe/v1/payment_intents",
        CURL_BODY,
        Authorization=basic(),
        X_Hub_Scenario="stolen_card",
    )

    assert response.status_code == 402
    assert response.json()["error"]["decline_code"] == "stolen_card"
    assert RequestLog.objects.get().scenario == "stolen_card"


def test_the_scenario_query_parameter_is_not_a_stripe_parameter(client, db):
    response = post(
        client, "/stripe/v1/payment_intents?__scenario=insufficient_funds", CURL_BODY,
        Authorization=basic(),
    )  # fmt: skip

    assert response.status_code == 402
    assert response.json()["error"]["decline_code"] == "insufficient_funds"


def test_an_unknown_scenario_is_refused_in_stripes_shape(client, db):
    response = post(
        client, "/stripe/v1/payment_intents", CURL_BODY, Authorization=basic(),
        X_Hub_Scenario="meteor_strike",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "X-Hub-Scenario"
    assert "meteor_strike" in response.json()["error"]["message"]


@pytest.mark.django_db(transaction=True)
def test_the_sdk_over_real_http(live_server):
    http = stripe.RequestsClient()
    client = stripe.StripeClient(
        API_KEY, base_addresses={"api": live_server.url + "/stripe"}, http_client=http
    )
    intents = client.v1.payment_intents

    try:
        intent = intents.create(
            params={"amount": 2000, "currency": "usd", "payment_method": "pm_card_visa"}
        )
        confirmed = intents.confirm(intent.id, params={"return_url": RETURN_URL})
        with pytest.raises(stripe.CardError) as caught:
            intents.confirm(
                intents.create(params={"amount": 2000, "currency": "usd"}).id,
                params={
                    "payment_method": "pm_card_chargeDeclinedLostCard",
                    "return_url": RETURN_URL,
                },
            )
    finally:
        http.close()  # no keep-alive connection left for the live server's thread

    assert confirmed.status == "succeeded"
    assert caught.value.error.decline_code == "lost_card"
    assert caught.value.request_id.startswith("req_")
    assert json.loads(caught.value.http_body)["error"]["payment_intent"]["status"] == (
        "requires_payment_method"
    )


NOT_FORM_ENCODED = (
    "Invalid request (check that your POST content type is application/x-www-form-urlencoded). "
    "If you have any questions, we can help at https://support.stripe.com/."
)


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/x-www-form-urlencoded", "text/plain"]
)
def test_a_json_body_gets_stripes_form_encoding_error(client, db, content_type):
    body = json.dumps({"amount": 2000, "currency": "usd"})

    response = client.post(
        "/stripe/v1/payment_intents",
        body,
        content_type=content_type,
        headers={"Authorization": basic()},
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "message": NOT_FORM_ENCODED,
            "request_log_url": response.json()["error"]["request_log_url"],
            "type": "invalid_request_error",
        }
    }


def test_a_json_content_type_on_a_customer_update(client, db, stripe_client):
    customer = stripe_client.v1.customers.create()

    response = client.post(
        f"/stripe/v1/customers/{customer.id}",
        '{"name": "Ray"}',
        content_type="application/json; charset=utf-8",
        headers={"Authorization": basic()},
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"] == NOT_FORM_ENCODED
    assert stripe_client.v1.customers.retrieve(customer.id).name is None


def test_a_form_body_that_is_not_json_is_read_as_a_form(client, db):
    response = post(client, "/stripe/v1/customers", "name=%7BRay%7D", Authorization=basic())

    assert response.status_code == 200
    assert response.json()["name"] == "{Ray}"


def test_delete_over_http(client, db, stripe_client):
    customer = stripe_client.v1.customers.create()

    response = client.delete(
        f"/stripe/v1/customers/{customer.id}", headers={"Authorization": basic()}
    )

    assert response.status_code == 200
    assert response.json() == {"id": customer.id, "object": "customer", "deleted": True}
