"""The fake's objects in admin: listed, searchable by id and order id, read-only."""

import pytest
from django.contrib.admin.utils import quote
from django.urls import reverse

from checkout_hub import clock
from stripe_fake.models import PaymentIntent

from .support import card_params


def test_payment_intents_list_and_search_by_order_id(staff_client, intents):
    wanted = intents.create(params=card_params(confirm=True, metadata={"order_id": "1001"}))
    other = intents.create(params=card_params(metadata={"order_id": "10011"}))
    url = reverse("admin:stripe_fake_paymentintent_changelist")

    listed = staff_client.get(url)
    found = staff_client.get(url, {"q": "1001"})
    by_id = staff_client.get(url, {"q": other.id})

    content = listed.content.decode()
    assert wanted.id in content and other.id in content
    assert "succeeded" in content and "requires_confirmation" in content
    assert [pi.pk for pi in found.context["cl"].result_list] == [wanted.id]
    assert [pi.pk for pi in by_id.context["cl"].result_list] == [other.id]


@pytest.fixture
def escape_like_ids(monkeypatch):
    """Ids such as pi_3A...: "_3A" is an escape in admin URLs, so links must quote them."""
    real = clock.random_string
    monkeypatch.setattr(clock, "random_string", lambda n, *a: "3A" + real(n - 2, *a))


def test_a_payment_intent_opens_read_only_with_its_wire_object(
    staff_client, intents, escape_like_ids
):
    intent = intents.create(params=card_params(metadata={"order_id": "7"}))
    assert intent.id.startswith("pi_3A")
    url = reverse("admin:stripe_fake_paymentintent_change", args=[quote(intent.id)])

    response = staff_client.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="_save"' not in content
    assert "&quot;client_secret&quot;: &quot;" in content  # the wire object, indented
    # in the API's own key order: id, object, amount... (not sorted)
    assert content.index("&quot;object&quot;") < content.index("&quot;amount&quot;")
    assert staff_client.post(url, {}).status_code == 403
    assert PaymentIntent.objects.get(pk=intent.id).order_id == "7"


def test_customers_list_filter_and_search(staff_client, stripe_client):
    customers = stripe_client.v1.customers
    ray = customers.create(params={"email": "ray@example.com", "name": "Ray"})
    gone = customers.create(params={"email": "gone@example.com"})
    customers.delete(gone.id)
    stripe_client.v1.payment_methods.attach("pm_card_visa", params={"customer": ray.id})
    url = reverse("admin:stripe_fake_customer_changelist")

    by_email = staff_client.get(url, {"q": "ray@example"})
    deleted = staff_client.get(url, {"deleted__exact": "1"})
    page = staff_client.get(reverse("admin:stripe_fake_customer_change", args=[quote(ray.id)]))

    assert [c.pk for c in by_email.context["cl"].result_list] == [ray.id]
    assert [c.pk for c in deleted.context["cl"].result_list] == [gone.id]
    assert page.status_code == 200
    content = page.content.decode()
    assert "Payment methods attached" in content
    assert "pm_" in content and "ray@example.com" in content


def test_setup_intents_filter_by_customer(staff_client, stripe_client):
    customer = stripe_client.v1.customers.create()
    setups = stripe_client.v1.setup_intents
    mine = setups.create(params={"payment_method_types": ["card"], "customer": customer.id})
    setups.create(params={"payment_method_types": ["card"]})
    url = reverse("admin:stripe_fake_setupintent_changelist")

    attached = staff_client.get(url, {"has_customer": "yes"})
    searched = staff_client.get(url, {"q": customer.id})

    assert [s.pk for s in attached.context["cl"].result_list] == [mine.id]
    assert [s.pk for s in searched.context["cl"].result_list] == [mine.id]
    assert "off_session" in attached.content.decode()
