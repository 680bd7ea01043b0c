"""Webhook signing strategies, one per vendor, chosen by an endpoint's `signing` name.

A strategy is a callable `(body, endpoint, stamped_at) -> headers`: given the exact body, the
endpoint (its secret) and the moment the delivery was stamped (an aware datetime), it returns
the headers that sign it. A vendor app registers its own when it loads (Pancake's RSA
`X-Waffo-Signature`); Stripe's `Stripe-Signature` or WooCommerce's `X-WC-Webhook-Signature`
plug in the same way. The core knows only "none".

A strategy is stamped once, when the delivery is written, and its headers are reused by every
retry (Pancake's way); one registered with `per_attempt=True` is run again for each attempt
instead (Stripe's way: each retry carries a fresh timestamp and signature).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Signer = Callable[[str, object, dt.datetime], dict]

_signers: dict[str, Signer] = {}
_per_attempt: set[str] = set()


def register(name: str, signer: Signer, *, per_attempt: bool = False) -> None:
    _signers[name] = signer
    if per_attempt:
        _per_attempt.add(name)
    else:
        _per_attempt.discard(name)


def per_attempt(name: str) -> bool:
    """Whether strategy `name` signs each attempt anew (else its first headers are reused)."""
    return name in _per_attempt


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
