"""The domain a merchant typed, in the one form the app stores and compares: lowercase
IDNA (``xn--`` labels), no scheme, path, port or trailing dot.

Refused: IP addresses (a certificate and a shop need a name), wildcards, ports, names
with one label, and the app's own names (SHOP_DOMAIN and everything under it, the
main host of APP_URL, localhost): those are not the merchant's to claim.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

import idna

MAX_LENGTH = 253
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


class DomainNameError(ValueError):
    """The text is not a domain the shop may use; `reason` is a short code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalise_domain(text: str, own_names: Iterable[str] = ()) -> str:
    """``tienda.example.com`` for `` https://Tienda.Example.com/ ``; ``xn--`` form for
    unicode names. DomainNameError when it is not a name the merchant may claim."""
    name = (text or "").strip().lower()
    name = _SCHEME.sub("", name)
    if name.endswith("/"):
        name = name[:-1]
    name = name.rstrip(".")
    if not name or len(name) > 1000:
        raise DomainNameError("empty" if not name else "too-long")
    if "*" in name:
        raise DomainNameError("wildcard")
    if any(mark in name for mark in "/?#@\\ "):
        raise DomainNameError("not-a-name")
    if name.startswith("[") or _is_ip(name):
        raise DomainNameError("ip-address")
    if ":" in name:
        raise DomainNameError("port")
    try:
        name = idna.encode(name, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as error:
        raise DomainNameError("not-a-name") from error
    if len(name) > MAX_LENGTH or "." not in name:
        raise DomainNameError("not-a-name")
    if _is_ip(name) or name.rsplit(".", 1)[-1].isdigit():
        raise DomainNameError("ip-address")
    for own in (*own_names, "localhost"):
        own = own.lower().rstrip(".")
        if own and (name == own or name.endswith("." + own)):
            raise DomainNameError("own-domain")
    return name


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
