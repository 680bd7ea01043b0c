"""Stripe's test cards: which alias or number does what (docs.stripe.com/testing).

`TEST_CARDS` is the one table: PaymentMethod alias -> behaviour. Both spellings Stripe has used
for the declines (`pm_card_visa_chargeDeclined…` and `pm_card_chargeDeclined…`) are keys; the
legacy `tok_…` tokens and raw card numbers are looked up through it too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decline:
    code: str
    decline_code: str
    message: str
    param: str | None = None  # the card field Stripe blames (cvc, exp_month)
    blocked: bool = False  # Radar blocked it before it reached the card network


@dataclass(frozen=True)
class TestCard:
    number: str
    brand: str
    funding: str = "credit"
    authentication: bool = False  # on-session payments ask for 3-D Secure
    decline: Decline | None = None  # what the charge does (after authentication, if any)
    risk_level: str = "normal"
    # The card is saved (a SetupIntent, an attach) and only its charges fail.
    charges_only: bool = False
    # Once set up for future use, its payments need no further authentication (4000 0025 0000
    # 3155); the other 3-D Secure cards ask every on-session time and decline off session.
    authenticates_once: bool = False

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def setup_decline(self) -> Decline | None:
        """What a SetupIntent confirmed with the card meets: the card's decline, unless only
        its charges fail (4000 0000 0000 0341)."""
        return None if self.charges_only else self.decline


GENERIC_DECLINE = Decline("card_declined", "generic_decline", "Your card was declined.")
INSUFFICIENT_FUNDS = Decline(
    "card_declined", "insufficient_funds", "Your card has insufficient funds."
)
LOST_CARD = Decline("card_declined", "lost_card", "Your card was declined.")
STOLEN_CARD = Decline("card_declined", "stolen_card", "Your card was declined.")
VELOCITY_EXCEEDED = Decline("card_declined", "card_velocity_exceeded", "Your card was declined.")
EXPIRED_CARD = Decline("expired_card", "expired_card", "Your card has expired.", "exp_month")
INCORRECT_CVC = Decline(
    "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect.", "cvc"
)
PROCESSING_ERROR = Decline(
    "processing_error",
    "processing_error",
    "An error occurred while processing your card. Try again in a little bit.",
)
FRAUDULENT = Decline("card_declined", "fraudulent", "Your card was declined.", blocked=True)
# An off-session payment (or error_on_requires_action) on a card that needs 3-D Secure.
AUTHENTICATION_REQUIRED = Decline(
    "authentication_required",
    "authentication_required",
    "Your card was declined. This transaction requires authentication.",
)
# A real card number (one that is not in the table) used in test mode.
LIVE_CARD = Decline(
    "card_declined",
    "test_mode_live_card",
    "Your card was declined. Your request was in test mode, but used a non test (live) card. "
    "For a list of valid test cards, visit: https://stripe.com/docs/testing.",
)

_GENERIC = TestCard("4000000000000002", "visa", decline=GENERIC_DECLINE)
_INSUFFICIENT = TestCard("4000000000009995", "visa", decline=INSUFFICIENT_FUNDS)
_LOST = TestCard("4000000000009987", "visa", decline=LOST_CARD)
_STOLEN = TestCard("4000000000009979", "visa", decline=STOLEN_CARD)
_VELOCITY = TestCard("4000000000006975", "visa", decline=VELOCITY_EXCEEDED)
_EXPIRED = TestCard("4000000000000069", "visa", decline=EXPIRED_CARD)
_CVC = TestCard("4000000000000127", "visa", decline=INCORRECT_CVC)
_PROCESSING = TestCard("4000000000000119", "visa", decline=PROCESSING_ERROR)
_RADAR_BLOCK = TestCard("4100000000000019", "visa", decline=FRAUDULENT, risk_level="highest")

TEST_CARDS: dict[str, TestCard] = {
    # Successful payments.
    "pm_card_visa": TestCard("4242424242424242", "visa"),
    "pm_card_visa_debit": TestCard("4000056655665556", "visa", funding="debit"),
    "pm_card_mastercard": TestCard("5555555555554444", "mastercard"),
    "pm_card_mastercard_debit": TestCard("5200828282828210", "mastercard", funding="debit"),
    "pm_card_mastercard_prepaid": TestCard("5105105105105100", "mastercard", funding="prepaid"),
    "pm_card_amex": TestCard("378282246310005", "amex"),
    "pm_card_discover": TestCard("6011111111111117", "discover"),
    "pm_card_diners": TestCard("3056930009020004", "diners"),
    "pm_card_jcb": TestCard("3566002020360505", "jcb"),
    "pm_card_unionpay": TestCard("6200000000000005", "unionpay"),
    # Declines, in both spellings.
    "pm_card_visa_chargeDeclined": _GENERIC,
    "pm_card_chargeDeclined": _GENERIC,
    "pm_card_visa_chargeDeclinedInsufficientFunds": _INSUFFICIENT,
    "pm_card_chargeDeclinedInsufficientFunds": _INSUFFICIENT,
    "pm_card_visa_chargeDeclinedLostCard": _LOST,
    "pm_card_chargeDeclinedLostCard": _LOST,
    "pm_card_visa_chargeDeclinedStolenCard": _STOLEN,
    "pm_card_chargeDeclinedStolenCard": _STOLEN,
    "pm_card_visa_chargeDeclinedVelocityLimitExceeded": _VELOCITY,
    "pm_card_chargeDeclinedVelocityLimitExceeded": _VELOCITY,
    "pm_card_visa_chargeDeclinedExpiredCard": _EXPIRED,
    "pm_card_chargeDeclinedExpiredCard": _EXPIRED,
    "pm_card_visa_chargeDeclinedIncorrectCvc": _CVC,
    "pm_card_chargeDeclinedIncorrectCvc": _CVC,
    "pm_card_visa_chargeDeclinedProcessingError": _PROCESSING,
    "pm_card_chargeDeclinedProcessingError": _PROCESSING,
    "pm_card_chargeCustomerFail": TestCard(
        "4000000000000341", "visa", decline=GENERIC_DECLINE, charges_only=True
    ),
    # Radar. The default rules block the highest risk level; elevated risk goes through.
    "pm_card_radarBlock": _RADAR_BLOCK,
    "pm_card_chargeDeclinedFraudulent": _RADAR_BLOCK,
    "pm_card_riskLevelHighest": TestCard(
        "4000000000004954", "visa", decline=FRAUDULENT, risk_level="highest"
    ),
    "pm_card_riskLevelElevated": TestCard("4000000000009235", "visa", risk_level="elevated"),
    # 3-D Secure.
    "pm_card_authenticationRequired": TestCard("4000002760003184", "visa", authentication=True),
    "pm_card_authenticationRequiredOnSetup": TestCard(
        "4000002500003155", "visa", authentication=True, authenticates_once=True
    ),
    "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds": TestCard(
        "4000008260003178", "visa", authentication=True, decline=INSUFFICIENT_FUNDS
    ),
    "pm_card_threeDSecure2Required": TestCard("4000000000003220", "visa", authentication=True),
    "pm_card_threeDSecureRequired": TestCard("4000000000003063", "visa", authentication=True),
    "pm_card_threeDSecureOptional": TestCard("4000000000003055", "visa"),
}

# Card number -> the first alias with that number.
ALIAS_BY_NUMBER: dict[str, str] = {}
for _alias, _card in TEST_CARDS.items():
    ALIAS_BY_NUMBER.setdefault(_card.number, _alias)


def alias_for(reference: str) -> str | None:
    """The table key for a `pm_card_…` alias or a legacy `tok_…` token (tok_visa ->
    pm_card_visa), or None."""
    if reference.startswith("tok_"):
        reference = "pm_card_" + reference.removeprefix("tok_")
    return reference if reference in TEST_CARDS else None


def luhn_valid(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


# The test cards a hosted page offers, with what each does (the hosted Checkout page's picker).
PICKER = [
    ("pm_card_visa", "Visa 4242 4242 4242 4242 (succeeds)"),
    ("pm_card_mastercard", "Mastercard 5555 5555 5555 4444 (succeeds)"),
    ("pm_card_authenticationRequired", "3-D Secure 4000 0027 6000 3184 (asks to authenticate)"),
    ("pm_card_chargeDeclined", "Declined 4000 0000 0000 0002 (generic decline)"),
    (
        "pm_card_chargeDeclinedInsufficientFunds",
        "Declined 4000 0000 0000 9995 (insufficient funds)",
    ),
    ("pm_card_chargeDeclinedExpiredCard", "Declined 4000 0000 0000 0069 (expired card)"),
    ("pm_card_chargeDeclinedIncorrectCvc", "Declined 4000 0000 0000 0127 (incorrect CVC)"),
    ("pm_card_chargeDeclinedProcessingError", "Error 4000 0000 0000 0119 (processing error)"),
]
