"""Authentication (reference §0, §3): Basic with username, email or phone, the 4.7 body login,
the user id as cart key, the guest cart transferred on login, the two guards, consumer keys on
the Preview checkout, logout, the admin sessions routes, and `manage.py credentials`."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from checkout_hub.models import Cart, Customer
from cocart.models import ApiKey, new_pair

from .conftest import CK, CS, CUSTOMER, KEYS, PREVIEW, US_ADDRESS, V2, Api, assert_error, basic


@pytest.fixture
def customer(store):
    """The seeded demo customer, with a Customer row holding a billing phone (the one a
    first order makes)."""
    user = get_user_model().objects.get(username="customer")
    Customer.objects.create(email=user.email, phone="5555550100", user=user)
    return user


@pytest.mark.parametrize("login", ["customer", "customer@example.com", "5555550100"])
def test_login_with_basic_by_username_email_or_phone(client, customer, login):
    reply = client.post(f"{V2}/login", HTTP_AUTHORIZATION=basic(login, "customer"))
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert list(body) == [
        "user_id",
        "first_name",
        "last_name",
        "display_name",
        "role",
        "avatar_urls",
        "email",
        "extras",
        "dev_note",
    ]
    assert body["user_id"] == str(customer.pk)
    assert (body["first_name"], body["last_name"], body["display_name"]) == (
        "Dana",
        "Barrett",
        "Dana Barrett",
    )
    assert body["role"] == "Customer" and body["email"] == "customer@example.com"
    assert set(body["avatar_urls"]) == {"24", "48", "96"}


def test_login_with_username_and_password_in_the_body(client, customer):
    reply = client.post(
        f"{V2}/login",
        json.dumps({"username": "customer", "password": "customer"}),
        content_type="application/json",
    )
    assert reply.status_code == 200 and reply.json()["user_id"] == str(customer.pk)


def test_login_failures(client, customer):
    assert_error(
        client.post(f"{V2}/login", HTTP_AUTHORIZATION=basic("customer", "wrong")),
        401,
        "cocart_authentication_error",
    )
    assert_error(client.post(f"{V2}/login"), 401, "cocart_rest_not_authorized")
    bad_body = client.post(
        f"{V2}/login",
        json.dumps({"username": "customer", "password": "nope"}),
        content_type="application/json",
    )
    assert_error(bad_body, 401, "cocart_authentication_error")
    # Core CoCart has no consumer-key auth: a key pair as Basic is a failed WordPress login.
    assert_error(
        client.get(f"{V2}/cart", HTTP_AUTHORIZATION=KEYS), 401, "cocart_authentication_error"
    )


def test_an_authenticated_cart_is_keyed_by_the_user_id(client, customer):
    me = Api(client, auth=CUSTOMER)
    reply = me.post("cart/add-item", {"id": 1})
    assert reply["CoCart-API-Cart-Key"] == str(customer.pk)
    assert reply.json()["cart_key"] == str(customer.pk)
    # Logged-in carts expire after 7 days.
    assert int(reply["CoCart-API-Cart-Expiration"]) - int(reply["CoCart-Timestamp"]) == 7 * 86400
    assert Cart.objects.get(key=str(customer.pk)).items.count() == 1


def test_a_guest_cart_is_transferred_to_the_customer_on_login(client, customer):
    guest = Api(client)
    guest.post("cart/add-item", {"id": 1, "quantity": 2})
    guest_key = guest.key
    # The customer already had a cart of their own: the guest's replaces it.
    Api(client, auth=CUSTOMER).post("cart/add-item", {"id": 4})
    reply = client.post(f"{V2}/login?cart_key={guest_key}", HTTP_AUTHORIZATION=CUSTOMER)
    assert reply.status_code == 200
    cart = Api(client, auth=CUSTOMER).get("cart").json()
    assert cart["cart_key"] == str(customer.pk)
    assert [(i["id"], i["quantity"]["value"]) for i in cart["items"]] == [(1, 2)]
    assert not Cart.objects.filter(key=guest_key).exists()
    assert Cart.objects.open().get(key=str(customer.pk)).customer == Customer.objects.get(
        user=customer
    )


def test_the_guards(client, customer):
    reply = client.get(f"{V2}/cart", {"cart_key": str(customer.pk)})
    assert reply.status_code == 403
    assert reply.json() == {
        "success": False,
        "data": [
            {
                "code": "cocart_must_authenticate_user",
                "message": "Must authenticate customer as the cart key provided is a registered "
                "customer.",
            }
        ],
    }
    reply = client.get(f"{V2}/cart", {"cart_key": str(customer.pk)}, HTTP_AUTHORIZATION=CUSTOMER)
    assert reply.status_code == 403
    assert reply.json()["data"][0]["code"] == "cocart_already_authenticating_user"


def test_logout(client, customer):
    client.force_login(customer)
    assert client.post(f"{V2}/logout").json() is True
    assert client.get(f"{V2}/cart").json()["cart_key"].startswith("t_")


def test_the_preview_checkout_requires_a_consumer_key(api):
    api.post("cart/add-item", {"id": 1})
    assert_error(api.checkout("get", HTTP_AUTHORIZATION=""), 401, "cocart_authentication_error")
    wrong = basic(CK, "cs_wrong")
    assert_error(api.checkout("get", HTTP_AUTHORIZATION=wrong), 401, "cocart_authentication_error")
    # Basic with the pair, or the query parameters.
    assert api.checkout("get").status_code == 200
    query = api.client.get(
        f"{PREVIEW}/checkout",
        {"consumer_key": CK, "consumer_secret": CS},
        HTTP_COCART_API_CART_KEY=api.key,
    )
    assert query.status_code == 200
    assert ApiKey.objects.get().last_access is not None


def test_a_read_key_cannot_process(api, store):
    key = ApiKey(description="read only", permissions=ApiKey.Permissions.READ)
    pair = new_pair()
    key.set_pair(*pair)
    key.save()
    api.post("cart/add-item", {"id": 1})
    auth = basic(*pair)
    assert api.checkout("get", HTTP_AUTHORIZATION=auth).status_code == 200
    reply = api.checkout(
        "put",
        body={"billing_address": US_ADDRESS, "payment_method": "cod"},
        HTTP_AUTHORIZATION=auth,
    )
    assert_error(reply, 401, "cocart_authentication_error")


def test_with_a_consumer_key_the_customers_cart_is_named_by_its_id(client, customer):
    Api(client, auth=CUSTOMER).post("cart/add-item", {"id": 1})
    reply = client.get(
        f"{PREVIEW}/checkout", HTTP_AUTHORIZATION=KEYS, HTTP_COCART_API_CART_KEY=str(customer.pk)
    )
    assert reply.status_code == 200, reply.content
    assert reply.json()["customer_id"] == customer.pk
    assert reply.json()["cart_contents"]


def test_payment_methods_debug_block_is_admin_only(client, store):
    plain = client.get(f"{PREVIEW}/checkout/payment-methods", HTTP_AUTHORIZATION=KEYS).json()
    assert list(plain) == ["stripe", "bacs", "cheque", "cod"]
    assert "debug" not in plain["stripe"]
    assert plain["stripe"]["config"] == {
        "test_mode": True,
        "is_connected": True,
        "supports_tokenization": True,
        "supports_refunds": True,
        "supports_subscriptions": False,
        "requires_billing_address": True,
    }
    admin = get_user_model().objects.get(username="admin")
    client.force_login(admin)
    debug = client.get(f"{PREVIEW}/checkout/payment-methods", HTTP_AUTHORIZATION=KEYS).json()
    assert debug["stripe"]["debug"]["gateway_class"] == "StripeGateway"
    assert debug["stripe"]["debug"]["settings"]["publishable_key"].startswith("pk_test_")


def test_admin_sessions(client, customer):
    guest = Api(client)
    guest.post("cart/add-item", {"id": 1})
    assert_error(client.get(f"{V2}/sessions"), 401, "cocart_rest_cannot_view")
    assert_error(
        client.get(f"{V2}/sessions", HTTP_AUTHORIZATION=CUSTOMER), 403, "cocart_rest_cannot_view"
    )
    admin = basic("admin", "admin")
    rows = client.get(f"{V2}/sessions", HTTP_AUTHORIZATION=admin).json()
    assert [r["cart_key"] for r in rows] == [guest.key]
    assert set(rows[0]) == {
        "cart_id",
        "cart_key",
        "customers_name",
        "customers_email",
        "cart_created",
        "cart_expiry",
        "cart_source",
        "link",
    }
    one = client.get(f"{V2}/session/{guest.key}", HTTP_AUTHORIZATION=admin).json()
    assert one["cart_key"] == guest.key and one["item_count"] == 1
    items = client.get(f"{V2}/sessions/{guest.key}/items", HTTP_AUTHORIZATION=admin).json()
    assert [i["id"] for i in items] == [1]
    deleted = client.delete(f"{V2}/session/{guest.key}", HTTP_AUTHORIZATION=admin)
    assert deleted.json() == "Session successfully deleted!"
    assert_error(
        client.get(f"{V2}/sessions", HTTP_AUTHORIZATION=admin), 404, "cocart_no_carts_in_session"
    )


def test_credentials_lists_the_cocart_demo_pair(store):
    out = io.StringIO()
    call_command("credentials", stdout=out)
    cocart = json.loads(out.getvalue())["cocart"]
    assert (cocart["consumerKey"], cocart["consumerSecret"]) == (CK, CS)
    assert (cocart["customerLogin"], cocart["customerPassword"]) == ("customer", "customer")
    assert ApiKey.objects.matching(CK, CS) is not None
