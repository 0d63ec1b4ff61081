"""Field-level encryption and keyed lookup hashes for personal data.

Phone numbers and addresses are stored as Fernet tokens (AES-128-CBC + HMAC-SHA256, from the well-kept
``cryptography`` package), so a leaked database dump or backup does not leak them. Because ciphertexts are
randomised, equality lookups (log in by phone) go through a separate HMAC-SHA256 "blind index" computed
with another key.

Keys come from ``SHEQU_ENCRYPTION_KEYS`` (comma-separated Fernet keys, newest first: MultiFernet decrypts
with any and encrypts with the first, which is how keys are rotated) and ``SHEQU_LOOKUP_HASH_KEY``. When
they are unset, both are derived from SECRET_KEY with HKDF under different labels, which is enough for the
embedded default; production deployments should set them explicitly so SECRET_KEY can rotate on its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"shequ-v1", info=label).derive(settings.SECRET_KEY.encode())


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.SHEQU_ENCRYPTION_KEYS) or [base64.urlsafe_b64encode(_derive(b"field-encryption"))]
    return MultiFernet([Fernet(key) for key in keys])


@cache
def _hash_key() -> bytes:
    configured = settings.SHEQU_LOOKUP_HASH_KEY
    return configured.encode() if configured else _derive(b"lookup-hash")


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def encrypt_text(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("value does not decrypt with the configured SHEQU_ENCRYPTION_KEYS") from exc


def rotate_token(token: str) -> str:
    """Re-encrypt a stored token with the newest key (used by a key-rotation migration)."""
    return _fernet().rotate(token.encode()).decode()


def lookup_hash(value: str) -> str:
    """Return the keyed hash used to find a row by an encrypted value (hex, 64 chars)."""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()


def clear_key_cache() -> None:
    _fernet.cache_clear()
    _hash_key.cache_clear()
