"""`POST /v1/graphql`: the order and payment reads a merchant uses to look an order up
(reference §9), with strawberry. Query-only: a mutation (or subscription) is refused with 403
before anything runs. Scope: an API Key sees its merchant's stores in the key's environment,
a session token its own buyer's orders in its store, a Store Slug no orders (public data).

Lists prefetch what their types read, so a page of orders costs the same queries for 1 or 50.
"""

from __future__ import annotations

import datetime as dt

import strawberry
from django.db.models import Prefetch, Q, QuerySet

from checkout_hub.models import Payment

from . import auth, wire
from .models import Environment, PancakeOrder, PancakePayment

MAX_LIMIT = 100


# --- filters ---
@strawberry.input
class StringFilter:
    eq: str | None = None
    ne: str | None = None
    contains: str | None = None
    startsWith: str | None = None  # noqa: N815
    endsWith: str | None = None  # noqa: N815
    in_: list[str] | None = strawberry.field(default=None, name="in")


@strawberry.input
class DateTimeFilter:
    eq: str | None = None
    ne: str | None = None
    gt: str | None = None
    gte: str | None = None
    lt: str | None = None
    lte: str | None = None


@strawberry.input
class OnetimeOrderFilter:
    id: StringFilter | None = None
    status: StringFilter | None = None
    buyerEmail: StringFilter | None = None  # noqa: N815
    orderMerchantExternalId: StringFilter | None = None  # noqa: N815
    createdAt: DateTimeFilter | None = None  # noqa: N815


@strawberry.input
class PaymentFilter:
    id: StringFilter | None = None
    status: StringFilter | None = None
    orderId: StringFilter | None = None  # noqa: N815
    orderMerchantExternalId: StringFilter | None = None  # noqa: N815
    createdAt: DateTimeFilter | None = None  # noqa: N815


def _parse_time(value: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"Not an ISO 8601 date-time: {value!r}") from None


def _string(field: str, f: StringFilter | None) -> Q:
    q = Q()
    if f is None:
        return q
    if f.eq is not None:
        q &= Q(**{field: f.eq})
    if f.ne is not None:
        q &= ~Q(**{field: f.ne})
    if f.contains is not None:
        q &= Q(**{f"{field}__contains": f.contains})
    if f.startsWith is not None:
        q &= Q(**{f"{field}__startswith": f.startsWith})
    if f.endsWith is not None:
        q &= Q(**{f"{field}__endswith": f.endsWith})
    if f.in_ is not None:
        q &= Q(**{f"{field}__in": f.in_})
    return q


def _time(field: str, f: DateTimeFilter | None) -> Q:
    q = Q()
    if f is None:
        return q
    for op in ("gt", "gte", "lt", "lte"):
        value = getattr(f, op)
        if value is not None:
            q &= Q(**{f"{field}__{op}": _parse_time(value)})
    if f.eq is not None:
        q &= Q(**{field: _parse_time(f.eq)})
    if f.ne is not None:
        q &= ~Q(**{field: _parse_time(f.ne)})
    return q


# Hub payment statuses -> Pancake's (pending succeeded failed canceled).
PAYMENT_STATUS = {
    Payment.Status.SUCCEEDED: "succeeded",
    Payment.Status.REFUNDED: "succeeded",
    Payment.Status.FAILED: "failed",
    Payment.Status.CANCELLED: "canceled",
}
PANCAKE_TO_HUB = {
    "succeeded": [Payment.Status.SUCCEEDED, Payment.Status.REFUNDED],
    "failed": [Payment.Status.FAILED],
    "canceled": [Payment.Status.CANCELLED],
    "pending": [Payment.Status.PENDING, Payment.Status.REQUIRES_ACTION, Payment.Status.PROCESSING],
}


def _payment_status_q(f: StringFilter | None) -> Q:
    if f is None:
        return Q()
    q = Q()
    if f.eq is not None:
        q &= Q(payment__status__in=PANCAKE_TO_HUB.get(f.eq, []))
    if f.ne is not None:
        q &= ~Q(payment__status__in=PANCAKE_TO_HUB.get(f.ne, []))
    if f.in_ is not None:
        q &= Q(payment__status__in=[s for v in f.in_ for s in PANCAKE_TO_HUB.get(v, [])])
    return q


# --- types ---
@strawberry.type
class PriceSnapshot:
    currency: str
    subtotal: str
    taxAmount: str  # noqa: N815
    total: str
    taxCategory: str | None  # noqa: N815


@strawberry.type
class AmountDetails:
    currency: str
    subtotal: str
    taxAmount: str  # noqa: N815
    total: str
    taxCategory: str | None  # noqa: N815
    phase: str | None


@strawberry.type
class BillingDetail:
    country: str | None
    isBusiness: bool | None  # noqa: N815
    postcode: str | None
    state: str | None
    businessName: str | None  # noqa: N815
    taxId: str | None  # noqa: N815


@strawberry.type
class CardInfo:
    brand: str | None
    last4: str | None
    expMonth: int | None  # noqa: N815
    expYear: int | None  # noqa: N815


@strawberry.type
class ProductRef:
    id: str
    name: str


@strawberry.type
class ProductVersionRef:
    id: str
    versionNumber: int  # noqa: N815
    name: str


@strawberry.type
class OrderRef:
    id: str


@strawberry.type
class RefundItem:
    id: str
    status: str


def _data(order: PancakeOrder) -> dict:
    return (order.session.snapshot.get("data") if order.session else None) or {}


def _price_snapshot(order: PancakeOrder) -> PriceSnapshot:
    hub, currency = order.order, order.order.currency
    return PriceSnapshot(
        currency=currency,
        subtotal=wire.amount(hub.subtotal, currency),
        taxAmount=wire.amount(hub.tax_total, currency),
        total=wire.amount(hub.total, currency),
        taxCategory=(_data(order).get("price_info") or {}).get("taxCategory"),
    )


@strawberry.type
class PaymentType:
    id: str
    orderId: str  # noqa: N815
    orderMerchantExternalId: str | None  # noqa: N815
    status: str
    refundStatus: str | None  # noqa: N815
    failureReason: str | None  # noqa: N815
    createdAt: str  # noqa: N815
    snapshotAmountDetails: AmountDetails  # noqa: N815
    cardInfo: CardInfo | None  # noqa: N815
    onetimeOrder: OrderRef | None  # noqa: N815
    subscriptionOrder: OrderRef | None  # noqa: N815
    refunds: list[RefundItem]

    @classmethod
    def of(cls, pay: PancakePayment) -> PaymentType:
        payment, order = pay.payment, pay.pancake_order
        currency = payment.currency
        refunded = payment.amount_refunded
        return cls(
            id=pay.short_id,
            orderId=order.short_id,
            orderMerchantExternalId=order.merchant_external_id or None,
            status=PAYMENT_STATUS.get(payment.status, "pending"),
            refundStatus=(
                ("refunded" if refunded >= payment.amount else "partially_refunded")
                if refunded
                else None
            ),
            failureReason=payment.message or None,
            createdAt=wire.iso(pay.created_at),
            snapshotAmountDetails=AmountDetails(
                currency=currency,
                subtotal=wire.amount(order.order.subtotal, currency),
                taxAmount=wire.amount(order.order.tax_total, currency),
                total=wire.amount(payment.amount, currency),
                taxCategory=(_data(order).get("price_info") or {}).get("taxCategory"),
                phase="trial" if _data(order).get("with_trial") else "regular",
            ),
            cardInfo=(
                CardInfo(brand=pay.card_brand, last4=pay.card_last4, expMonth=12, expYear=2034)
                if pay.card_last4
                else None
            ),
            onetimeOrder=OrderRef(id=order.short_id) if order.kind == "onetime" else None,
            subscriptionOrder=OrderRef(id=order.short_id) if order.kind != "onetime" else None,
            refunds=[],
        )


def _billing(order: PancakeOrder) -> BillingDetail | None:
    d = order.billing_detail or {}
    if not d:
        return None
    return BillingDetail(
        country=d.get("country"),
        isBusiness=d.get("isBusiness"),
        postcode=d.get("postcode"),
        state=d.get("state"),
        businessName=d.get("businessName"),
        taxId=d.get("taxId"),
    )


def _payments(order: PancakeOrder) -> list[PaymentType]:
    return [PaymentType.of(p) for p in order.payments.all()]


def _product(order: PancakeOrder) -> ProductRef | None:
    if order.product is None:
        return None
    return ProductRef(id=order.product.short_id, name=_data(order).get("product_name", ""))


def _version(order: PancakeOrder) -> ProductVersionRef | None:
    v = order.version
    return (
        ProductVersionRef(id=str(v.public_id), versionNumber=v.number, name=v.name) if v else None
    )


@strawberry.type
class OnetimeOrder:
    id: str
    storeId: str  # noqa: N815
    buyerEmail: str  # noqa: N815
    currency: str
    status: str
    testMode: bool  # noqa: N815
    orderMerchantExternalId: str | None  # noqa: N815
    priceSnapshot: PriceSnapshot  # noqa: N815
    billingDetail: BillingDetail | None  # noqa: N815
    onetimeProduct: ProductRef | None  # noqa: N815
    productVersion: ProductVersionRef | None  # noqa: N815
    payments: list[PaymentType]
    createdAt: str  # noqa: N815
    updatedAt: str  # noqa: N815

    @classmethod
    def of(cls, order: PancakeOrder) -> OnetimeOrder:
        return cls(
            id=order.short_id,
            storeId=order.store.short_id,
            buyerEmail=order.buyer_email,
            currency=order.order.currency,
            status=order.status,
            testMode=order.environment == Environment.TEST,
            orderMerchantExternalId=order.merchant_external_id or None,
            priceSnapshot=_price_snapshot(order),
            billingDetail=_billing(order),
            onetimeProduct=_product(order),
            productVersion=_version(order),
            payments=_payments(order),
            createdAt=wire.iso(order.created_at),
            updatedAt=wire.iso(order.updated_at),
        )


@strawberry.type
class SubscriptionOrder:
    id: str
    storeId: str  # noqa: N815
    buyerEmail: str  # noqa: N815
    status: str
    testMode: bool  # noqa: N815
    billingPeriod: str | None  # noqa: N815
    orderMerchantExternalId: str | None  # noqa: N815
    billingDetail: BillingDetail | None  # noqa: N815
    currentPeriodStart: str | None  # noqa: N815
    currentPeriodEnd: str | None  # noqa: N815
    canceledAt: str | None  # noqa: N815
    subscriptionProduct: ProductRef | None  # noqa: N815
    payments: list[PaymentType]
    createdAt: str  # noqa: N815

    @classmethod
    def of(cls, order: PancakeOrder) -> SubscriptionOrder:
        return cls(
            id=order.short_id,
            storeId=order.store.short_id,
            buyerEmail=order.buyer_email,
            status=order.status,
            testMode=order.environment == Environment.TEST,
            billingPeriod=_data(order).get("billing_period"),
            orderMerchantExternalId=order.merchant_external_id or None,
            billingDetail=_billing(order),
            currentPeriodStart=wire.iso(order.current_period_start),
            currentPeriodEnd=wire.iso(order.current_period_end),
            canceledAt=wire.iso(order.canceled_at),
            subscriptionProduct=_product(order),
            payments=_payments(order),
            createdAt=wire.iso(order.created_at),
        )


# --- scope ---
def _credential(info) -> auth.Credential:
    return info.context["credential"]


def scoped_orders(credential: auth.Credential) -> QuerySet:
    payments = PancakePayment.objects.select_related(
        "payment", "pancake_order__order", "pancake_order__session"
    ).order_by("id")
    orders = (
        PancakeOrder.objects.select_related("order", "store", "session", "product", "version")
        .prefetch_related(Prefetch("payments", queryset=payments))
        .filter(environment=credential.environment)
    )
    if credential.kind == auth.API_KEY:
        return orders.filter(store__merchant=credential.merchant)
    if credential.kind == auth.SESSION_TOKEN:
        identity = credential.buyer_identity
        return orders.filter(store=credential.store).filter(
            Q(buyer_identity=identity) | Q(buyer_email=identity)
        )
    return orders.none()  # a Store Slug reads public data only


def scoped_payments(credential: auth.Credential) -> QuerySet:
    orders = scoped_orders(credential)
    return (
        PancakePayment.objects.select_related(
            "payment", "pancake_order__order", "pancake_order__session", "pancake_order__store"
        )
        .filter(pancake_order__in=orders.values("pk"))
        .order_by("-id")
    )


def _limit(limit: int | None) -> int:
    return max(1, min(limit or 20, MAX_LIMIT))


def _order_filter(f: OnetimeOrderFilter | None) -> Q:
    if f is None:
        return Q()
    return (
        _string("short_id", f.id)
        & _string("status", f.status)
        & _string("buyer_email", f.buyerEmail)
        & _string("merchant_external_id", f.orderMerchantExternalId)
        & _time("created_at", f.createdAt)
    )


def _payment_filter(f: PaymentFilter | None) -> Q:
    if f is None:
        return Q()
    return (
        _string("short_id", f.id)
        & _payment_status_q(f.status)
        & _string("pancake_order__short_id", f.orderId)
        & _string("pancake_order__merchant_external_id", f.orderMerchantExternalId)
        & _time("created_at", f.createdAt)
    )


@strawberry.type
class Query:
    @strawberry.field
    def onetimeOrder(self, info: strawberry.Info, id: strawberry.ID) -> OnetimeOrder | None:  # noqa: N802
        order = scoped_orders(_credential(info)).filter(short_id=id, kind="onetime").first()
        return OnetimeOrder.of(order) if order else None

    @strawberry.field
    def onetimeOrders(  # noqa: N802
        self,
        info: strawberry.Info,
        storeId: str | None = None,  # noqa: N803
        limit: int | None = None,
        offset: int | None = None,
        filter: OnetimeOrderFilter | None = None,  # noqa: A002
    ) -> list[OnetimeOrder]:
        orders = (
            scoped_orders(_credential(info)).filter(kind="onetime").filter(_order_filter(filter))
        )
        if storeId:
            orders = orders.filter(store__short_id=storeId)
        start = max(offset or 0, 0)
        return [OnetimeOrder.of(o) for o in orders.order_by("-id")[start : start + _limit(limit)]]

    @strawberry.field
    def onetimeOrdersCount(  # noqa: N802
        self,
        info: strawberry.Info,
        storeId: str | None = None,  # noqa: N803
        filter: OnetimeOrderFilter | None = None,  # noqa: A002
    ) -> int:
        orders = (
            scoped_orders(_credential(info)).filter(kind="onetime").filter(_order_filter(filter))
        )
        if storeId:
            orders = orders.filter(store__short_id=storeId)
        return orders.count()

    @strawberry.field
    def subscriptionOrder(  # noqa: N802
        self, info: strawberry.Info, id: strawberry.ID
    ) -> SubscriptionOrder | None:
        order = scoped_orders(_credential(info)).filter(short_id=id, kind="subscription").first()
        return SubscriptionOrder.of(order) if order else None

    @strawberry.field
    def payments(
        self,
        info: strawberry.Info,
        limit: int | None = None,
        offset: int | None = None,
        filter: PaymentFilter | None = None,  # noqa: A002
    ) -> list[PaymentType]:
        found = scoped_payments(_credential(info)).filter(_payment_filter(filter))
        start = max(offset or 0, 0)
        return [PaymentType.of(p) for p in found[start : start + _limit(limit)]]

    @strawberry.field
    def paymentsCount(  # noqa: N802
        self,
        info: strawberry.Info,
        filter: PaymentFilter | None = None,  # noqa: A002
    ) -> int:
        return scoped_payments(_credential(info)).filter(_payment_filter(filter)).count()


schema = strawberry.Schema(query=Query)
