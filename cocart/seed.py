"""CoCart's demo data for `seed_store`: the demo WooCommerce API key pair (owned by the admin
user, read/write) and a demo customer who can log in (username or email). Its Customer row is
made at its first order, as for any WordPress customer."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from checkout_hub import seeding

from .models import ApiKey, api_hash

DEMO_EMAIL = "customer@example.com"


def seed() -> None:
    User = get_user_model()
    admin = User.objects.filter(username=settings.HUB_ADMIN_USERNAME).first()
    key = ApiKey.objects.filter(
        consumer_key_hash=api_hash(settings.COCART_DEMO_CONSUMER_KEY)
    ).first() or ApiKey(description="CoCart demo")
    key.set_pair(settings.COCART_DEMO_CONSUMER_KEY, settings.COCART_DEMO_CONSUMER_SECRET)
    key.user = admin
    key.permissions = ApiKey.Permissions.READ_WRITE
    key.save()

    user, created = User.objects.get_or_create(
        username=settings.COCART_DEMO_CUSTOMER_LOGIN,
        defaults={"email": DEMO_EMAIL, "first_name": "Dana", "last_name": "Barrett"},
    )
    if seeding.quick() and not created and user.is_active:
        return  # POST /__hub/reset: an existing user's password hash is not re-checked
    if not user.check_password(settings.COCART_DEMO_CUSTOMER_PASSWORD) or not user.is_active:
        user.set_password(settings.COCART_DEMO_CUSTOMER_PASSWORD)
        user.is_active = True
        user.save()
