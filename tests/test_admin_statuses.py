"""Statuses in admin: orders and checkout sessions move only through their transition tables
(actions, and the order form's `move_to`), with their side effects; refusals are messages and
change nothing; payment statuses are read-only."""

import pytest
from django.contrib.messages import get_messages
from django.forms import MultiWidget

from checkout_hub.models import CheckoutSession, Order, Payment, Product
from checkout_hub.services import cart as cart_service
from checkout_hub.services import checkout, checkout_sessions, statuses
from tests.factories import (
    US_ADDRESS,
    CartFactory,
    CheckoutSessionFactory,
    OrderFactory,
    ProductFactory,
    ShippingMethodFactory,
    ShippingZoneFactory,
)
from tests.test_admin import admin_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ProductFactory(regular_price=1000, manage_stock=True, stock_quantity=5)


def place(product, payment_method):
    """A real order holding 2 of `product`'s stock, made by the checkout service."""
    ShippingMethodFactory(zone=ShippingZoneFactory(countries=["US"]), cost=500)
    cart = CartFactory()
    cart_service.add_item(cart, product.pk, 2)
    return checkout.place_order(cart, billing=US_ADDRESS, payment_method=payment_method).order


def stock(product):
    return Product.objects.get(pk=product.pk).stock_quantity


def run_action(client, model, action, objects):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


def shown(response):
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


def change_form_data(response) -> dict:
    """The POST data of an admin change form as rendered, inlines included: what a browser
    would send back if nothing were touched."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            key, value = form.add_prefix(name), form[name].value()  # as the widget shows it
            if isinstance(field.widget, MultiWidget):  # the split date and time inputs
                for i, part in enumerate(field.widget.decompress(value)):
                    data[f"{key}_{i}"] = "" if part is None else part
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


# --- orders: actions ---
def test_cancelling_a_processing_order_by_action_releases_its_stock(staff_client, product):
    order = place(product, "cod")
    assert (order.status, stock(product)) == ("processing", 3)

    response = run_action(staff_client, Order, "mark_cancelled", [order])

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert not order.stock_reduced
    assert stock(product) == 5
    assert ("success", f"Order {order}: now cancelled.") in shown(response)


def test_a_refused_transition_is_an_error_message_and_changes_nothing(staff_client, product):
    order = place(product, "cod")
    statuses.transition(order, "completed")

    response = run_action(staff_client, Order, "mark_pending", [order])

    assert ("error", f"Order {order}: An order cannot go from completed to pending.") in shown(
        response
    )
    order.refresh_from_db()
    assert (order.status, order.stock_reduced, stock(product)) == ("completed", True, 3)


def test_an_action_moves_each_order_it_can_and_reports_the_others(staff_client, product):
    on_hold = place(product, "bacs")
    refunded = OrderFactory(status="refunded")

    response = run_action(staff_client, Order, "mark_processing", [on_hold, refunded])

    on_hold.refresh_from_db()
    refunded.refresh_from_db()
    # Marked processing by hand: the bacs money arrived (WooCommerce sets the paid date).
    assert (on_hold.status, on_hold.payment_status) == ("processing", "paid")
    assert on_hold.paid_at is not None
    assert refunded.status == "refunded"
    levels = sorted(level for level, _ in shown(response))
    assert levels == ["error", "success"]


def test_an_order_already_in_the_status_is_left_alone(staff_client, product):
    order = place(product, "cod")
    response = run_action(staff_client, Order, "mark_processing", [order])
    assert ("info", f"Order {order} is already processing.") in shown(response)


# --- orders: the change form ---
def test_the_order_form_has_no_writable_status(staff_client, product):
    order = place(product, "bacs")

    response = staff_client.get(admin_url(Order, "change", order.pk))

    form = response.context["adminform"].form
    assert "status" not in form.fields and "payment_status" not in form.fields
    assert "stock_reduced" not in form.fields
    offered = [value for value, _ in form.fields["move_to"].choices]
    assert offered == ["", "pending", "processing", "completed", "cancelled", "failed"]
    payments = next(
        i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is Payment
    )
    assert "status" not in payments.forms[0].fields


def test_saving_the_order_form_with_move_to_goes_through_the_transition(staff_client, product):
    order = place(product, "bacs")
    url = admin_url(Order, "change", order.pk)
    data = change_form_data(staff_client.get(url))
    data.update(move_to="cancelled", customer_note="Changed their mind", _save="Save")

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    order.refresh_from_db()
    assert (order.status, order.customer_note) == ("cancelled", "Changed their mind")
    assert stock(product) == 5


def test_the_order_form_refuses_a_status_the_table_does_not_allow(staff_client, product):
    order = place(product, "cod")
    statuses.transition(order, "completed")
    url = admin_url(Order, "change", order.pk)
    data = change_form_data(staff_client.get(url))
    data.update(move_to="pending", customer_note="sneaky", _save="Save")

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "move_to" in response.context["adminform"].form.errors
    order.refresh_from_db()
    assert (order.status, order.customer_note, stock(product)) == ("completed", "", 3)


def test_saving_the_order_form_without_move_to_keeps_the_status(staff_client, product):
    order = place(product, "bacs")
    url = admin_url(Order, "change", order.pk)
    data = change_form_data(staff_client.get(url))
    data.update(customer_note="Gift wrap", _save="Save")

    assert staff_client.post(url, data).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.customer_note, stock(product)) == ("on-hold", "Gift wrap", 3)


# --- payments ---
def test_a_payment_status_is_read_only(staff_client, product):
    payment = place(product, "bacs").payments.get()

    response = staff_client.get(admin_url(Payment, "change", payment.pk))

    assert "status" not in response.context["adminform"].form.fields
    assert "Pending" in response.content.decode()  # still shown


# --- checkout sessions ---
def test_the_session_pages_open_read_only_with_the_snapshot_indented(staff_client):
    session = CheckoutSessionFactory(order=OrderFactory())

    listed = staff_client.get(admin_url(CheckoutSession, "changelist")).content.decode()
    assert session.public_id in listed
    assert "$29.00" in listed
    assert admin_url(Order, "change", session.order.pk) in listed

    response = staff_client.get(admin_url(CheckoutSession, "change", session.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="_save"' not in content
    assert "&quot;unit_price&quot;: 2900" in content
    assert "customer@example.com" in content
    assert staff_client.get(admin_url(CheckoutSession, "add")).status_code == 403


@pytest.mark.parametrize(
    ("action", "status"), [("expire_sessions", "expired"), ("cancel_sessions", "cancelled")]
)
def test_session_actions_move_open_sessions(staff_client, action, status):
    session = CheckoutSessionFactory()

    response = run_action(staff_client, CheckoutSession, action, [session])

    session.refresh_from_db()
    assert session.status == status
    assert ("success", f"Session {session}: {status}.") in shown(response)


def test_a_session_mid_payment_cannot_be_expired_from_admin(staff_client):
    session = CheckoutSessionFactory()
    checkout_sessions.start_payment(session, OrderFactory())

    response = run_action(staff_client, CheckoutSession, "expire_sessions", [session])

    session.refresh_from_db()
    assert session.status == "processing"
    assert (
        "error",
        f"Session {session}: A checkout session cannot go from processing to expired.",
    ) in shown(response)
