"""What the Stripe fake tells the rest of the hub, in place of Stripe's webhooks.

`payment_intent_updated` is sent after the transaction that changed an intent commits, whenever
Stripe would send a webhook event for it, with these arguments:

- `sender`: None;
- `intent`: the PaymentIntent as the API shows it (a dict, never expanded);
- `event`: Stripe's event type: `payment_intent.created`, `payment_intent.requires_action`,
  `payment_intent.succeeded`, `payment_intent.amount_capturable_updated`,
  `payment_intent.payment_failed` (declines and failed 3-D Secure), `payment_intent.canceled`,
  or `charge.refunded` (the intent of the refunded charge).

A receiver that raises is logged; it never fails the API call that changed the intent.
"""

from django.dispatch import Signal

payment_intent_updated = Signal()
