"""`checkout/create-session`: a request's fields checked with the seed's messages, the store
and product checks, then a checkout session (the core's) with Pancake's locks.

Locked at creation (seed "Session Locks"): product version, name, price info, store name,
billing period, trial, theme (dark mode), buyer email and billing detail, in the session's
snapshot; a later price change never reaches an open session.
"""

from __future__ import annotations

import re

from django.db.models import Prefetch

from checkout_hub.models import Vendor, normalise_email
from checkout_hub.services import billing_detail, checkout_sessions, money

from . import errors, ids, wire
from .auth import Credential
from .models import EntityStatus, Environment, PancakeProduct, ProductPrice, ProductVersion, Store

DEFAULT_TTL = 2700
MAX_TTL = 30 * 24 * 3600
CURRENCY = re.compile(r"^[A-Z]{3}$")
AMOUNT = re.compile(r"^\d+(\.\d+)?$")
CURRENCIES = {
    PancakeProduct.Kind.ONETIME: {"USD", "EUR", "GBP", "HKD", "JPY", "CNY"},
    PancakeProduct.Kind.SUBSCRIPTION: {"USD", "EUR", "GBP", "HKD", "JPY"},
}
TAX_CATEGORIES = {
    "digital_goods",
    "saas",
    "software",
    "ebook",
    "online_course",
    "consulting",
    "professional_service",
}
LANGUAGES = set(
    [
        "en",
        "pt-BR",
        "es-MX",
        "id-ID",
        "vi-VN",
        "ru-RU",
        "en-KE",
        "es-PE",
        "es-CO",
        "es-CL",
        "zh-Hant-TW",
        "zh-Hant-HK",
        "th-TH",
        "ja-JP",
        "en-NG",
        "ko-KR",
        "en-HK",
        "zh-Hans-HK",
        "pl-PL",
        "tr-TR",
        "zh-Hans",
        "ms-MY",
    ]
)
PAYMENT_METHODS = {"card", "applepay", "googlepay", "wechat"}
# Fields only an API Key may set; under Store Slug (and a customer token) they are silently
# ignored, so a client cannot tamper with prices or the session (seed).
MERCHANT_ONLY = (
    "priceSnapshot",
    "expiresInSeconds",
    "metadata",
    "orderMerchantExternalId",
    "withTrial",
    "includePaymentMethods",
    "excludePaymentMethods",
)


def _bad(message: str, layer: str = errors.GATEWAY):
    return errors.bad_request(message, layer)


def _optional(data: dict, name: str, kind, label: str):
    value = data.get(name)
    if value is not None and not isinstance(value, kind):
        raise _bad(f"{name} must be {label}")
    if kind is int and isinstance(value, bool):
        raise _bad(f"{name} must be {label}")
    return value


def validate(data, credential: Credential) -> dict:
    """The request's fields, checked in the seed's order; merchant-only ones dropped unless
    the credential is an API Key."""
    if not isinstance(data, dict):
        raise _bad(errors.INVALID_JSON)
    if not credential.is_api_key:
        data = {k: v for k, v in data.items() if k not in MERCHANT_ONLY}
    product_id, currency = data.get("productId"), data.get("currency")
    missing = [
        name for name, value in (("productId", product_id), ("currency", currency)) if not value
    ]
    if missing:
        raise _bad(f"Missing required fields: {', '.join(missing)}")
    if not isinstance(currency, str) or not CURRENCY.match(currency):
        raise _bad(errors.invalid_currency(currency))
    if not ids.is_short_id(product_id, "PROD"):
        raise _bad(errors.invalid_short_id("PROD", product_id), errors.PRODUCT)
    detail = data.get("billingDetail")
    if detail is not None:
        if billing_detail.problems(detail):
            raise _bad(errors.INVALID_BILLING)
        detail = billing_detail.normalise(detail)
    external_id = data.get("orderMerchantExternalId")
    if external_id is not None:
        if not isinstance(external_id, str) or not external_id.strip():
            raise _bad(errors.EXTERNAL_ID_EMPTY, errors.ORDER)
        external_id = external_id.strip()
        if len(external_id) > 128:
            raise _bad(errors.EXTERNAL_ID_LONG, errors.ORDER)
    buyer_email = _optional(data, "buyerEmail", str, "a string")
    if buyer_email is not None and len(buyer_email) > 254:
        raise _bad("buyerEmail must be at most 254 characters")
    success_url = _optional(data, "successUrl", str, "a string")
    if success_url and (
        not success_url.startswith(("http://", "https://")) or len(success_url) > 2048
    ):
        raise _bad("successUrl must be an http(s) URL")
    dark_mode = _optional(data, "darkMode", bool, "a boolean")
    with_trial = _optional(data, "withTrial", bool, "a boolean")
    ttl = data.get("expiresInSeconds")
    if ttl is not None:
        if isinstance(ttl, float) and ttl.is_integer():
            ttl = int(ttl)
        if isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 < ttl <= MAX_TTL:
            raise _bad(f"expiresInSeconds must be a positive integer (at most {MAX_TTL})")
    metadata = data.get("metadata")
    if metadata is not None and (
        not isinstance(metadata, dict)
        or not all(isinstance(v, str | int | float | bool) for v in metadata.values())
    ):
        raise _bad("metadata must be an object of string values")
    snapshot = data.get("priceSnapshot")
    if snapshot is not None and (
        not isinstance(snapshot, dict)
        or not isinstance(snapshot.get("amount"), str)
        or not AMOUNT.match(snapshot["amount"])
        or snapshot.get("taxCategory") not in TAX_CATEGORIES
        or not isinstance(snapshot.get("taxIncluded", False), bool)
    ):
        raise _bad(
            "Invalid priceSnapshot: amount must be a decimal string and "
            "taxCategory one of " + ", ".join(sorted(TAX_CATEGORIES))
        )
    language = data.get("language")
    if language is not None and language not in LANGUAGES:
        raise _bad(f'Unsupported language: "{errors.js_string(language)}"')
    include = data.get("includePaymentMethods")
    exclude = data.get("excludePaymentMethods")
    for name, value in (("includePaymentMethods", include), ("excludePaymentMethods", exclude)):
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            raise _bad(f"{name} must be an array of strings")
    if include is not None and exclude is not None:
        raise _bad("includePaymentMethods and excludePaymentMethods are mutually exclusive")
    if include and not set(include) <= PAYMENT_METHODS:
        unknown = sorted(set(include) - PAYMENT_METHODS)
        raise _bad(f"Unsupported payment method in includePaymentMethods: {', '.join(unknown)}")
    return {
        "product_id": product_id,
        "currency": currency,
        "billing_detail": detail,
        "external_id": external_id,
        "buyer_email": normalise_email(buyer_email) if buyer_email else "",
        "success_url": success_url or "",
        "dark_mode": dark_mode,
        "with_trial": with_trial,
        "ttl": ttl,
        "metadata": {k: str(v) for k, v in (metadata or {}).items()},
        "price_snapshot": snapshot,
        "language": language or "",
        "include": include,
        "exclude": exclude,
    }


def check_store(store: Store, environment: str) -> None:
    if store.status != EntityStatus.ACTIVE:
        raise errors.forbidden(errors.STORE_INACTIVE, errors.STORE)
    if environment == Environment.PROD and not store.prod_enabled:
        raise errors.forbidden(errors.STORE_NOT_APPROVED, errors.STORE)


def find_product(short_id: str) -> PancakeProduct | None:
    versions = ProductVersion.objects.prefetch_related(
        Prefetch("prices", queryset=ProductPrice.objects.all())
    )
    return (
        PancakeProduct.objects.select_related("store__merchant", "hub_product")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .filter(short_id=short_id)
        .first()
    )


def resolve(fields: dict, credential: Credential):
    """(store, product, version, price) for the request, with the seed's 403/404/400s."""
    store = credential.store
    if store is not None:
        check_store(store, credential.environment)
    product = find_product(fields["product_id"])
    if product is None:
        raise errors.not_found(errors.PRODUCT_NOT_FOUND, errors.PRODUCT)
    if store is None:  # an API Key: the product names its store, which must be the merchant's
        if product.store.merchant_id != credential.merchant.pk:
            raise errors.forbidden(errors.PRODUCT_NOT_IN_STORE, errors.PRODUCT)
        store = product.store
        check_store(store, credential.environment)
    elif product.store_id != store.pk:
        raise errors.forbidden(errors.PRODUCT_NOT_IN_STORE, errors.PRODUCT)
    version = product.current_version()
    if version is None or not product.active_in(credential.environment):
        raise errors.not_found(errors.PRODUCT_NOT_ACTIVE, errors.PRODUCT)
    currency = fields["currency"]
    price = version.price_for(currency)
    if price is None or currency not in CURRENCIES[product.kind]:
        raise _bad(errors.currency_not_supported(currency), errors.PRODUCT)
    return store, product, version, price


def create(fields: dict, credential: Credential):
    store, product, version, price = resolve(fields, credential)
    currency = fields["currency"]
    snapshot = fields["price_snapshot"]
    subscription = product.kind == PancakeProduct.Kind.SUBSCRIPTION
    amount = price.amount
    tax_category, tax_included, source = price.tax_category, price.tax_included, "product"
    if snapshot is not None:
        try:
            amount = money.from_decimal_string(snapshot["amount"], currency)
        except ValueError:
            raise _bad("Invalid priceSnapshot: amount must be a decimal string") from None
        tax_category = snapshot["taxCategory"]
        tax_included = bool(snapshot.get("taxIncluded", False))
        source = "priceSnapshot"
    with_trial = fields["with_trial"]
    trial_days = 0
    if subscription and product.trial_days and with_trial is not False:
        trial_days = product.trial_days
    if subscription and with_trial is True and not product.trial_days:
        trial_days = 7  # forced trial on a product without trial rules: the group default
    trial_amount = (price.trial_amount or 0) if trial_days else None
    charge_now = trial_amount if trial_days else amount
    dark_mode = store.dark_mode if fields["dark_mode"] is None else fields["dark_mode"]
    data = {
        "environment": credential.environment,
        "credential": credential.kind,
        "store_id": store.short_id,
        "store_slug": store.slug,
        "store_name": store.name,
        "product_id": product.short_id,
        "product_kind": product.kind,
        "product_version_id": str(version.public_id),
        "product_version_number": version.number,
        "product_name": version.name,
        "product_description": version.description,
        "product_metadata": version.metadata,
        "price_info": {
            "amount": wire.amount(amount, currency),
            "currency": currency,
            "taxCategory": tax_category,
            "taxIncluded": tax_included,
            "source": source,
        },
        "billing_period": product.billing_period if subscription else None,
        "with_trial": bool(trial_days),
        "trial_days": trial_days,
        "trial_amount": wire.amount(trial_amount, currency) if trial_amount is not None else None,
        "dark_mode": dark_mode,
        "language": fields["language"],
        "order_merchant_external_id": fields["external_id"],
        "buyer_identity": credential.buyer_identity,
        "include_payment_methods": fields["include"],
        "exclude_payment_methods": fields["exclude"],
    }
    line = checkout_sessions.line_for(product.backing_product(), unit_price=charge_now)
    line["name"] = version.name
    return checkout_sessions.create(
        vendor=Vendor.PANCAKE,
        lines=[line],
        currency=currency,
        ttl_seconds=fields["ttl"] or DEFAULT_TTL,
        buyer_email=fields["buyer_email"],
        billing_detail=fields["billing_detail"] or {},
        success_url=fields["success_url"] or store.success_url,
        data=data,
        metadata=fields["metadata"],
    )
