"""The admin: every registered model lists and opens, and the pages staff rely on behave."""

import itertools
import json

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checkout_hub.models import (
    Attribute,
    AttributeTerm,
    Brand,
    Cart,
    CartItem,
    Category,
    CheckoutSession,
    Coupon,
    Customer,
    CustomerAddress,
    IdempotencyRecord,
    Order,
    OrderItem,
    OrderMeta,
    Payment,
    Product,
    ProductImage,
    RequestLog,
    Review,
    ScenarioRule,
    ShippingMethod,
    ShippingZone,
    Tag,
    TaxRate,
)
from cocart.models import ApiKey, new_pair
from stripe_fake import engine as stripe_engine
from stripe_fake import models as stripe_models
from tests.factories import (
    US_ADDRESS,
    CartFactory,
    CartItemFactory,
    CategoryFactory,
    CheckoutSessionFactory,
    CouponFactory,
    CustomerFactory,
    OrderFactory,
    OrderItemFactory,
    PaymentFactory,
    ProductFactory,
    ShippingMethodFactory,
    TaxRateFactory,
    UserFactory,
    VariationFactory,
)
from tests.pancake.admin_builders import builders as pancake_admin_builders

_seq = itertools.count(1)


# --- one builder per registered model: each call creates one new row ---
def build_product():
    variation = VariationFactory()
    parent = variation.parent
    parent.categories.add(CategoryFactory())
    ProductImage.objects.create(product=parent, src="https://example.com/hoodie.jpg", name="front")
    return parent


def build_product_image():
    return ProductImage.objects.create(
        product=ProductFactory(), src=f"https://example.com/{next(_seq)}.jpg"
    )


def build_customer():
    customer = CustomerFactory()
    CustomerAddress.objects.create(
        customer=customer, kind=CustomerAddress.Kind.BILLING, is_default=True, **US_ADDRESS
    )
    OrderFactory(customer=customer, billing_email=customer.email)
    return customer


def build_customer_address():
    return CustomerAddress.objects.create(
        customer=CustomerFactory(), kind=CustomerAddress.Kind.SHIPPING, **US_ADDRESS
    )


def build_cart():
    cart = CartFactory(customer=CustomerFactory(), billing_address=dict(US_ADDRESS))
    CartItemFactory(cart=cart)
    CartItemFactory(cart=cart)
    return cart


def build_order():
    order = OrderFactory(shipping_lines=[{"method_id": "flat_rate", "total": 500}])
    OrderItemFactory(order=order)
    PaymentFactory(order=order, reference=f"pi_{next(_seq)}", status=Payment.Status.SUCCEEDED)
    OrderMeta.objects.create(order=order, key="_wc_order_attribution_source_type", value="utm")
    return order


def build_order_meta():
    return OrderMeta.objects.create(
        order=OrderFactory(), key="_wc_order_attribution_utm_source", value="newsletter"
    )


def build_checkout_session():
    return CheckoutSessionFactory(cart=build_cart(), order=build_order())


def build_shipping_zone():
    return ShippingMethodFactory().zone


def build_scenario_rule():
    return ScenarioRule.objects.create(
        scenario="payment_declined", vendor="woo_store", path_pattern="/wp-json/*"
    )


def build_request_log():
    n = next(_seq)
    return RequestLog.objects.create(
        vendor="woo_store",
        method="POST",
        path="/wp-json/wc/store/v1/checkout",
        status=200,
        duration_ms=12.5,
        correlation_id=f"corr-{n}",
        request_headers={"Content-Type": "application/json", "Nonce": "[redacted]"},
        request_body='{"payment_method": "bacs", "billing_address": {"city": "New York"}}',
        response_headers={"Content-Type": "application/json"},
        response_body="not json <b>at all</b>",
    )


def build_idempotency_record():
    return IdempotencyRecord.objects.create(
        scope="hwp_bridge:checkout-session",
        key=f"key-{next(_seq)}",
        fingerprint="0" * 64,
        status_code=200,
        response_body='{"data": {"orderId": "1"}}',
        response_headers={"X-Correlation-Id": "abc"},
    )


def stripe_call(path, body):
    """One request to the embedded Stripe fake; its JSON reply."""
    headers = {"Authorization": "Bearer sk_test_admin"}
    status, _, reply = stripe_engine.handle("POST", path, "", headers, body.encode())
    assert status == 200, reply
    return json.loads(reply)


def build_stripe_payment_intent():
    intent = stripe_call(
        "/v1/payment_intents",
        f"amount=2000&currency=usd&metadata[order_id]={next(_seq)}&payment_method=pm_card_visa"
        "&payment_method_types[0]=card&confirm=true",
    )
    return stripe_models.PaymentIntent.objects.get(pk=intent["id"])


def build_stripe_payment_method():
    method = stripe_call("/v1/payment_methods", "type=card&card[token]=tok_mastercard")
    return stripe_models.PaymentMethod.objects.get(pk=method["id"])


def build_stripe_charge():
    return stripe_models.Charge.objects.get(pk=build_stripe_payment_intent().data["latest_charge"])


def build_stripe_checkout_session():
    session = stripe_call(
        "/v1/checkout/sessions",
        "mode=payment&success_url=https://shop.example/done&line_items[0][quantity]=1"
        "&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=900"
        "&line_items[0][price_data][product_data][name]=Album",
    )
    return stripe_models.CheckoutSession.objects.get(pk=session["id"])


def build_stripe_setup_intent():
    setup = stripe_call("/v1/setup_intents", "usage=off_session")
    return stripe_models.SetupIntent.objects.get(pk=setup["id"])


def build_stripe_customer():
    customer = stripe_call("/v1/customers", f"email=c{next(_seq)}@example.com&name=Ray")
    return stripe_models.Customer.objects.get(pk=customer["id"])


def build_stripe_refund():
    intent = build_stripe_payment_intent()
    refund = stripe_call("/v1/refunds", f"payment_intent={intent.pk}&amount=500")
    return stripe_models.Refund.objects.get(pk=refund["id"])


def build_cocart_api_key():
    key = ApiKey(description=f"Key {next(_seq)}", user=UserFactory())
    key.set_pair(*new_pair())
    key.save()
    return key


BUILDERS = {
    Cart: build_cart,
    CartItem: CartItemFactory,
    Category: CategoryFactory,
    CheckoutSession: build_checkout_session,
    Coupon: CouponFactory,
    Customer: build_customer,
    IdempotencyRecord: build_idempotency_record,
    CustomerAddress: build_customer_address,
    Order: build_order,
    OrderItem: OrderItemFactory,
    OrderMeta: build_order_meta,
    Payment: PaymentFactory,
    Product: build_product,
    ProductImage: build_product_image,
    RequestLog: build_request_log,
    ScenarioRule: build_scenario_rule,
    ShippingMethod: ShippingMethodFactory,
    ShippingZone: build_shipping_zone,
    TaxRate: TaxRateFactory,
    stripe_models.Charge: build_stripe_charge,
    stripe_models.CheckoutSession: build_stripe_checkout_session,
    stripe_models.Customer: build_stripe_customer,
    stripe_models.PaymentIntent: build_stripe_payment_intent,
    stripe_models.PaymentMethod: build_stripe_payment_method,
    stripe_models.Refund: build_stripe_refund,
    stripe_models.SetupIntent: build_stripe_setup_intent,
    get_user_model(): UserFactory,
    Group: lambda: Group.objects.create(name=f"Group {next(_seq)}"),
    ApiKey: build_cocart_api_key,
}
# The catalogue's tags, brands, attributes and reviews (issue 12).
BUILDERS.update(
    {
        Tag: lambda: Tag.objects.create(name=f"Tag {next(_seq)}"),
        Brand: lambda: Brand.objects.create(name=f"Brand {next(_seq)}"),
        Attribute: lambda: Attribute.objects.create(name="Color", slug=f"pa_c{next(_seq)}"),
        AttributeTerm: lambda: AttributeTerm.objects.create(
            attribute=Attribute.objects.create(name="Size", slug=f"pa_s{next(_seq)}"), name="M"
        ),
        Review: lambda: Review.objects.create(
            product=build_product(), reviewer="Ray", review="Good.", rating=4
        ),
    }
)

BUILDERS.update(pancake_admin_builders())  # Waffo Pancake, outbound webhooks, the task queue


def build_stripe_webhook_endpoint():
    endpoint = stripe_call(
        "/v1/webhook_endpoints", f"url=https://hooks.example/{next(_seq)}&enabled_events[0]=*"
    )
    return stripe_models.WebhookEndpoint.objects.get(pk=endpoint["id"])


def build_stripe_event():
    """An event with a delivery: a webhook endpoint, then a paid intent."""
    build_stripe_webhook_endpoint()
    intent = build_stripe_payment_intent()
    return stripe_models.Event.objects.get(object_id=intent.pk, type="payment_intent.succeeded")


# The Stripe fake's events and webhook endpoints (issue 13).
BUILDERS.update(
    {
        stripe_models.Event: build_stripe_event,
        stripe_models.WebhookEndpoint: build_stripe_webhook_endpoint,
    }
)

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def build(model):
    if model not in BUILDERS:
        pytest.fail(f"{model._meta.label} is registered in admin: add a builder to BUILDERS")
    return BUILDERS[model]()


def admin_url(model, view, *args):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
    return reverse(name, args=[quote(arg) for arg in args])  # as admin's own links do


# --- every model ---
def test_every_store_model_is_registered():
    store_models = apps.get_app_config("checkout_hub").get_models()
    missing = [m._meta.label for m in store_models if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_and_change_view_open(staff_client, model):
    obj = build(model)

    changelist = staff_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1

    change = staff_client.get(admin_url(model, "change", obj.pk))
    assert change.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_query_count_does_not_grow_per_row(staff_client, model):
    url = admin_url(model, "changelist")
    build(model)
    staff_client.get(url)  # warm up sessions, content types and the like

    with CaptureQueriesContext(connection) as one_row:
        assert staff_client.get(url).status_code == 200
    for _ in range(3):
        build(model)
    with CaptureQueriesContext(connection) as more_rows:
        assert staff_client.get(url).status_code == 200

    assert len(more_rows) == len(one_row), [q["sql"] for q in more_rows.captured_queries]


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_search_answers(staff_client, model):
    if not admin.site._registry[model].search_fields:
        pytest.skip("no search box")
    build(model)
    response = staff_client.get(admin_url(model, "changelist"), {"q": "example"})
    assert response.status_code == 200


# --- orders ---
def test_order_changelist_shows_formatted_total_and_email(staff_client):
    OrderFactory(total=2000, currency="USD", billing_email="ray@example.com")
    OrderFactory(total=123456, currency="EUR", billing_email="egon@example.com")

    response = staff_client.get(admin_url(Order, "changelist"))

    content = response.content.decode()
    assert "$20.00" in content
    assert "ray@example.com" in content
    assert "1.234,56 €" in content  # each order in its own currency
    assert "egon@example.com" in content


@pytest.mark.parametrize("field", ["order_key", "billing_email", "number"])
def test_order_search(staff_client, field):
    wanted = OrderFactory(billing_email="winston@example.com")
    other = OrderFactory(billing_email="janine@example.com")
    wanted.refresh_from_db()

    response = staff_client.get(admin_url(Order, "changelist"), {"q": getattr(wanted, field)})

    found = list(response.context["cl"].result_list)
    assert wanted in found
    assert other not in found


def test_order_change_view_shows_lines_payments_and_meta(staff_client):
    order = build_order()

    response = staff_client.get(admin_url(Order, "change", order.pk))

    content = response.content.decode()
    assert "_wc_order_attribution_source_type" in content
    assert order.payments.get().reference in content
    assert order.items.get().name in content
    assert "$20.00" in content  # the totals summary


# --- scenario rules ---
def rule_form(scenario):
    return {
        "scenario": scenario,
        "vendor": "woo_store",
        "method": "post",
        "path_pattern": "/wp-json/wc/store/v1/checkout*",
        "enabled": "on",
        "remaining_uses": "2",
        "expires_at_0": "",
        "expires_at_1": "",
        "note": "QA: decline the next two checkouts",
        "_save": "Save",
    }


def test_scenario_rule_add_form_offers_the_vocabulary(staff_client):
    response = staff_client.get(admin_url(ScenarioRule, "add"))

    content = response.content.decode()
    assert '<option value="insufficient_funds">' in content
    assert "X-Hub-Scenario" in content
    assert "__scenario" in content


def test_scenario_rule_can_be_added_with_a_known_scenario(staff_client):
    response = staff_client.post(admin_url(ScenarioRule, "add"), rule_form("insufficient_funds"))

    assert response.status_code == 302
    rule = ScenarioRule.objects.get()
    assert rule.scenario == "insufficient_funds"
    assert rule.method == "POST"
    assert rule.remaining_uses == 2


def test_scenario_rule_with_an_unknown_scenario_is_refused(staff_client):
    response = staff_client.post(admin_url(ScenarioRule, "add"), rule_form("meteor_strike"))

    assert response.status_code == 200
    assert "scenario" in response.context["adminform"].form.errors
    assert not ScenarioRule.objects.exists()


# --- request journal ---
def test_request_journal_lists_newest_first(staff_client):
    rows = [build_request_log() for _ in range(3)]

    response = staff_client.get(admin_url(RequestLog, "changelist"))

    listed = [row.pk for row in response.context["cl"].result_list]
    assert listed == sorted((row.pk for row in rows), reverse=True)


def test_request_journal_is_read_only(staff_client):
    row = build_request_log()

    assert staff_client.get(admin_url(RequestLog, "add")).status_code == 403
    assert staff_client.post(admin_url(RequestLog, "change", row.pk), {}).status_code == 403

    response = staff_client.get(admin_url(RequestLog, "change", row.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="_save"' not in content
    assert "&quot;payment_method&quot;: &quot;bacs&quot;" in content  # the body, indented
    assert "not json &lt;b&gt;at all&lt;/b&gt;" in content  # escaped, never rendered


def test_request_journal_search_by_correlation_id(staff_client):
    wanted, other = build_request_log(), build_request_log()

    response = staff_client.get(admin_url(RequestLog, "changelist"), {"q": wanted.correlation_id})

    assert list(response.context["cl"].result_list) == [wanted]
    assert other.correlation_id != wanted.correlation_id


# --- payments ---
def test_a_stripe_payment_links_to_its_payment_intent(staff_client, settings):
    intent = build_stripe_payment_intent()
    payment = PaymentFactory(gateway="stripe", reference=intent.pk, status=Payment.Status.SUCCEEDED)
    intent_url = admin_url(stripe_models.PaymentIntent, "change", intent.pk)
    link = f'<a href="{intent_url}">{intent.pk}</a>'

    assert link in staff_client.get(admin_url(Payment, "changelist")).content.decode()
    assert link in staff_client.get(admin_url(Payment, "change", payment.pk)).content.decode()
    assert staff_client.get(intent_url).status_code == 200

    settings.STRIPE_FAKE = False  # the hub talks to Stripe itself: its Dashboard
    content = staff_client.get(admin_url(Payment, "change", payment.pk)).content.decode()
    assert f'href="https://dashboard.stripe.com/test/payments/{intent.pk}"' in content


def test_an_offline_payment_reference_is_plain_text(staff_client):
    payment = PaymentFactory(gateway="bacs", reference="pi_lookalike")

    content = staff_client.get(admin_url(Payment, "changelist")).content.decode()

    assert "pi_lookalike" in content
    assert "/paymentintent/pi_" not in content
    assert f"payment/{payment.pk}/change" in content
