"""The hosted checkout page end to end in headless Chromium (Playwright driving the machine's
Chromium): the #token= fragment, the tax preview following the country and state, the card
picker, a decline, the retry, and the thank-you page.

Skipped when Chromium or Playwright is not installed, unless HUB_REQUIRE_BROWSER=1 (CI sets it
and installs Chromium), so it can never silently not run there.
"""

import os
import shutil

import pytest

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
REQUIRED = os.environ.get("HUB_REQUIRE_BROWSER") == "1"
if CHROMIUM is None and not REQUIRED:
    pytest.skip("Chromium is not installed", allow_module_level=True)
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - a dev dependency
    if REQUIRED:
        raise
    pytest.skip("Playwright is not installed", allow_module_level=True)

from checkout_hub.models import TaxRate  # noqa: E402
from pancake.models import PancakeOrder  # noqa: E402


def test_hosted_page_decline_then_retry_in_chromium(live_server, api, shop, settings, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.HUB_PUBLIC_URL = live_server.url
    TaxRate.objects.create(country="US", state="NY", rate="8.8750", name="NY Tax")
    session = api.session(buyerEmail="ann@example.com", darkMode=True)
    url = session["checkoutUrl"] + "#token=header.payload.sig"
    assert url.startswith(live_server.url)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(url)
            assert page.locator("html").get_attribute("class") == "theme-dark"
            assert page.locator("#signed-in").is_visible()
            assert page.locator("#product-name").inner_text() == "Pro License"
            assert page.locator("#email").input_value() == "ann@example.com"
            assert "0.00" in page.locator("#tax").inner_text()

            page.select_option("#country", "US")
            page.fill("#state", "NY")
            page.locator("#state").dispatch_event("change")
            page.wait_for_function("document.getElementById('tax').textContent.startsWith('2.57')")
            assert page.locator("#total").inner_text() == "31.57 USD"

            page.select_option("#card", "pm_card_chargeDeclined")
            page.click("#pay")
            page.wait_for_selector("#error")
            assert "declined" in page.locator("#error").inner_text().lower()
            assert page.locator("#billing-locked").is_visible()

            page.select_option("#card", "pm_card_visa")
            page.click("#pay")
            page.wait_for_selector("#thank-you")
            order_id = page.locator("#order-id").inner_text()
            assert page.locator("#order-status").inner_text() == "completed"
            assert page.locator("#order-total").inner_text() == "31.57 USD"
        finally:
            browser.close()

    order = PancakeOrder.objects.get(short_id=order_id)
    assert order.status == "completed" and order.payments.count() == 2
