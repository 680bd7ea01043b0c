"""`manage.py seed_store` and `manage.py credentials`."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from checkout_hub import credentials
from checkout_hub.models import (
    Category,
    Coupon,
    Product,
    ProductImage,
    ShippingMethod,
    ShippingZone,
    TaxRate,
)

SEEDED = [Category, Product, ProductImage, Coupon, ShippingZone, ShippingMethod, TaxRate]

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_store", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in SEEDED}


def test_seed_twice_is_idempotent_and_deterministic():
    seed()
    first = snapshot()
    first_products = list(Product.objects.order_by("pk").values())
    first_categories = sorted(Product.categories.through.objects.values_list("product", "category"))
    users = get_user_model().objects.count()

    seed()

    assert snapshot() == first
    # The admin, plus the demo users vendor apps seed (CoCart's customer): none twice.
    assert get_user_model().objects.count() == users
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    second_products = list(Product.objects.order_by("pk").values())
    for row in first_products + second_products:
        row.pop("updated_at")
    assert second_products == first_products
    assert (
        sorted(Product.categories.through.objects.values_list("product", "category"))
        == first_categories
    )


def test_seed_uses_the_documented_ids():
    seed()
    assert Product.objects.get(pk=13).name == "Hoodie"
    assert Coupon.objects.get(pk=1).code == "10off"
    assert ShippingMethod.objects.get(pk=3).rate_id == "flat_rate:3"


def test_seed_summary_prints_counts_and_admin_credentials():
    out = seed()
    assert "products:" in out
    assert "coupons:" in out
    assert settings.HUB_PUBLIC_URL + "/admin/" in out
    assert settings.HUB_ADMIN_USERNAME in out
    assert settings.HUB_ADMIN_PASSWORD in out


def test_catalogue_covers_the_storefront_cases():
    seed()
    products = Product.objects.all()
    assert products.catalogue().count() >= 12

    hoodie = products.get(type=Product.Type.VARIABLE, name="Hoodie")
    variation_attrs = [a for a in hoodie.attributes if a["variation"]]
    assert [a["name"] for a in variation_attrs] == ["Color", "Size"]
    variations = list(hoodie.variations.all())
    assert 4 <= len(variations) <= 6
    assert all(v.type == Product.Type.VARIATION for v in variations)
    assert all(set(v.variation_attributes) == {"pa_color", "pa_size"} for v in variations)
    assert len({v.sku for v in variations}) == len(variations)
    assert all(v.regular_price for v in variations)
    assert any(v.manage_stock for v in variations)

    download = products.get(virtual=True, downloadable=True)
    assert download.downloads and all({"name", "file"} <= set(d) for d in download.downloads)
    assert not download.needs_shipping

    out = products.get(stock_status=Product.StockStatus.OUT_OF_STOCK, parent=None)
    assert out.manage_stock and out.stock_quantity == 0
    two_left = products.get(manage_stock=True, stock_quantity=2)
    assert two_left.available_quantity() == 2
    assert products.filter(sold_individually=True).exists()
    assert any(p.on_sale for p in products.catalogue())

    for product in products.catalogue():
        assert product.images.exists(), product
        assert product.categories.exists(), product
        assert product.short_description and product.description, product
    # Every image is the hub's own (no outside host: a storefront works offline).
    own = f"{settings.HUB_PUBLIC_URL}/hub-media/placeholder/"
    assert ProductImage.objects.filter(src__startswith=own).count() == (
        ProductImage.objects.count()
    )


def test_coupons_cover_every_rule():
    seed()
    coupons = Coupon.objects.all()
    assert set(coupons.values_list("discount_type", flat=True)) == set(Coupon.DiscountType.values)
    assert coupons.get(code="10off").amount == 10
    assert coupons.get(code="5dollars").amount == 500
    assert coupons.get(code="2offeach").discount_type == Coupon.DiscountType.FIXED_PRODUCT
    assert coupons.filter(minimum_spend__isnull=False).exists()
    assert coupons.get(code="freeship").free_shipping
    assert coupons.filter(expires_at__isnull=False).exists()
    used_up = coupons.get(usage_limit__isnull=False)
    assert used_up.usage_count >= used_up.usage_limit
    assert all(c.description for c in coupons)


def test_shipping_and_taxes():
    seed()
    us, world = ShippingZone.objects.order_by("order")
    assert us.countries == ["US"] and world.countries == []
    assert us.matches("US", "CA") and world.matches("FR", "")

    methods = {m.title: m for m in us.methods.all()}
    assert methods["Flat rate"].cost == 500
    free = us.methods.get(method_id=ShippingMethod.MethodId.FREE_SHIPPING)
    assert free.requires == "either" and free.min_amount == 10000
    express = us.methods.get(cost=1500)
    assert express.states == ["US:CA", "US:NY"]
    assert express.matches("US", "CA") and not express.matches("US", "TX")
    assert world.methods.get().cost == 2000

    rates = {(t.country, t.state): t.rate for t in TaxRate.objects.all()}
    assert str(rates[("US", "CA")]) == "7.2500"
    assert str(rates[("US", "NY")]) == "8.8750"
    assert str(rates[("GB", "")]) == "20.0000"


def test_admin_user_can_log_in_with_the_settings_credentials():
    seed()
    user = authenticate(username=settings.HUB_ADMIN_USERNAME, password=settings.HUB_ADMIN_PASSWORD)
    assert user is not None and user.is_staff and user.is_superuser


def test_seed_resets_a_changed_admin_password():
    seed()
    user = get_user_model().objects.get(username=settings.HUB_ADMIN_USERNAME)
    user.set_password("something-else")
    user.save()
    seed()
    assert authenticate(username=settings.HUB_ADMIN_USERNAME, password=settings.HUB_ADMIN_PASSWORD)


def test_credentials_command_prints_one_json_object():
    out = StringIO()
    call_command("credentials", stdout=out)
    data = json.loads(out.getvalue())
    assert data["admin"] == {
        "username": settings.HUB_ADMIN_USERNAME,
        "password": settings.HUB_ADMIN_PASSWORD,
        "url": settings.HUB_PUBLIC_URL + "/admin/",
    }


def test_credentials_registry_collects_registered_providers():
    credentials.register("test-vendor", lambda: {"key": "k_123"})
    try:
        assert credentials.collect()["test-vendor"] == {"key": "k_123"}
        assert "admin" in credentials.collect()
    finally:
        credentials._providers.pop("test-vendor")
