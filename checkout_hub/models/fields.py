"""Model fields that read the hub's clock instead of the machine's."""

from django.db import models

from checkout_hub import clock


class ClockUpdatedAtField(models.DateTimeField):
    """`DateTimeField(auto_now=True)` stamped from `checkout_hub.clock`, so a frozen or
    advanced hub clock is what `updated_at` (and anything expiring from it) sees. Deconstructs
    as a plain DateTimeField(auto_now=True): no migration, and old migrations stay valid."""

    def __init__(self, *args, **kwargs):
        kwargs["auto_now"] = True
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = clock.now()
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs
