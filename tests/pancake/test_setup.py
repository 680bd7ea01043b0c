"""The demo data, `manage.py credentials`' pancake object, the landing page and admin (paste a
public key; generate a dev key pair whose private key is shown once)."""

import io
import json
import re
from pathlib import Path

from django.core.management import call_command

from checkout_hub.models import Product
from pancake import demo, keys
from pancake.models import Merchant, MerchantKey, PancakeProduct, Store

from .conftest import CREATE, compact, signed_headers

SHORT = re.compile(r"^[A-Z]{2,5}_[0-9A-Za-z]{22}$")


def credentials() -> dict:
    out = io.StringIO()
    call_command("credentials", stdout=out)
    return json.loads(out.getvalue())["pancake"]


def test_seed_and_credentials_let_the_sdk_sign_in_one_step(client, db, settings):
    call_command("seed_store", verbosity=0)
    call_command("seed_store", verbosity=0)  # idempotent, same key
    creds = credentials()
    assert set(creds) >= {
        "merchantId",
        "privateKey",
        "storeId",
        "storeSlug",
        "webhookPublicKey",
        "productIds",
    }
    assert SHORT.match(creds["merchantId"]) and creds["merchantId"].startswith("MER_")
    assert SHORT.match(creds["storeId"]) and creds["storeSlug"] == "demo-store"
    assert all(SHORT.match(p) and p.startswith("PROD_") for p in creds["productIds"])
    kinds = [PancakeProduct.objects.get(short_id=p).kind for p in creds["productIds"]]
    assert kinds == sorted(kinds)  # one-time first
    assert {"onetime", "subscription"} == set(kinds)
    assert creds["privateKey"] == Path(settings.PANCAKE_DEMO_KEY_PATH).read_text()
    assert keys.load_public(creds["webhookPublicKey"])
    assert Merchant.objects.count() == Store.objects.count() == 1
    assert MerchantKey.objects.count() == 1
    # Seeding adds nothing to the Store API's catalogue.
    assert not Product.objects.filter(sku__startswith="pancake-").exists()

    body = compact({"productId": creds["productIds"][0], "currency": "JPY"})
    headers = signed_headers(creds["merchantId"], creds["privateKey"], CREATE, body)
    reply = client.post(CREATE, body, content_type="application/json", **headers)
    assert reply.status_code == 200, reply.json()
    assert "/store/demo-store/checkout/cs_" in reply.json()["data"]["checkoutUrl"]


def test_landing_page_shows_the_webhook_public_key(client, db):
    call_command("seed_store", verbosity=0)
    html = client.get("/").content.decode()
    assert "Waffo Pancake" in html and demo.MERCHANT_ID in html
    public = credentials()["webhookPublicKey"]
    assert public.splitlines()[1] in html


def test_admin_pastes_a_public_key(staff_client, shop, key_pair):
    url = "/admin/pancake/merchantkey/add/"
    escaped = key_pair[1].replace("\n", "\\n")
    reply = staff_client.post(
        url,
        {
            "merchant": shop.merchant.pk,
            "name": "pasted",
            "environment": "test",
            "public_key": escaped,
            "active": "on",
        },
    )
    assert reply.status_code == 302, reply.content.decode()[:500]
    key = MerchantKey.objects.get(name="pasted")
    assert key.public_key.startswith("-----BEGIN PUBLIC KEY-----") and len(key.fingerprint) == 64
    bad = staff_client.post(
        url,
        {"merchant": shop.merchant.pk, "environment": "test", "public_key": "nope", "active": "on"},
    )
    assert bad.status_code == 200 and "Not an RSA public key" in bad.content.decode()


def test_admin_generates_a_dev_key_pair_shown_once(staff_client, shop):
    reply = staff_client.post(
        "/admin/pancake/merchant/",
        {"action": "generate_test_key", "_selected_action": [shop.merchant.pk]},
        follow=True,
    )
    html = reply.content.decode()
    match = re.search(r"(-----BEGIN PRIVATE KEY-----.*?-----END PRIVATE KEY-----)", html, re.S)
    assert match
    private = match.group(1).replace("&#x27;", "'")
    key = MerchantKey.objects.get(name="generated")
    assert keys.verify(key.public_key, b"x", keys.sign(private, b"x"))
    assert "PRIVATE KEY" not in staff_client.get("/admin/pancake/merchant/").content.decode()


def test_admin_pages_render(staff_client, shop, endpoint):
    for url in (
        "/admin/pancake/store/",
        f"/admin/pancake/store/{shop.store.pk}/change/",
        "/admin/pancake/pancakeproduct/",
        f"/admin/pancake/pancakeproduct/{shop.onetime.pk}/change/",
        "/admin/pancake/pancakeorder/",
        "/admin/checkout_hub/webhookendpoint/",
        "/admin/checkout_hub/webhookdelivery/",
        "/admin/pancake/hubsigningkey/",
    ):
        assert staff_client.get(url).status_code == 200, url
    html = staff_client.get(f"/admin/pancake/store/{shop.store.pk}/change/").content.decode()
    assert endpoint.url in html and "BEGIN PUBLIC KEY" in html


def test_pancake_sign_command_makes_headers_that_verify(client, db):
    call_command("seed_store", verbosity=0)
    creds = credentials()
    body = json.dumps({"productId": creds["productIds"][0], "currency": "USD"})
    out = io.StringIO()
    call_command("pancake_sign", CREATE, body, stdout=out)
    headers = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    reply = client.post(CREATE, body, content_type="application/json", **meta)
    assert reply.status_code == 200, reply.json()
