"""Accounts made at checkout (services.accounts)."""

import pytest

from checkout_hub.models import Customer
from checkout_hub.services import accounts
from checkout_hub.services.errors import NotAuthenticated
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_register_makes_the_user_and_ties_the_customer_row():
    customer = Customer.objects.create(email="ray@example.com")
    user = accounts.register("Ray@Example.com ", "pw-123456", first_name="Ray")
    assert (user.username, user.email, user.first_name) == ("ray@example.com",) * 2 + ("Ray",)
    assert user.check_password("pw-123456")
    customer.refresh_from_db()
    assert customer.user == user


def test_an_email_with_an_account_is_refused():
    UserFactory(email="egon@example.com")
    assert accounts.email_taken("EGON@example.com")
    with pytest.raises(NotAuthenticated, match="Please log in"):
        accounts.register("egon@example.com", "pw")
    assert not accounts.email_taken("")
