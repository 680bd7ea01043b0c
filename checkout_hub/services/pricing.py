"""Pricing: line totals, coupons, shipping rates and tax for a cart, all in integer minor units.

`calculate(cart)` is the one place a cart's money is worked out; every vendor renders its
result. It reads the cart's prefetched lines plus a fixed handful of queries (coupons, tax
rates, shipping zones), so its cost does not grow with the number of lines.

Rules follow WooCommerce's defaults: prices exclude tax; coupons apply in the order they were
added, each capped at what is left of a line; tax is rounded half-up per line and per rate;
free shipping unlocks by coupon and/or minimum amount after discounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from checkout_hub import clock
from checkout_hub.models import (
    Cart,
    CartItem,
    Coupon,
    Product,
    ShippingMethod,
    ShippingZone,
    TaxRate,
)

from . import money, reference
from .errors import InvalidCoupon


@dataclass
class LineTotals:
    item: CartItem
    product: Product
    quantity: int
    unit_price: int
    subtotal: int
    subtotal_tax: int = 0
    discount: int = 0
    total: int = 0
    total_tax: int = 0
    taxes: dict[int, int] = field(default_factory=dict)  # tax rate id -> tax on `total`

    @property
    def key(self) -> str:
        return self.item.key


@dataclass
class CouponTotals:
    coupon: Coupon
    discount: int = 0
    discount_tax: int = 0

    @property
    def code(self) -> str:
        return self.coupon.code


@dataclass
class ShippingRate:
    method: ShippingMethod
    cost: int
    taxes: int = 0
    selected: bool = False

    @property
    def rate_id(self) -> str:
        return self.method.rate_id

    @property
    def method_id(self) -> str:
        return self.method.method_id

    @property
    def instance_id(self) -> int:
        return self.method.pk

    @property
    def title(self) -> str:
        return self.method.title


@dataclass
class TaxLine:
    rate: TaxRate
    tax_total: int = 0
    shipping_tax_total: int = 0

    @property
    def total(self) -> int:
        return self.tax_total + self.shipping_tax_total


@dataclass
class CartTotals:
    currency: str
    lines: list[LineTotals]
    coupons: list[CouponTotals]
    coupon_errors: list[InvalidCoupon]
    shipping_rates: list[ShippingRate]
    shipping_rate: ShippingRate | None
    tax_lines: list[TaxLine]
    needs_shipping: bool
    has_calculated_shipping: bool
    items_subtotal: int = 0
    items_subtotal_tax: int = 0
    discount_total: int = 0
    discount_tax: int = 0
    items_total: int = 0
    items_tax: int = 0
    shipping_total: int = 0
    shipping_tax: int = 0
    fee_total: int = 0
    fee_tax: int = 0

    @property
    def tax_total(self) -> int:
        return self.items_tax + self.shipping_tax + self.fee_tax

    @property
    def total(self) -> int:
        return self.items_total + self.shipping_total + self.fee_total + self.tax_total

    @property
    def needs_payment(self) -> bool:
        return self.total > 0

    @property
    def items_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def items_weight(self) -> int:
        """Grams."""
        return sum(
            (line.product.effective_weight_grams or 0) * line.quantity for line in self.lines
        )

    @property
    def free_shipping_coupon(self) -> bool:
        return any(c.coupon.free_shipping for c in self.coupons)


# --- coupons ---
def coupon_applies_to(coupon: Coupon, product: Product, product_ids: set[int]) -> bool:
    if product_ids and product.pk not in product_ids and product.parent_id not in product_ids:
        return False
    return not (coupon.exclude_sale_items and product.on_sale)


def coupon_problem(
    coupon: Coupon, lines: list[LineTotals], currency: str, *, product_ids: set[int] | None = None
) -> InvalidCoupon | None:
    """Why `coupon` cannot apply to these lines now (WooCommerce's messages), or None."""
    code = coupon.code
    if not coupon.enabled:
        return InvalidCoupon(
            f'Coupon "{code}" cannot be applied because it does not exist.',
            code=code,
            reason="disabled",
        )
    if coupon.expires_at and coupon.expires_at <= clock.now():
        return InvalidCoupon("This coupon has expired.", code=code, reason="expired")
    if coupon.usage_limit is not None and coupon.usage_count >= coupon.usage_limit:
        return InvalidCoupon(
            "Coupon usage limit has been reached.", code=code, reason="usage_limit"
        )
    subtotal = sum(line.subtotal for line in lines)
    if coupon.minimum_spend and subtotal < coupon.minimum_spend:
        amount = money.format_price(coupon.minimum_spend, currency)
        return InvalidCoupon(
            f"The minimum spend for this coupon is {amount}.", code=code, reason="minimum_spend"
        )
    if coupon.maximum_spend and subtotal > coupon.maximum_spend:
        amount = money.format_price(coupon.maximum_spend, currency)
        return InvalidCoupon(
            f"The maximum spend for this coupon is {amount}.", code=code, reason="maximum_spend"
        )
    if product_ids is None:
        product_ids = {p.pk for p in coupon.products.all()}
    restricted = product_ids or coupon.exclude_sale_items
    if (
        restricted
        and lines
        and not any(coupon_applies_to(coupon, line.product, product_ids) for line in lines)
    ):
        return InvalidCoupon(
            "Sorry, this coupon is not applicable to selected products.",
            code=code,
            reason="not_applicable",
        )
    return None


def _apply_coupon(coupon: Coupon, lines: list[LineTotals], product_ids: set[int]) -> int:
    """Discount `lines` in place for one coupon; returns the coupon's discount."""
    eligible = [line for line in lines if coupon_applies_to(coupon, line.product, product_ids)]
    remaining = [line.subtotal - line.discount for line in eligible]
    if coupon.discount_type == Coupon.DiscountType.FIXED_PRODUCT:
        shares = [
            min(coupon.amount * line.quantity, left)
            for line, left in zip(eligible, remaining, strict=True)
        ]
    elif coupon.discount_type == Coupon.DiscountType.PERCENT:
        # Percent of the original line prices (WooCommerce's non-sequential default),
        # rounded once for the cart and spread so the lines add up to it.
        base = [line.subtotal for line in eligible]
        wanted = money.percent_of(sum(base), coupon.amount)
        shares = money.split_proportionally(min(wanted, sum(remaining)), base)
        shares = [min(s, left) for s, left in zip(shares, remaining, strict=True)]
    else:  # fixed cart: the amount spread over the eligible lines in proportion to price
        shares = money.split_proportionally(min(coupon.amount, sum(remaining)), remaining)
    for line, share in zip(eligible, shares, strict=True):
        line.discount += share
    return sum(shares)


def load_coupons(codes: list[str]) -> dict[str, Coupon]:
    if not codes:
        return {}
    found = Coupon.objects.filter(code__in=codes).prefetch_related("products")
    return {c.code: c for c in found}


# --- tax ---
def matching_tax_rates(rates: list[TaxRate], country: str, state: str, tax_class: str = ""):
    """Per priority, the most specific rate for the place (state > country > everywhere)."""
    if not country:
        return []
    best: dict[int, tuple[int, TaxRate]] = {}
    for rate in rates:
        if rate.tax_class != tax_class:
            continue
        if rate.country and rate.country != country:
            continue
        if rate.state and rate.state != state:
            continue
        score = (2 if rate.state else 0) + (1 if rate.country else 0)
        if rate.priority not in best or score > best[rate.priority][0]:
            best[rate.priority] = (score, rate)
    return [rate for _, (_, rate) in sorted(best.items())]


def ships(products) -> bool:
    """Whether buying `products` needs shipping: shipping is on and one of them is physical."""
    return settings.HUB_SHIPPING_ENABLED and any(p.needs_shipping for p in products)


def tax_location(cart: Cart, needs_shipping: bool) -> tuple[str, str]:
    """WooCommerce taxes by the shipping address, else the billing address."""
    for address in (cart.shipping_address if needs_shipping else None, cart.billing_address):
        if address and address.get("country"):
            return address["country"], address.get("state", "")
    return "", ""


# --- shipping ---
def shipping_destination(cart: Cart) -> tuple[str, str]:
    address = cart.shipping_address or {}
    if not address.get("country"):
        address = cart.billing_address or {}
    return address.get("country", ""), address.get("state", "")


def available_shipping_methods(
    country: str, state: str, zones: list[ShippingZone] | None = None
) -> list[ShippingMethod]:
    """The enabled methods of the first zone that covers the place."""
    if zones is None:
        zones = reference.shipping_zones()
    for zone in zones:
        if zone.matches(country, state):
            return [m for m in zone.methods.all() if m.enabled and m.matches(country, state)]
    return []


def _free_shipping_unlocked(method: ShippingMethod, amount: int, has_coupon: bool) -> bool:
    meets_min = method.min_amount is None or amount >= method.min_amount
    requires = method.requires
    if requires == "coupon":
        return has_coupon
    if requires == "min_amount":
        return meets_min
    if requires == "either":
        return has_coupon or meets_min
    if requires == "both":
        return has_coupon and meets_min
    return True


def tax_preview(amount: int, country: str, state: str = "", tax_class: str = "") -> list:
    """The tax on `amount` (minor units, before tax) for a buyer in `country`/`state`, as
    checkout would charge it: [(TaxRate, tax)] for every matching rate (a hosted page's
    preview before any cart exists)."""
    rates = reference.tax_rates() if country else []
    return [
        (rate, money.percent_of(amount, rate.rate))
        for rate in matching_tax_rates(rates, country, state, tax_class)
    ]


# --- the whole cart ---
def calculate(cart: Cart, items: list[CartItem] | None = None) -> CartTotals:
    items = list(cart.items.all()) if items is None else items
    currency = cart.currency
    lines = []
    for item in items:
        locked = getattr(item, "locked_unit_price", None)
        price = locked if locked is not None else (item.product.price or 0)
        lines.append(
            LineTotals(
                item=item,
                product=item.product,
                quantity=item.quantity,
                unit_price=price,
                subtotal=price * item.quantity,
            )
        )

    # Coupons, in the order they were applied; ones that no longer hold are reported, not used.
    coupons: list[CouponTotals] = []
    coupon_errors: list[InvalidCoupon] = []
    loaded = load_coupons(cart.coupon_codes)
    for code in cart.coupon_codes:
        coupon = loaded.get(code)
        if coupon is None:
            coupon_errors.append(
                InvalidCoupon(f'Coupon "{code}" does not exist!', code=code, reason="not_found")
            )
            continue
        product_ids = {p.pk for p in coupon.products.all()}
        problem = coupon_problem(coupon, lines, currency, product_ids=product_ids)
        if problem:
            coupon_errors.append(problem)
            continue
        coupons.append(
            CouponTotals(coupon=coupon, discount=_apply_coupon(coupon, lines, product_ids))
        )

    for line in lines:
        line.total = line.subtotal - line.discount

    needs_shipping = ships(line.product for line in lines)
    rates = reference.tax_rates() if lines else []
    country, state = tax_location(cart, needs_shipping)
    tax_lines: dict[int, TaxLine] = {}
    for line in lines:
        if not line.product.taxable:
            continue
        for rate in matching_tax_rates(rates, country, state, line.product.tax_class):
            line.subtotal_tax += money.percent_of(line.subtotal, rate.rate)
            tax = money.percent_of(line.total, rate.rate)
            line.taxes[rate.pk] = tax
            line.total_tax += tax
            tax_lines.setdefault(rate.pk, TaxLine(rate=rate)).tax_total += tax

    # Each coupon's share of the tax it removed, in proportion to its discount.
    discount_tax_total = sum(line.subtotal_tax - line.total_tax for line in lines)
    discount_total = sum(c.discount for c in coupons)
    for coupon_totals, share in zip(
        coupons,
        money.split_proportionally(discount_tax_total, [c.discount for c in coupons]),
        strict=True,
    ):
        coupon_totals.discount_tax = share

    totals = CartTotals(
        currency=currency,
        lines=lines,
        coupons=coupons,
        coupon_errors=coupon_errors,
        shipping_rates=[],
        shipping_rate=None,
        tax_lines=[],
        needs_shipping=needs_shipping,
        has_calculated_shipping=False,
        items_subtotal=sum(line.subtotal for line in lines),
        items_subtotal_tax=sum(line.subtotal_tax for line in lines),
        discount_total=discount_total,
        discount_tax=discount_tax_total,
        items_total=sum(line.total for line in lines),
        items_tax=sum(line.total_tax for line in lines),
    )

    dest_country, dest_state = shipping_destination(cart)
    if needs_shipping and dest_country:
        totals.has_calculated_shipping = True
        shipping_tax_rates = [r for r in matching_tax_rates(rates, country, state) if r.shipping]
        for method in available_shipping_methods(dest_country, dest_state):
            cost = method.cost
            if method.method_id == ShippingMethod.MethodId.FREE_SHIPPING:
                if not _free_shipping_unlocked(
                    method, totals.items_total, totals.free_shipping_coupon
                ):
                    continue
                cost = 0
            taxes = (
                sum(money.percent_of(cost, r.rate) for r in shipping_tax_rates)
                if method.taxable
                else 0
            )
            totals.shipping_rates.append(ShippingRate(method=method, cost=cost, taxes=taxes))
        chosen = next(
            (r for r in totals.shipping_rates if r.rate_id == cart.shipping_rate_id), None
        ) or (totals.shipping_rates[0] if totals.shipping_rates else None)
        if chosen:
            chosen.selected = True
            totals.shipping_rate = chosen
            totals.shipping_total = chosen.cost
            if chosen.method.taxable:
                for rate in shipping_tax_rates:
                    tax = money.percent_of(chosen.cost, rate.rate)
                    tax_lines.setdefault(rate.pk, TaxLine(rate=rate)).shipping_tax_total += tax
                    totals.shipping_tax += tax

    totals.tax_lines = [
        tax_lines[k] for k in sorted(tax_lines, key=lambda pk: tax_lines[pk].rate.priority)
    ]
    return totals
