"""Signal handlers: keep cached scenario rules in step with the database."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from checkout_hub.models import ScenarioRule
from checkout_hub.services import scenarios


@receiver(post_save, sender=ScenarioRule)
@receiver(post_delete, sender=ScenarioRule)
def forget_scenario_rules(**kwargs):
    scenarios.forget_rules()
