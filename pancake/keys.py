"""RSA keys and signatures, with `cryptography`: the merchant's request signatures (verified
with its registered public key) and the hub's webhook signatures (made with its own pair).

Canonical request string (reference §2.1): `POST\\n<path>\\n<X-Timestamp>\\n<base64 sha256 of
the raw body>`, RSA-SHA256 PKCS#1 v1.5, base64. Webhooks: `<t>.<raw body>`, the same scheme.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

KEY_BITS = 2048


def generate() -> tuple[str, str]:
    """A fresh key pair: (private PEM in PKCS#8, public PEM SubjectPublicKeyInfo)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return private, public_of(key)


def public_of(key) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _pem_text(text: str) -> bytes:
    # The SDK's normalizePrivateKey: literal "\n" sequences and CRLF line breaks are accepted.
    return text.replace("\\n", "\n").replace("\r\n", "\n").strip().encode()


def load_public(text: str):
    """A public key from PEM (SPKI or PKCS#1) or bare base64 DER; raises ValueError."""
    data = _pem_text(text)
    try:
        if data.startswith(b"-----BEGIN RSA PUBLIC KEY") or data.startswith(b"-----"):
            key = serialization.load_pem_public_key(data)
        else:
            key = serialization.load_der_public_key(base64.b64decode(data))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ValueError(f"Not an RSA public key: {exc}") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("Not an RSA public key.")
    return key


def load_private(text: str):
    """A private key from PEM (PKCS#8 or PKCS#1) or bare base64 (PKCS#8 DER)."""
    data = _pem_text(text)
    try:
        if data.startswith(b"-----"):
            key = serialization.load_pem_private_key(data, password=None)
        else:
            key = serialization.load_der_private_key(base64.b64decode(data), password=None)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ValueError(f"Not an RSA private key: {exc}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("Not an RSA private key.")
    return key


def normalise_public_key(text: str) -> str:
    """The key as SPKI PEM (what admin stores, whatever form was pasted); raises ValueError."""
    key = load_public(text)
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def fingerprint(public_pem: str) -> str:
    der = load_public(public_pem).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def body_hash(body: bytes) -> str:
    return base64.b64encode(hashlib.sha256(body).digest()).decode()


def canonical(method: str, path: str, timestamp: str, body: bytes) -> bytes:
    return f"{method}\n{path}\n{timestamp}\n{body_hash(body)}".encode()


def sign(private_key, message: bytes) -> str:
    if isinstance(private_key, str):
        private_key = load_private(private_key)
    return base64.b64encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def verify(public_key, message: bytes, signature: str) -> bool:
    if isinstance(public_key, str):
        public_key = load_public(public_key)
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    try:
        public_key.verify(raw, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def sign_request(private_key, path: str, timestamp: str, body: bytes) -> str:
    """What the SDK sends as X-Signature (tests and the README's examples use it)."""
    return sign(private_key, canonical("POST", path, timestamp, body))


def webhook_signature(private_key, t_ms: int, body: str) -> str:
    """X-Waffo-Signature's header value: `t=<ms>,v1=<base64 RSA-SHA256 over "t.body">`."""
    return f"t={t_ms},v1={sign(private_key, f'{t_ms}.{body}'.encode())}"


def verify_webhook(public_key, header: str, body: str) -> bool:
    """The SDK's verifyWebhook, minus its clock tolerance (for tests and receivers)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    t, v1 = parts.get("t"), parts.get("v1")
    if not t or not v1:
        return False
    return verify(public_key, f"{t}.{body}".encode(), v1)
