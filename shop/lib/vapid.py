"""VAPID keys (RFC 8292): the app's identity towards browsers' push services.

Keys are base64url text, as the common tools print them: the private key is the raw
32-byte P-256 scalar (or its DER form), the public key the 65-byte uncompressed point
the browser needs as `applicationServerKey`.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid
from py_vapid.utils import b64urlencode


class VapidKeyError(ValueError):
    """Not a private key we can sign with."""


def vapid_of(private_key: str) -> Vapid:
    """The signer for this private key."""
    try:
        return Vapid.from_string(private_key=private_key)
    except Exception as error:  # py_vapid raises several kinds for bad text
        raise VapidKeyError(str(error)) from None


def public_key_of(private_key: str) -> str:
    """The base64url public key (no padding) that goes with this private key."""
    point = vapid_of(private_key).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64urlencode(point)


def new_private_key() -> str:
    """A fresh private key, base64url (for a development server that has none)."""
    vapid = Vapid()
    vapid.generate_keys()
    number = vapid.private_key.private_numbers().private_value
    return b64urlencode(number.to_bytes(32, "big"))
