"""What every payment gateway is: an id, a title, and `process(order, payment_data)`."""

from __future__ import annotations

from dataclasses import dataclass, field

from checkout_hub.models import Order, Payment


@dataclass
class PaymentOutcome:
    """What a gateway did.

    `status` is the hub's neutral payment-outcome vocabulary (it borrows WooCommerce's
    payment_result words, as the first vendor spoke them, but means no vendor's wire):

    - "success": the gateway took the payment, or holds it (offline methods, authorised only);
    - "pending": the buyer must act first (a redirect, 3-D Secure); `redirect_url` says where;
    - "failure": refused (a declined card, bad card data); raised as PaymentDeclined;
    - "error": the gateway failed; raised as PaymentFailed.

    A gateway returns only success or pending; failure and error travel as the exceptions.
    Each vendor maps these words to its own (the Store API's payment_status says them as they
    are; HWP answers paid/pending/processing)."""

    status: str
    order_status: str
    payment: Payment | None = None
    redirect_url: str = ""
    details: dict = field(default_factory=dict)
    paid: bool = False


class Gateway:
    id = ""
    title = ""
    description = ""
    supports_refunds = False
    # True when the gateway plays forced payment scenarios itself (Stripe's test cards);
    # otherwise `payments.pay()` raises the scenario's outcome before calling it.
    handles_scenarios = False

    def configured(self) -> bool:
        """Whether the gateway has what it needs (keys) to take payments."""
        return True

    def process(self, order: Order, payment_data: dict) -> PaymentOutcome:
        raise NotImplementedError

    def refund(self, payment: Payment, amount: int, reason: str = "") -> dict:
        """Give `amount` of `payment` back; returns the gateway's refund record."""
        raise NotImplementedError
