"""Webhook signing strategies, one per vendor, chosen by an endpoint's `signing` name.

A strategy is a callable `(body, endpoint, stamped_at) -> headers`: given the exact body, the
endpoint (its secret) and the moment the delivery was stamped (an aware datetime), it returns
the headers that sign it. A vendor app registers its own when it loads (Pancake's RSA
`X-Waffo-Signature`); Stripe's `Stripe-Signature` or WooCommerce's `X-WC-Webhook-Signature`
plug in the same way. The core knows only "none".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Signer = Callable[[str, object, dt.datetime], dict]

_signers: dict[str, Signer] = {}


def register(name: str, signer: Signer) -> None:
    _signers[name] = signer


def names() -> list[str]:
    return sorted({"none", *_signers})


def sign(name: str, body: str, endpoint, stamped_at: dt.datetime) -> dict:
    """The headers strategy `name` puts on `body`; unknown names are a configuration error."""
    if name in ("", "none"):
        return {}
    try:
        signer = _signers[name]
    except KeyError:
        raise ValueError(
            f"No webhook signing strategy named {name!r} (known: {names()})."
        ) from None
    return signer(body, endpoint, stamped_at)
