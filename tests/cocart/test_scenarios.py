"""The hub's scenarios force CoCart's documented outcomes through its own envelope."""

import pytest

from .conftest import US_ADDRESS, assert_error


def test_rate_limited_and_server_error(api):
    data = assert_error(
        api.get("cart", HTTP_X_HUB_SCENARIO="rate_limited"), 400, "rate_limit_exceeded"
    )
    assert data == {"status": 400}
    reply = api.get("cart", HTTP_X_HUB_SCENARIO="server_error")
    assert_error(reply, 500, "cocart_unknown_server_error")
    assert reply["CoCart-Timestamp"]
    assert_error(api.get("cart", HTTP_X_HUB_SCENARIO="no-such"), 400, "rest_invalid_param")


def test_out_of_stock_on_add(api):
    reply = api.post("cart/add-item", {"id": 1}, HTTP_X_HUB_SCENARIO="out_of_stock")
    assert_error(reply, 404, "cocart_product_out_of_stock")


@pytest.mark.parametrize(
    "scenario, status, code",
    [
        ("empty_cart", 400, "cocart_checkout_empty_cart"),
        ("invalid_address", 400, "cocart_checkout_invalid_address"),
        ("out_of_stock", 400, "cocart_insufficient_stock"),
        ("insufficient_funds", 400, "cocart_payment_failed"),
        ("checkout_disabled", 403, "cocart_checkout_disabled"),
    ],
)
def test_checkout_scenarios(api, scenario, status, code):
    api.post("cart/add-item", {"id": 1})
    reply = api.checkout(
        "put",
        body={
            "billing_address": US_ADDRESS,
            "payment_method": "stripe",
            "payment_data": [{"key": "stripe_source", "value": "pm_card_visa"}],
        },
        HTTP_X_HUB_SCENARIO=scenario,
    )
    assert_error(reply, status, code)
