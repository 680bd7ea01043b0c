"""Signal handlers: keep cached scenario rules and reference data in step with the database."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from checkout_hub.models import (
    Attribute,
    AttributeTerm,
    Product,
    ProductImage,
    ScenarioRule,
    ShippingMethod,
    ShippingZone,
    TaxRate,
)
from checkout_hub.models.catalog import products_written
from checkout_hub.services import reference, scenarios


@receiver(post_save, sender=ScenarioRule)
@receiver(post_delete, sender=ScenarioRule)
def forget_scenario_rules(**kwargs):
    scenarios.forget_rules()


@receiver(post_save, sender=TaxRate)
@receiver(post_delete, sender=TaxRate)
@receiver(post_save, sender=ShippingZone)
@receiver(post_delete, sender=ShippingZone)
@receiver(post_save, sender=ShippingMethod)
@receiver(post_delete, sender=ShippingMethod)
@receiver(post_save, sender=ProductImage)
@receiver(post_delete, sender=ProductImage)
@receiver(post_save, sender=Attribute)
@receiver(post_delete, sender=Attribute)
@receiver(post_save, sender=AttributeTerm)
@receiver(post_delete, sender=AttributeTerm)
def forget_reference_data(**kwargs):
    reference.invalidate()


# No post_delete receiver: one would stop Django deleting products (and what cascades from them)
# with one DELETE each; Product.delete and ProductQuerySet.delete send products_written instead.
@receiver(post_save, sender=Product)
@receiver(products_written)
def product_changed(**kwargs):
    reference.invalidate_products()
