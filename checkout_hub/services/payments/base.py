"""What every payment gateway is: an id, a title, and `process(order, payment_data)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from checkout_hub.models import Order, Payment


class Outcome(StrEnum):
    """What a gateway's answer means for the buyer, in the hub's own words (each vendor says
    it in its own: the Store API's payment_status success/pending, HWP's paid/requires_action/
    processing). Refusals are not outcomes: they travel as PaymentDeclined / PaymentFailed."""

    ACCEPTED = "accepted"  # the gateway took the payment, or holds it (offline, authorised)
    ACTION_REQUIRED = "action_required"  # the buyer must act first (3-D Secure): redirect_url
    PROCESSING = "processing"  # the gateway has it and will settle later (no buyer action)


@dataclass
class PaymentOutcome:
    """What a gateway did: its `Outcome`, the order's status, the Payment row and the
    gateway's details (a vendor chooses which to show)."""

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
