"""Woo order attribution stamped from checkout-session's query string, over HTTP: the affiliate
ref wins, UTM values otherwise, typein without either; valid UTM values are always kept as
HeadlessWP marketing meta. The body never carries attribution (the allowlist refuses it)."""

import pytest

from checkout_hub.models import Order
from tests.hwp_bridge.conftest import TSHIRT, assert_ok, field_errors, post_checkout

P = "_wc_order_attribution_"
ITEMS = {"items": [{"productId": TSHIRT, "quantity": 1}]}
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148"


def attribution_meta(order) -> dict:
    return {
        key: value
        for key, value in order.meta.values_list("key", "value")
        if not key.startswith("_headlesswp_")
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        (
            "ref=aff42&campaign=spring",
            {
                f"{P}source_type": "referral",
                f"{P}utm_source": "affiliatewp",
                f"{P}utm_medium": "affiliate",
                f"{P}utm_campaign": "spring",
                f"{P}utm_content": "aff42",
                "_affwp_ref": "aff42",
                "_affwp_campaign": "spring",
            },
        ),
        (
            "utm_source=newsletter&utm_medium=email&utm_campaign=launch&utm_content=hero",
            {
                f"{P}source_type": "utm",
                f"{P}utm_source": "newsletter",
                f"{P}utm_medium": "email",
                f"{P}utm_campaign": "launch",
                f"{P}utm_content": "hero",
                "marketingUtmSource": "newsletter",
                "marketingUtmMedium": "email",
                "marketingUtmCampaign": "launch",
                "marketingUtmContent": "hero",
            },
        ),
        ("", {f"{P}source_type": "typein", f"{P}utm_source": "(direct)"}),
        ("ref=&utm_source=", {f"{P}source_type": "typein", f"{P}utm_source": "(direct)"}),
        (
            "ref=aff42&campaign=spring&utm_source=google&utm_medium=cpc",
            {
                f"{P}source_type": "referral",
                f"{P}utm_source": "affiliatewp",
                f"{P}utm_medium": "affiliate",
                f"{P}utm_campaign": "spring",
                f"{P}utm_content": "aff42",
                "_affwp_ref": "aff42",
                "_affwp_campaign": "spring",
                "marketingUtmSource": "google",
                "marketingUtmMedium": "cpc",
            },
        ),
    ],
    ids=["ref", "utm", "none", "empty", "ref+utm"],
)
def test_attribution_matrix(client, store, nonce, query, expected):
    assert_ok(post_checkout(client, ITEMS, nonce=nonce, query=query))
    assert attribution_meta(Order.objects.get()) == expected


def test_user_agent_and_device_type(client, store, nonce):
    reply = post_checkout(client, ITEMS, nonce=nonce, query="utm_source=x", HTTP_USER_AGENT=IPHONE)
    assert_ok(reply)
    meta = attribution_meta(Order.objects.get())
    assert meta[f"{P}user_agent"] == IPHONE
    assert meta[f"{P}device_type"] == "Mobile"


def test_attribution_in_the_body_is_refused(client, store, nonce):
    body = {**ITEMS, "attribution": {"ref": "aff42"}, "ref": "aff42"}
    errors = field_errors(post_checkout(client, body, nonce=nonce))
    assert errors == {"attribution": ["Unknown field."], "ref": ["Unknown field."]}
    assert not Order.objects.exists()
