"""SHA256withRSA (PKCS#1 v1.5) signing and verification, and lenient key loading, for Alipay and WeChat Pay.

Both providers hand out keys in several shapes: a PEM file, or the bare base64 body pasted from their
console (Alipay's "应用私钥" is PKCS#1 or PKCS#8 without the PEM armour; its "支付宝公钥" is a bare
SubjectPublicKeyInfo). ``load_private_key`` / ``load_public_key`` accept all of them, or a path to a file.
"""

from __future__ import annotations

import base64
import binascii
import textwrap
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


class KeyLoadError(ValueError):
    """A key or certificate could not be read."""


def _read(value: str) -> str:
    value = (value or "").strip()
    if value and "\n" not in value and len(value) < 1024 and not value.startswith("-----"):
        path = Path(value)
        try:
            if path.is_file():
                return path.read_text().strip()
        except OSError:
            pass
    return value


def _armour(body: str, label: str) -> bytes:
    compact = "".join(body.split())
    return f"-----BEGIN {label}-----\n{textwrap.fill(compact, 64)}\n-----END {label}-----\n".encode()


def load_private_key(value: str) -> rsa.RSAPrivateKey:
    """A PEM (PKCS#1 or PKCS#8), a bare base64 body, or a path to either."""
    text = _read(value)
    if not text:
        raise KeyLoadError("no private key")
    candidates = (
        [text.encode()]
        if text.startswith("-----")
        else [
            _armour(text, "PRIVATE KEY"),
            _armour(text, "RSA PRIVATE KEY"),
        ]
    )
    for pem in candidates:
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError):
            continue
        if isinstance(key, rsa.RSAPrivateKey):
            return key
    raise KeyLoadError("not an RSA private key")


def load_public_key(value: str) -> rsa.RSAPublicKey:
    """A PEM public key or certificate, a bare base64 SubjectPublicKeyInfo, or a path to either."""
    text = _read(value)
    if not text:
        raise KeyLoadError("no public key")
    if "BEGIN CERTIFICATE" in text:
        return load_certificate(text).public_key()  # type: ignore[return-value]
    pem = text.encode() if text.startswith("-----") else _armour(text, "PUBLIC KEY")
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise KeyLoadError("not a public key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise KeyLoadError("not an RSA public key")
    return key


def load_certificate(value: str) -> x509.Certificate:
    text = _read(value)
    try:
        return x509.load_pem_x509_certificate(text.encode())
    except ValueError as exc:
        raise KeyLoadError("not a PEM certificate") from exc


def sign(private_key: rsa.RSAPrivateKey, message: str) -> str:
    """Base64 of SHA256withRSA (PKCS#1 v1.5) over the UTF-8 bytes of ``message``."""
    signature = private_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def verify(public_key: rsa.RSAPublicKey, message: str, signature: str) -> bool:
    try:
        raw = base64.b64decode(signature or "", validate=True)
    except (binascii.Error, ValueError):
        return False
    if not raw:
        return False
    try:
        public_key.verify(raw, message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
