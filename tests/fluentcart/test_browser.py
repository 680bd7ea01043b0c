"""FluentCart's pages in a real browser (headless Chromium driven by Playwright): a storefront
fills the cart through admin-ajax and places a COD order, then opens the receipt page; in
hosted Stripe mode it places the order, goes to the hosted Checkout page, pays with a test
card and comes back to the receipt showing the paid order.

Skipped when Chromium (or Playwright) is not installed, unless HUB_REQUIRE_BROWSER=1 (CI sets
it), so it can never silently not run there.
"""

import os
import shutil

import pytest
from django.core.management import call_command

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None
if (CHROMIUM is None or sync_playwright is None) and os.environ.get("HUB_REQUIRE_BROWSER") != "1":
    pytest.skip("Chromium or Playwright is not installed", allow_module_level=True)

# The storefront script: what the plugin's FluentCartCart.js and checkout handler call.
FLOW = """async ({ajax, rest, hosted}) => {
  const get = async (params) => (await fetch(ajax + "?" + new URLSearchParams(params),
    {credentials: "include"})).json();
  const cart = await get({action: "fluent_cart_checkout_routes",
    fc_checkout_action: "fluent_cart_cart_update", item_id: 1, quantity: 2});
  const methods = await (await fetch(rest + "/checkout/get-available-shipping-methods?" +
    new URLSearchParams({timezone: Intl.DateTimeFormat().resolvedOptions().timeZone}))).json();
  const summary = await get({action: "fluent_cart_checkout_routes",
    fc_checkout_action: "get_checkout_summary_view", shipping_method_id: 1});
  const form = new URLSearchParams({action: "fluent_cart_place_order",
    billing_email: "browser@example.com", billing_full_name: "Winston Zeddemore",
    billing_country: "US", billing_address_1: "1 Main St", billing_city: "Boston",
    billing_state: "MA", billing_postcode: "02108", fc_selected_shipping_method: "1",
    fc_shipping_method: "1", _fct_pay_method: hosted ? "stripe" : "cod",
    user_tz: Intl.DateTimeFormat().resolvedOptions().timeZone});
  const placed = await (await fetch(ajax, {method: "POST", credentials: "include",
    body: form})).json();
  return {lines: cart.data.cart.cart_data.length, country: methods.country_code,
          total: summary.total, placed};
}"""


@pytest.fixture
def browser():
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def site(live_server, settings, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls made here (the
    # seeding, the checks) are synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.HUB_PUBLIC_URL = live_server.url
    call_command("seed_store", verbosity=0)
    return live_server.url


def run_flow(browser, site, *, hosted: bool):
    page = browser.new_context(timezone_id="America/New_York").new_page()
    page.goto(f"{site}/checkout/")
    result = page.evaluate(
        FLOW,
        {"ajax": f"{site}/wp-admin/admin-ajax.php", "rest": f"{site}/wp-json/fluent-cart/v2",
         "hosted": hosted},
    )  # fmt: skip
    return page, result


def test_cod_order_to_the_receipt_page(browser, site):
    page, result = run_flow(browser, site, hosted=False)
    assert (result["lines"], result["country"], result["total"]) == (1, "US", 4100)
    assert result["placed"]["status"] == "success", result
    page.goto(result["placed"]["redirect_to"])
    assert page.locator("#receipt-title").inner_text().startswith("Thank you")
    assert page.locator("#order-total").inner_text() == "$41.00"
    assert page.locator("#order-status").inner_text() == "Processing"


def test_hosted_stripe_checkout_to_the_receipt_page(browser, site, settings):
    from checkout_hub.models import Order

    settings.FLUENTCART_STRIPE_MODE = "hosted"
    page, result = run_flow(browser, site, hosted=True)
    placed = result["placed"]
    assert placed["actionName"] == "redirect", placed
    page.goto(placed["payment_args"]["checkout_url"])
    assert page.locator("#total").inner_text() == "$41.00"
    page.select_option("#test_card", "pm_card_chargeDeclined")
    page.click("#pay")
    assert page.locator("#error").inner_text() == "Your card was declined."
    page.select_option("#test_card", "pm_card_visa")
    page.click("#pay")
    page.wait_for_url("**/receipt/**")
    assert "fct_stripe_hosted=1" in page.url
    assert page.locator("#payment-status").inner_text() == "Paid"
    assert page.locator("#order-total").inner_text() == "$41.00"
    order = Order.objects.get()
    assert (order.status, order.payment_status) == ("processing", "paid")
