"""WooCommerce's offline gateways: bank transfer and cheque wait on-hold for the money;
cash on delivery goes straight to processing (the money comes with the parcel)."""

from __future__ import annotations

from checkout_hub.models import Order, Payment

from .base import Gateway, Outcome, PaymentOutcome


class OfflineGateway(Gateway):
    order_status = Order.Status.ON_HOLD

    def process(self, order: Order, payment_data: dict) -> PaymentOutcome:
        payment = Payment.objects.create(
            order=order,
            gateway=self.id,
            amount=order.total,
            currency=order.currency,
            status=Payment.Status.PENDING,
            message=self.instructions,
        )
        return PaymentOutcome(Outcome.ACCEPTED, order_status=self.order_status, payment=payment)


class Bacs(OfflineGateway):
    id = "bacs"
    title = "Direct bank transfer"
    description = (
        "Make your payment directly into our bank account. Please use your Order ID as the "
        "payment reference. Your order will not be shipped until the funds have cleared."
    )
    instructions = "Awaiting BACS payment"


class Cheque(OfflineGateway):
    id = "cheque"
    title = "Check payments"
    description = (
        "Please send a check to Store Name, Store Street, Store Town, Store State / County, "
        "Store Postcode."
    )
    instructions = "Awaiting check payment"


class CashOnDelivery(OfflineGateway):
    id = "cod"
    title = "Cash on delivery"
    description = "Pay with cash upon delivery."
    instructions = "Payment to be made upon delivery."
    order_status = Order.Status.PROCESSING
