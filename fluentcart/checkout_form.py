"""The checkout form as FluentCart validates it (reference §3, step 6): which fields the store's
settings require, and every error as `{field: {rule: message}}` with the rules `required`,
`invalid` and `unavailable`. The result is the buyer's addresses in the hub's keys; the rules
on what an order needs (stock, totals, shipping rates) stay the core's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from checkout_hub.services import addresses, text
from checkout_hub.services.timezones import country_for

MAX_NOTES = 200
ADDRESS_KEYS = ("address_1", "address_2", "city", "state", "postcode", "phone", "country")
LABELS = {
    "address_1": "Address",
    "city": "City",
    "state": "State",
    "postcode": "Postcode",
    "country": "Country",
    "full_name": "Full name",
    "first_name": "First name",
    "last_name": "Last name",
}
YES = ("yes", "1", "true", "on")


@dataclass
class CheckoutForm:
    email: str = ""
    billing: dict = field(default_factory=dict)
    shipping: dict | None = None  # None: ships to the billing address
    notes: str = ""
    payment_method: str = ""
    shipping_method: str = ""  # fc_selected_shipping_method (validated)
    charged_method: str = ""  # fc_shipping_method (what the plugin charges)
    create_account: bool = False
    user_tz: str = "UTC"
    tax_id: str = ""
    errors: dict = field(default_factory=dict)

    def add(self, name: str, rule: str, message: str) -> None:
        self.errors.setdefault(name, {})[rule] = message


def _text(params: dict, name: str) -> str:
    value = params.get(name, "")
    if isinstance(value, list | dict) or value is None:
        return ""
    return text.clean(str(value)).strip()


def split_name(full: str) -> tuple[str, str]:
    first, _, last = full.strip().partition(" ")
    return first, last.strip()


def _address(form: CheckoutForm, params: dict, kind: str, *, required: bool) -> dict:
    values = {key: _text(params, f"{kind}_{key}") for key in ADDRESS_KEYS}
    values["company"] = _text(params, f"{kind}_company_name")
    if settings.FLUENTCART_NAME_MODE == "first_last" and kind == "billing":
        values["first_name"] = _text(params, "billing_first_name")
        values["last_name"] = _text(params, "billing_last_name")
        if not values["first_name"]:
            form.add("billing_first_name", "required", "First name is required.")
        if settings.FLUENTCART_REQUIRE_LAST_NAME and not values["last_name"]:
            form.add("billing_last_name", "required", "Last name is required.")
    else:
        full = _text(params, f"{kind}_full_name")
        values["first_name"], values["last_name"] = split_name(full)
        if not full:
            form.add(f"{kind}_full_name", "required", "Full name is required.")
    country = values["country"].upper()
    values["country"] = country
    if required:
        for key in ("country", "address_1", "city"):
            if not values[key]:
                form.add(f"{kind}_{key}", "required", f"{LABELS[key]} is required.")
        if country not in addresses.POSTCODE_OPTIONAL and not values["postcode"]:
            form.add(f"{kind}_postcode", "required", "Postcode is required.")
    if country and country not in addresses.country_codes():
        form.add(f"{kind}_country", "invalid", "Country is not valid.")
    elif country and addresses.states_for(country):
        state = values["state"].upper()
        states = addresses.states_for(country)
        if not state and required and country in addresses.STATE_REQUIRED:
            form.add(f"{kind}_state", "required", "State is required.")
        elif state and state not in states:
            form.add(f"{kind}_state", "invalid", "State is not valid.")
        values["state"] = state
    return {k: v for k, v in values.items() if v}


def read(params: dict, *, user=None, physical: bool) -> CheckoutForm:
    """The place-order fields of `params`, checked. Look at `form.errors` for what failed."""
    form = CheckoutForm()
    form.user_tz = _text(params, "user_tz") or "UTC"
    # Logged in: the account's email wins (reference §3, step 4).
    email = (user.email if user is not None and user.email else "") or _text(
        params, "billing_email"
    )
    form.email = email
    if not email:
        form.add("billing_email", "required", "Email is required.")
    else:
        try:
            if len(email) > addresses.MAX_EMAIL_LENGTH:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            form.add("billing_email", "invalid", "Email must be a valid email address.")
    if user is not None and not _text(params, "billing_full_name"):
        name = user.get_full_name()
        if name:
            params = {**params, "billing_full_name": name}
    form.billing = _address(form, params, "billing", required=physical)
    if "country" not in form.billing and not physical:
        # An address the store does not ask for: the buyer's time zone's country, else the
        # store's (the seed: "Defaults to store country if not provided").
        form.billing["country"] = country_for(form.user_tz) or settings.FLUENTCART_STORE_COUNTRY
    form.billing["email"] = email
    if _text(params, "ship_to_different").lower() in YES:
        form.shipping = _address(form, params, "shipping", required=True)
    form.notes = _text(params, "order_notes")
    if len(form.notes) > MAX_NOTES:
        form.add(
            "order_notes", "max", f"Order notes may not be greater than {MAX_NOTES} characters."
        )
    if settings.FLUENTCART_AGREE_TERMS and _text(params, "agree_terms").lower() not in YES:
        form.add("agree_terms", "required", "You must agree to the terms and conditions.")
    # The seed's payment_method; the plugin's form sends _fct_pay_method.
    form.payment_method = _text(params, "payment_method") or _text(params, "_fct_pay_method")
    form.shipping_method = _text(params, "fc_selected_shipping_method")
    form.charged_method = _text(params, "fc_shipping_method")
    if physical and not (form.shipping_method or form.charged_method):
        form.add("shipping_method", "required", "You must select a shipping method.")
    form.create_account = _text(params, "allow_create_account").lower() in YES
    form.tax_id = _text(params, "billing_tax_id")[:100]
    return form
