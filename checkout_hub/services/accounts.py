"""Customer accounts made at checkout (WooCommerce's "create an account" box).

`email_taken` is checked before the order is placed (WooCommerce refuses with "An account is
already registered with your email address. Please log in."); `register` makes the user once
the order exists and ties the order's customer row to it, so a refused payment leaves no
half-made account behind.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from checkout_hub.models import Customer, normalise_email

from .errors import NotAuthenticated

TAKEN = "An account is already registered with your email address. Please log in."


def email_taken(email: str) -> bool:
    email = normalise_email(email)
    users = get_user_model().objects
    return bool(email) and (
        users.filter(email__iexact=email).exists() or users.filter(username__iexact=email).exists()
    )


def check_available(email: str) -> None:
    """Raise NotAuthenticated when the email already has an account (the buyer logs in)."""
    if email_taken(email):
        raise NotAuthenticated(TAKEN)


@transaction.atomic
def register(email: str, password: str, *, first_name: str = "", last_name: str = ""):
    """A new user for `email` (its username too, as WooCommerce's default), tied to the
    customer row of that email (made by the order)."""
    email = normalise_email(email)
    check_available(email)
    user = get_user_model().objects.create_user(
        username=email, email=email, password=password, first_name=first_name, last_name=last_name
    )
    customer = Customer.objects.for_email(email).first()
    if customer is not None and customer.user_id is None:
        customer.user = user
        customer.save(update_fields=["user"])
    return user
