"""The process's copy of tax rates, shipping zones and images, and how it learns of edits."""

import pytest
from django.core.cache import cache

from checkout_hub.models import TaxRate
from checkout_hub.services import reference
from tests.factories import ProductFactory, TaxRateFactory

pytestmark = pytest.mark.django_db


def test_an_edit_through_the_orm_is_seen_at_once():
    rate = TaxRateFactory(country="US", rate="10.0000")
    assert [str(r.rate) for r in reference.tax_rates()] == ["10.0000"]
    rate.rate = "5.0000"
    rate.save()
    assert [str(r.rate) for r in reference.tax_rates()] == ["5.0000"]


def test_another_process_edit_is_seen_when_the_shared_generation_moves():
    rate = TaxRateFactory(country="US", rate="10.0000")
    before = reference.tax_rates()
    TaxRate.objects.filter(pk=rate.pk).update(rate="7.0000")  # bulk: no signal here
    assert reference.tax_rates() == before  # still this process's copy
    cache.incr(reference.GENERATION_KEY)  # what invalidate() in another process does
    assert [str(r.rate) for r in reference.tax_rates()] == ["7.0000"]


def test_images_are_grouped_by_product_in_their_order():
    product = ProductFactory()
    second = product.images.create(src="https://img.test/2.png", position=2)
    first = product.images.create(src="https://img.test/1.png", position=1)
    assert reference.images(product.pk) == [first, second]
    assert reference.images(10**9) == []
