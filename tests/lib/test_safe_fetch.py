"""The one guard against server-side request forgery (shop.lib.safe_fetch).

Only loopback is ever really contacted, by the test's own server. Private, link-local
and metadata addresses are reached through a stub resolver, and the test fails if a
connection is even attempted: the refusal must come before any connect.
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shop.lib import safe_fetch
from shop.lib.safe_fetch import FetchRefused, fetch, public_address

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


class Handler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        Handler.hits.append(self.path)
        port = self.server.server_address[1]
        if self.path == "/photo.png":
            self._send(200, "image/png", PNG)
        elif self.path == "/page":
            self._send(200, "text/html", b"<html></html>")
        elif self.path == "/big.png":
            self._send(200, "image/png", b"0" * 300_000, length=False)
        elif self.path == "/slow.png":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"0" * 10)
                self.wfile.flush()
                time.sleep(0.1)
        elif self.path == "/to-localhost":
            self._redirect(f"http://localhost:{port}/photo.png")
        elif self.path == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif self.path == "/to-self":
            self._redirect("/photo.png")
        elif self.path == "/loop":
            self._redirect("/loop")
        else:
            self._send(404, "text/plain", b"no")

    def _send(self, status, content_type, body, length=True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def server():
    Handler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


LOCAL = {"allow_hosts": {"127.0.0.1"}}


def test_fetches_an_image_from_an_allowed_host(server):
    got = fetch(f"{server}/photo.png", **LOCAL)
    assert got.data == PNG
    assert got.content_type == "image/png"


def test_refuses_loopback_unless_the_host_is_allowed_before_connecting(server):
    with pytest.raises(FetchRefused) as refused:
        fetch(f"{server}/photo.png")
    assert refused.value.reason == "private-address"
    assert Handler.hits == []  # the server never saw a request


def test_a_redirect_to_a_host_not_allowed_is_refused_before_it_is_followed(server):
    with pytest.raises(FetchRefused) as refused:
        fetch(f"{server}/to-localhost", **LOCAL)
    assert refused.value.reason == "private-address"
    assert Handler.hits == ["/to-localhost"]


def test_a_redirect_to_the_metadata_address_is_refused_without_connecting(server, monkeypatch):
    with pytest.raises(FetchRefused) as refused:
        fetch(f"{server}/to-metadata", **LOCAL)
    assert refused.value.reason == "private-address"


def test_a_redirect_on_the_same_allowed_host_is_followed(server):
    assert fetch(f"{server}/to-self", **LOCAL).data == PNG
    assert Handler.hits == ["/to-self", "/photo.png"]


def test_redirect_loops_stop(server):
    with pytest.raises(FetchRefused) as refused:
        fetch(f"{server}/loop", **LOCAL)
    assert refused.value.reason == "redirects"


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # the cloud metadata service
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 - an address to refuse, not to bind
        "127.0.0.1",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fd00:ec2::254",  # AWS's metadata over IPv6
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
    ],
)
def test_private_link_local_and_metadata_addresses_are_refused_before_any_connect(
    monkeypatch, address
):
    def no_connect(*args, **kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(safe_fetch.socket, "create_connection", no_connect)
    asked = []

    def stub_resolver(host, port, **kwargs):
        asked.append(host)
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    with pytest.raises(FetchRefused) as refused:
        fetch("http://photos.example/a.jpg", resolver=stub_resolver)
    assert refused.value.reason == "private-address"
    assert asked == ["photos.example"]


def test_one_private_answer_among_public_ones_is_enough_to_refuse(monkeypatch):
    monkeypatch.setattr(safe_fetch.socket, "create_connection", pytest.fail)

    def resolver(host, port, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    with pytest.raises(FetchRefused):
        fetch("https://photos.example/a.jpg", resolver=resolver)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://photos.example/a.jpg",
        "gopher://photos.example/",
        "http:///nohost",
        "http://user:secret@photos.example/a.jpg",
        "javascript:alert(1)",
    ],
)
def test_only_http_and_https_urls_without_credentials(url, monkeypatch):
    monkeypatch.setattr(safe_fetch.socket, "create_connection", pytest.fail)
    with pytest.raises(FetchRefused):
        fetch(url, resolver=lambda *a, **k: pytest.fail("resolved"))


def test_public_addresses_are_public():
    assert public_address("93.184.216.34")
    assert public_address("2606:4700::1111")
    assert not public_address("192.168.0.1")


def test_wrong_content_type_is_refused(server):
    with pytest.raises(FetchRefused) as refused:
        fetch(f"{server}/page", **LOCAL)
    assert refused.value.reason == "content-type"


def test_a_body_past_the_size_cap_is_cut_off(server):
    with pytest.raises(FetchRefused) as refused:
        fetch(f"{server}/big.png", max_bytes=100_000, **LOCAL)
    assert refused.value.reason == "too-large"


def test_a_body_that_trickles_in_past_the_deadline_is_refused(server):
    started = time.monotonic()
    with pytest.raises(FetchRefused) as refused:
        fetch(f"{server}/slow.png", timeout=0.5, **LOCAL)
    assert refused.value.reason in {"too-slow", "connection"}
    assert time.monotonic() - started < 1.9


def test_a_missing_page_is_refused(server):
    with pytest.raises(FetchRefused) as refused:
        fetch(f"{server}/nothing.png", **LOCAL)
    assert refused.value.reason == "status-404"
