"""Customers and the PaymentMethods attached to them, through the real SDK."""

import pytest
import stripe

from stripe_fake import events

from .support import card_params

CUSTOMER_KEYS = [
    "id",
    "object",
    "address",
    "balance",
    "business_name",
    "created",
    "currency",
    "customer_account",
    "default_source",
    "delinquent",
    "description",
    "discount",
    "email",
    "individual_name",
    "invoice_prefix",
    "invoice_settings",
    "livemode",
    "metadata",
    "name",
    "next_invoice_sequence",
    "phone",
    "preferred_locales",
    "shipping",
    "tax_exempt",
    "test_clock",
]


@pytest.fixture
def customers(stripe_client):
    return stripe_client.v1.customers


@pytest.fixture
def methods(stripe_client):
    return stripe_client.v1.payment_methods


@pytest.fixture
def published(monkeypatch):
    """(event type, object, previous_attributes) for every events.publish call."""
    calls = []

    def record(event_type, obj, *, previous_attributes=None):
        calls.append((event_type, obj, previous_attributes))

    monkeypatch.setattr(events, "publish", record)
    return calls


def test_create_a_customer(customers, published):
    customer = customers.create(
        params={
            "email": "ray@example.com",
            "name": "Ray Smith",
            "phone": "+15555550100",
            "description": "A regular",
            "metadata": {"shop_id": "42"},
            "address": {"line1": "1 Main St", "city": "Springfield", "country": "US"},
            "shipping": {"name": "Ray Smith", "address": {"line1": "1 Main St"}},
            "preferred_locales": ["en", "fr"],
        }
    )

    assert list(customer.keys()) == CUSTOMER_KEYS
    assert customer.id.startswith("cus_")
    assert customer.object == "customer"
    assert (customer.email, customer.name, customer.phone) == (
        "ray@example.com",
        "Ray Smith",
        "+15555550100",
    )
    assert customer.metadata == {"shop_id": "42"}
    assert customer.address == {
        "city": "Springfield",
        "country": "US",
        "line1": "1 Main St",
        "line2": None,
        "postal_code": None,
        "state": None,
    }
    assert customer.shipping.name == "Ray Smith"
    assert customer.shipping.address.line1 == "1 Main St"
    assert customer.preferred_locales == ["en", "fr"]
    assert (customer.balance, customer.delinquent, customer.tax_exempt) == (0, False, "none")
    assert customer.livemode is False
    assert len(customer.invoice_prefix) == 8
    assert customer.invoice_settings == {
        "custom_fields": None,
        "default_payment_method": None,
        "footer": None,
        "rendering_options": None,
    }
    assert customers.retrieve(customer.id) == customer
    assert [(event, obj["id"]) for event, obj, _ in published] == [
        ("customer.created", customer.id)
    ]


def test_update_a_customer(customers, published):
    customer = customers.create(params={"email": "ray@example.com", "metadata": {"a": "1"}})

    updated = customers.update(customer.id, params={"name": "Ray", "metadata": {"b": "2", "a": ""}})

    assert updated.name == "Ray"
    assert updated.email == "ray@example.com"
    assert updated.metadata == {"b": "2"}
    event, obj, previous = published[-1]
    assert (event, obj["id"], obj["name"]) == ("customer.updated", customer.id, "Ray")
    assert previous == {"name": None, "metadata": {"a": "1"}}
    count = len(published)
    customers.update(customer.id, params={"name": "Ray"})  # nothing changes: no event
    assert len(published) == count


def test_delete_a_customer(customers, intents, published):
    customer = customers.create(params={"email": "gone@example.com"})

    deleted = customers.delete(customer.id)

    assert deleted == {"id": customer.id, "object": "customer", "deleted": True}
    assert customers.retrieve(customer.id) == deleted  # Stripe answers the stub
    assert published[-1][0] == "customer.deleted"
    assert published[-1][1]["email"] == "gone@example.com"
    assert customers.list().data == []
    for call in (
        lambda: customers.delete(customer.id),
        lambda: customers.update(customer.id, params={"name": "x"}),
    ):
        with pytest.raises(stripe.InvalidRequestError) as caught:
            call()
        assert (caught.value.http_status, caught.value.code) == (404, "resource_missing")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.create(params=card_params(customer=customer.id))
    assert caught.value.error.message == f"No such customer: '{customer.id}'"


def test_an_unknown_customer(customers):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        customers.retrieve("cus_missing")

    assert caught.value.http_status == 404
    assert caught.value.code == "resource_missing"
    assert caught.value.error.message == "No such customer: 'cus_missing'"
    assert caught.value.error.param == "id"


@pytest.mark.parametrize(
    ("params", "message", "param"),
    [
        ({"email": "not-an-email"}, "Invalid email address: not-an-email", "email"),
        ({"tax_exempt": "sometimes"}, "Invalid tax_exempt: must be one of exempt, none, or reverse",
         "tax_exempt"),
        ({"shipping": {"address": {"line1": "x"}}}, "Missing required param: shipping[name].",
         "shipping[name]"),
        ({"balance": "lots"}, "Invalid integer: lots", "balance"),
        ({"colour": "red"}, "Received unknown parameter: colour", "colour"),
        ({"address": {"planet": "Mars"}}, "Received unknown parameter: address[planet]",
         "address[planet]"),
    ],
)  # fmt: skip
def test_bad_customer_parameters(customers, params, message, param):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        customers.create(params=params)

    assert caught.value.http_status == 400
    assert caught.value.error.message == message
    assert caught.value.error.param == param


def test_list_customers(customers):
    ray = customers.create(params={"email": "ray@example.com"})
    ann = customers.create(params={"email": "ann@example.com"})

    every = customers.list()
    by_email = customers.list(params={"email": "ray@example.com"})

    assert every.url == "/v1/customers"
    assert {customer.id for customer in every.data} == {ray.id, ann.id}
    assert [customer.id for customer in by_email.data] == [ray.id]
    assert customers.list(params={"email": "RAY@example.com"}).data == []  # case-sensitive
    paged = [customer.id for customer in customers.list(params={"limit": 1}).auto_paging_iter()]
    assert sorted(paged) == sorted([ray.id, ann.id])


# --- PaymentMethods attached to customers ---
def test_attach_and_detach(customers, methods, published):
    customer = customers.create()
    method = methods.create(params={"type": "card", "card": {"token": "tok_visa"}})

    attached = methods.attach(method.id, params={"customer": customer.id})

    assert attached.customer == customer.id
    assert published[-1][0] == "payment_method.attached"
    listed = customers.payment_methods.list(customer.id)
    assert listed.url == f"/v1/customers/{customer.id}/payment_methods"
    assert [pm.id for pm in listed.data] == [method.id]
    assert customers.payment_methods.retrieve(customer.id, method.id).id == method.id
    assert [pm.id for pm in methods.list(params={"customer": customer.id}).data] == [method.id]

    detached = methods.detach(method.id)

    assert detached.customer is None
    assert published[-1][0] == "payment_method.detached"
    assert published[-1][2] == {"customer": customer.id}
    assert customers.payment_methods.list(customer.id).data == []
    with pytest.raises(stripe.InvalidRequestError) as caught:
        customers.payment_methods.retrieve(customer.id, method.id)
    assert caught.value.http_status == 404


def test_attach_a_test_alias(customers, methods):
    customer = customers.create()

    attached = methods.attach("pm_card_mastercard", params={"customer": customer.id})

    assert attached.id.startswith("pm_") and attached.id != "pm_card_mastercard"
    assert attached.card.brand == "mastercard"
    assert attached.customer == customer.id


def test_detach_an_unattached_payment_method(methods):
    method = methods.create(params={"type": "card", "card": {"token": "tok_visa"}})

    with pytest.raises(stripe.InvalidRequestError) as caught:
        methods.detach(method.id)

    assert caught.value.http_status == 400
    assert caught.value.error.message == (
        "The payment method you provided is not attached to a customer so detachment is impossible."
    )


def test_attach_errors(customers, methods):
    first, second = customers.create(), customers.create()
    method = methods.attach("pm_card_visa", params={"customer": first.id})

    with pytest.raises(stripe.InvalidRequestError) as missing:
        methods.attach(method.id, params={})
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        methods.attach(method.id, params={"customer": "cus_nobody"})
    with pytest.raises(stripe.InvalidRequestError) as taken:
        methods.attach(method.id, params={"customer": second.id})
    with pytest.raises(stripe.InvalidRequestError) as no_method:
        methods.attach("pm_missing", params={"customer": first.id})

    assert (missing.value.code, missing.value.param) == ("parameter_missing", "customer")
    assert (unknown.value.code, unknown.value.param) == ("resource_missing", "customer")
    assert unknown.value.error.message == "No such customer: 'cus_nobody'"
    assert taken.value.error.message == (
        "The payment method you provided has already been attached to a customer."
    )
    assert (no_method.value.http_status, no_method.value.code) == (404, "resource_missing")
    # Attaching again to the same customer changes nothing.
    assert methods.attach(method.id, params={"customer": first.id}).customer == first.id


def test_update_a_payment_method(customers, methods, published):
    customer = customers.create()
    method = methods.attach("pm_card_visa", params={"customer": customer.id})

    updated = methods.update(
        method.id,
        params={
            "billing_details": {"name": "Ray", "address": {"postal_code": "94107"}},
            "metadata": {"k": "v"},
        },
    )

    assert updated.billing_details.name == "Ray"
    assert updated.billing_details.address.postal_code == "94107"
    assert updated.billing_details.email is None
    assert updated.metadata == {"k": "v"}
    assert published[-1][0] == "payment_method.updated"
    assert set(published[-1][2]) == {"billing_details", "metadata"}
    assert methods.retrieve(method.id) == updated


def test_update_a_payment_method_that_is_not_saved(methods):
    method = methods.create(params={"type": "card", "card": {"token": "tok_visa"}})

    with pytest.raises(stripe.InvalidRequestError) as caught:
        methods.update(method.id, params={"metadata": {"k": "v"}})

    assert caught.value.error.message == (
        "You must save this PaymentMethod to a customer before you can update it."
    )


def test_default_payment_method(customers, methods):
    customer = customers.create()
    mine = methods.attach("pm_card_visa", params={"customer": customer.id})
    other = methods.create(params={"type": "card", "card": {"token": "tok_visa"}})

    updated = customers.update(
        customer.id, params={"invoice_settings": {"default_payment_method": mine.id}}
    )
    expanded = customers.retrieve(
        customer.id, params={"expand": ["invoice_settings.default_payment_method"]}
    )

    assert updated.invoice_settings.default_payment_method == mine.id
    assert expanded.invoice_settings.default_payment_method.card.last4 == "4242"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        customers.update(
            customer.id, params={"invoice_settings": {"default_payment_method": other.id}}
        )
    assert caught.value.error.message == (
        f"The customer does not have a payment method with the ID {other.id}. The payment "
        "method must be attached to the customer."
    )
    assert caught.value.error.param == "invoice_settings[default_payment_method]"
    methods.detach(mine.id)  # detaching the default clears it
    assert customers.retrieve(customer.id).invoice_settings.default_payment_method is None


def test_create_with_a_payment_method(customers):
    customer = customers.create(
        params={
            "payment_method": "pm_card_visa",
            "email": "ray@example.com",
        }
    )

    saved = customers.payment_methods.list(customer.id).data

    assert len(saved) == 1
    assert saved[0].customer == customer.id


# --- customers on PaymentIntents ---
def test_an_intent_for_an_unknown_customer(intents):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        intents.create(params=card_params(customer="cus_nobody"))

    assert caught.value.http_status == 400
    assert caught.value.code == "resource_missing"
    assert caught.value.error.message == "No such customer: 'cus_nobody'"
    assert caught.value.error.param == "customer"


def test_an_intent_with_a_customer(customers, intents, stripe_client):
    customer = customers.create()

    intent = intents.create(params=card_params(customer=customer.id, confirm=True))
    expanded = intents.retrieve(intent.id, params={"expand": ["customer"]})

    assert intent.customer == customer.id
    assert expanded.customer.id == customer.id
    assert stripe_client.v1.charges.retrieve(intent.latest_charge).customer == customer.id
    assert [c.id for c in stripe_client.v1.charges.list(params={"customer": customer.id})] == [
        intent.latest_charge
    ]
    assert [i.id for i in intents.list(params={"customer": customer.id}).data] == [intent.id]
    # Without setup_future_usage the card is not saved.
    assert customers.payment_methods.list(customer.id).data == []


@pytest.mark.parametrize("usage", ["on_session", "off_session"])
def test_setup_future_usage_saves_the_card(customers, intents, methods, usage, published):
    customer = customers.create()

    intent = intents.create(
        params=card_params(customer=customer.id, setup_future_usage=usage, confirm=True)
    )

    assert intent.status == "succeeded"
    assert intent.setup_future_usage == usage
    assert methods.retrieve(intent.payment_method).customer == customer.id
    assert [pm.id for pm in customers.payment_methods.list(customer.id).data] == [
        intent.payment_method
    ]
    assert ("payment_method.attached", intent.payment_method) in [
        (event, obj["id"]) for event, obj, _ in published
    ]
    # The saved card pays again, off session.
    again = intents.create(
        params=card_params(
            intent.payment_method, customer=customer.id, confirm=True, off_session=True
        )
    )
    assert again.status == "succeeded"


def test_a_declined_payment_saves_no_card(customers, intents):
    customer = customers.create()

    with pytest.raises(stripe.CardError):
        intents.create(
            params=card_params(
                "pm_card_chargeDeclined",
                customer=customer.id,
                setup_future_usage="off_session",
                confirm=True,
            )
        )

    assert customers.payment_methods.list(customer.id).data == []


def test_a_customers_card_cannot_pay_for_another_customer(customers, intents, methods):
    ray, ann = customers.create(), customers.create()
    card = methods.attach("pm_card_visa", params={"customer": ray.id})

    for other in (ann.id, None):
        params = card_params(card.id, confirm=True)
        if other:
            params["customer"] = other
        with pytest.raises(stripe.InvalidRequestError) as caught:
            intents.create(params=params)
        assert caught.value.error.param == "payment_method"
        assert caught.value.error.message == (
            f"The payment method supplied ({card.id}) belongs to the Customer {ray.id}. Please "
            "include the Customer in the `customer` parameter on the PaymentIntent."
        )
    assert intents.create(params=card_params(card.id, customer=ray.id, confirm=True)).status == (
        "succeeded"
    )
