"""The test 3-D Secure page that `next_action.redirect_to_url.url` points at."""

from urllib.parse import parse_qs, urlsplit

import pytest

from .support import RETURN_URL, card_params, local_path


@pytest.fixture
def challenged(intents):
    """An intent waiting for 3-D Secure, and the path of its authentication page."""

    def make(alias="pm_card_authenticationRequired", **extra):
        intent = intents.create(
            params=card_params(alias, confirm=True, return_url=RETURN_URL, **extra)
        )
        return intent, local_path(intent.next_action.redirect_to_url.url)

    return make


def test_the_page_shows_the_payment(client, challenged):
    intent, page = challenged()

    response = client.get(page)

    assert response.status_code == 200
    content = response.content.decode()
    assert "$20.00" in content
    assert "Checkout Hub" in content
    assert "•••• 3184" in content
    assert "Complete authentication" in content
    assert "Fail authentication" in content
    assert "csrfmiddlewaretoken" in content


def test_complete_authentication(
    client, intents, stripe_client, challenged, notifications, django_capture_on_commit_callbacks
):
    intent, page = challenged()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"action": "complete"})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://shop.example/return"
    assert parse_qs(location.query) == {
        "order": ["7"],
        "payment_intent": [intent.id],
        "payment_intent_client_secret": [intent.client_secret],
        "redirect_status": ["succeeded"],
    }
    paid = intents.retrieve(intent.id)
    assert paid.status == "succeeded"
    assert paid.amount_received == 2000
    assert paid.next_action is None
    charge = stripe_client.v1.charges.retrieve(paid.latest_charge)
    assert charge.payment_method_details.card.three_d_secure.result == "authenticated"
    assert [(event, sent["status"]) for event, sent in notifications] == [
        ("charge.succeeded", "succeeded"),
        ("payment_intent.succeeded", "succeeded"),
    ]


def test_fail_authentication(
    client, intents, challenged, notifications, django_capture_on_commit_callbacks
):
    intent, page = challenged()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"action": "fail"})

    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["redirect_status"] == ["failed"]
    failed = intents.retrieve(intent.id)
    assert failed.status == "requires_payment_method"
    assert failed.payment_method is None
    assert failed.latest_charge is None
    assert failed.last_payment_error.code == "payment_intent_authentication_failure"
    assert failed.last_payment_error.type == "invalid_request_error"
    assert failed.last_payment_error.payment_method.id == intent.payment_method
    assert notifications[0][0] == "payment_intent.payment_failed"
    assert notifications[0][1]["last_payment_error"]["code"] == (
        "payment_intent_authentication_failure"
    )


def test_authentication_then_insufficient_funds(client, intents, challenged):
    intent, page = challenged("pm_card_authenticationRequiredChargeDeclinedInsufficientFunds")

    response = client.post(page, {"action": "complete"})

    assert parse_qs(urlsplit(response["Location"]).query)["redirect_status"] == ["failed"]
    failed = intents.retrieve(intent.id)
    assert failed.status == "requires_payment_method"
    assert failed.last_payment_error.code == "card_declined"
    assert failed.last_payment_error.decline_code == "insufficient_funds"
    assert failed.latest_charge.startswith("ch_")


def test_authentication_with_manual_capture(client, intents, challenged):
    intent, page = challenged(capture_method="manual")

    response = client.post(page, {"action": "complete"})

    assert parse_qs(urlsplit(response["Location"]).query)["redirect_status"] == ["succeeded"]
    held = intents.retrieve(intent.id)
    assert held.status == "requires_capture"
    assert held.amount_capturable == 2000


def test_the_page_of_a_finished_authentication(client, challenged):
    intent, page = challenged()
    client.post(page, {"action": "complete"})

    again = client.get(page)
    twice = client.post(page, {"action": "fail"})

    assert again.status_code == 409
    assert "not waiting for authentication" in again.content.decode()
    assert "succeeded" in again.content.decode()
    assert twice.status_code == 409


@pytest.mark.parametrize(
    "path",
    [
        "/stripe/authenticate/{id}/?client_secret=wrong",
        "/stripe/authenticate/{id}/",
        "/stripe/authenticate/pi_unknown/?client_secret={secret}",
    ],
)
def test_a_wrong_link_is_a_plain_404_page(client, challenged, path):
    intent, _ = challenged()

    response = client.get(path.format(id=intent.id, secret=intent.client_secret))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "This authentication link is not valid." in response.content.decode()


def test_an_unknown_action_shows_the_page_again(client, challenged):
    intent, page = challenged()

    response = client.post(page, {"action": "maybe"})

    assert response.status_code == 400
    assert "Complete authentication" in response.content.decode()
