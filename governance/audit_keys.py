"""The audit log's two keys, both held outside the database.

- The HMAC key links the events: without it nobody can rewrite the chain and
  compute matching links.
- The Ed25519 signing key signs the checkpoints; anyone holding only the public
  key can check them (`manage.py audit_public_key` prints it).
"""

import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def hmac_key() -> bytes:
    key = str(settings.AUDIT_HMAC_KEY)
    if not key:
        raise ImproperlyConfigured("DJANGO_AUDIT_HMAC_KEY is empty.")
    return key.encode()


def mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two hex digests."""
    return hmac.compare_digest(a.encode(), b.encode())


def load_private_key(text: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (PKCS#8) or from its 32-byte seed in hex."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured("DJANGO_AUDIT_SIGNING_KEY is not an Ed25519 key.")
        return key
    try:
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(text))
    except ValueError as exc:
        raise ImproperlyConfigured(
            "DJANGO_AUDIT_SIGNING_KEY must be an Ed25519 key in PEM or a 32-byte hex seed."
        ) from exc


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ImproperlyConfigured("The audit public key is not an Ed25519 key.")
    return key


def signing_key() -> Ed25519PrivateKey:
    return load_private_key(str(settings.AUDIT_SIGNING_KEY))


def public_key() -> Ed25519PublicKey:
    """The configured public key (AUDIT_PUBLIC_KEY_FILE), else the signing key's."""
    if settings.AUDIT_PUBLIC_KEY_FILE:
        with open(settings.AUDIT_PUBLIC_KEY_FILE, "rb") as pem:
            return load_public_key(pem.read())
    return signing_key().public_key()


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(key: Ed25519PublicKey) -> str:
    """A short name for a public key: the start of the SHA-256 of its raw bytes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def verify_signature(key: Ed25519PublicKey, signature_hex: str, message: bytes) -> bool:
    # verify() returns None and raises on a bad signature: never test its result.
    try:
        key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
