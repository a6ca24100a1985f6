"""Fetching a URL someone typed, without letting it reach inside our network (SSRF).

One guard for every fetch of a merchant's URL (photos by URL today; custom domains'
checks can reuse it): only http and https; the host is resolved here and every address
it resolves to must be public (never loopback, private, link-local, the cloud metadata
address, carrier-grade NAT, multicast or reserved), unless the host is in `allow_hosts`
(tests, and operators who need one). The connection goes to the address that was
checked, not to a second lookup, so a name that changes its answer (DNS rebinding)
gets nowhere; each redirect is checked the same way. Size, time and content type are
limited while the body arrives.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

Resolver = Callable[..., list]
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024


class FetchRefused(Exception):
    """The URL was not fetched; `reason` is a short English code for logs and tests."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Fetched:
    url: str
    content_type: str
    data: bytes


def public_address(address: str) -> bool:
    """True for an address on the public internet, and only then."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local)


def checked_addresses(
    host: str, port: int, allow_hosts: Collection[str], resolver: Resolver
) -> list[str]:
    """The addresses `host` resolves to, all of them public unless the host is allowed;
    FetchRefused otherwise. Nothing is connected to here."""
    try:
        answers = resolver(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise FetchRefused("unresolvable") from error
    addresses = [answer[4][0] for answer in answers]
    if not addresses:
        raise FetchRefused("unresolvable")
    allowed = host.casefold() in {name.casefold() for name in allow_hosts}
    if not allowed and not all(public_address(address) for address in addresses):
        raise FetchRefused("private-address")
    return addresses


def fetch(
    url: str,
    *,
    allow_hosts: Collection[str] = (),
    max_bytes: int = 10 * 1024 * 1024,
    timeout: float = 10.0,
    content_types: Collection[str] = ("image/jpeg", "image/png", "image/webp"),
    max_redirects: int = 3,
    resolver: Resolver = socket.getaddrinfo,
) -> Fetched:
    """GET `url` through the guard; FetchRefused(reason) when anything is not right."""
    deadline = time.monotonic() + timeout
    for _hop in range(max_redirects + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused("scheme")
        if parts.username or parts.password:
            raise FetchRefused("credentials")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as error:
            raise FetchRefused("port") from error
        addresses = checked_addresses(parts.hostname, port, allow_hosts, resolver)
        connection = _connection(parts.scheme, parts.hostname, addresses[0], port, timeout)
        try:
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            connection.request(
                "GET",
                path,
                headers={"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": "Vitrina"},
            )
            response = connection.getresponse()
            if response.status in REDIRECTS and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                continue
            return _body(url, response, max_bytes, deadline, content_types)
        except (OSError, http.client.HTTPException) as error:
            raise FetchRefused("connection") from error
        finally:
            connection.close()
    raise FetchRefused("redirects")


def _body(url, response, max_bytes: int, deadline: float, content_types) -> Fetched:
    if response.status != 200:
        raise FetchRefused(f"status-{response.status}")
    content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    if content_type not in content_types:
        raise FetchRefused("content-type")
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchRefused("too-large")
    data = bytearray()
    while chunk := response.read1(CHUNK):
        data += chunk
        if len(data) > max_bytes:
            raise FetchRefused("too-large")
        if time.monotonic() > deadline:
            raise FetchRefused("too-slow")
    return Fetched(url, content_type, bytes(data))


def _connection(scheme: str, host: str, address: str, port: int, timeout: float):
    if scheme == "http":
        return _PinnedHTTP(address, host, port, timeout)
    return _PinnedHTTPS(address, host, port, timeout)


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address, whatever the name would resolve to now."""

    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)
