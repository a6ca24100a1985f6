"""Web Push per new order, through the real checkout, the job queue and pywebpush, to a
local push service that does what a browser's push service and browser do: checks the
VAPID signature and decrypts the aes128gcm message with the subscription's private key.
Nothing reaches the internet."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlalchemy import func, select

from shop import jobs
from shop.extensions import db
from shop.lib.vapid import new_private_key, public_key_of
from shop.models import Job, PushSubscription, Shop
from tests.storefront.shopper import build_shop, orders, post_cart

SUBJECT = "mailto:ops@vitrina.example"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushService:
    """A push service on 127.0.0.1: records each POST; answers `status` (per path)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status: dict[str, int] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                service.received.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                self.send_response(service.status.get(self.path, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Browser:
    """A browser's side of one subscription: its P-256 key pair and auth secret."""

    def __init__(self, service: PushService, name: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = f"{service.origin}/push/{name}"

    def subscription(self) -> dict:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64(point), "auth": b64(self.auth)}}

    def read(self, request: dict) -> dict:
        """Decrypt a pushed message as the browser does (RFC 8291)."""
        assert request["headers"]["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            request["body"], private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


def check_vapid(request: dict, origin: str, public_key: str) -> dict:
    """The push service's check (RFC 8292): an ES256 JWT for this origin, signed by the
    key the header names, which is the app's public key. Returns the claims."""
    scheme, _, rest = request["headers"]["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    assert fields["k"] == public_key
    header, claims, signature = fields["t"].split(".")
    assert json.loads(unb64(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(fields["k"]))
    key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if bad
    claims = json.loads(unb64(claims))
    assert claims["aud"] == origin
    assert claims["sub"] == SUBJECT
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    return claims


@pytest.fixture
def service():
    found = PushService()
    yield found
    found.close()


@pytest.fixture
def ids(app, service):
    private = new_private_key()
    app.config.update(
        VAPID_PRIVATE_KEY=private,
        VAPID_PUBLIC_KEY=public_key_of(private),
        VAPID_SUBJECT=SUBJECT,
        PUSH_SERVICES=(*app.config["PUSH_SERVICES"], service.origin),
    )
    return build_shop(app)


@pytest.fixture
def owner(app, ids, client, sign_in_as) -> int:
    with app.app_context():
        owner_id = db.session.get(Shop, ids.shop).owner_id
    sign_in_as(client, owner_id)
    with client.session_transaction() as session:
        session["shop_id"] = ids.shop
    return owner_id


def subscribe(client, browser: Browser):
    return client.post(
        "/dashboard/push/subscribe",
        json=browser.subscription(),
        headers={"X-CSRFToken": client.csrf_token()},
    )


def push_jobs(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == "push"))


def devices(app) -> list[str]:
    with app.app_context():
        query = select(PushSubscription.endpoint).order_by(PushSubscription.id)
        return list(db.session.scalars(query))


def test_a_new_order_is_pushed_encrypted_and_signed(app, client, ids, owner, service):
    browser = Browser(service, "phone")
    answer = subscribe(client, browser)
    assert answer.status_code == 200, answer.text
    assert service.received == []  # subscribing sends nothing

    assert post_cart(client, ids, name="Zoë 🌻 <b>").status_code == 200
    assert service.received == []  # never in the checkout's request
    with app.app_context():
        jobs.drain()

    (request,) = service.received
    assert request["path"] == "/push/phone"
    assert int(request["headers"]["ttl"]) > 0
    check_vapid(request, service.origin, app.config["VAPID_PUBLIC_KEY"])
    (order,) = orders(app, ids.shop)
    assert browser.read(request) == {
        "title": f"New order #{order.number} · Tienda Sol",
        "body": "Zoë 🌻 <b> · €51.50",
        "url": f"/dashboard/orders/{order.id}",
        "tag": f"order-{order.id}",
    }


def test_every_subscribed_device_gets_it_and_a_gone_one_is_removed(
    app, client, ids, owner, service
):
    phone, laptop = Browser(service, "phone"), Browser(service, "laptop")
    subscribe(client, phone)
    subscribe(client, laptop)
    service.status["/push/laptop"] = 410
    post_cart(client, ids)
    with app.app_context():
        jobs.drain()
    assert sorted(r["path"] for r in service.received) == ["/push/laptop", "/push/phone"]
    assert devices(app) == [phone.endpoint]  # 410: the browser unsubscribed
    service.status["/push/phone"] = 404
    post_cart(client, ids, idempotency_key="b" * 32)
    with app.app_context():
        jobs.drain()
    assert devices(app) == []
    post_cart(client, ids, idempotency_key="c" * 32)
    assert push_jobs(app) == 2  # no device left: nothing queued


def test_a_push_service_down_is_retried_for_that_device_only(app, client, ids, owner, service):
    phone, laptop = Browser(service, "phone"), Browser(service, "laptop")
    subscribe(client, phone)
    subscribe(client, laptop)
    service.status["/push/laptop"] = 503
    post_cart(client, ids)
    with app.app_context():
        jobs.drain()
    assert devices(app) == [phone.endpoint, laptop.endpoint]  # a 503 removes nothing
    sent = [r["path"] for r in service.received]
    assert sent.count("/push/phone") == 1  # the step done is not redone
    assert sent.count("/push/laptop") >= 2  # retried


def test_nothing_is_sent_when_switched_off(app, client, ids, owner, service):
    browser = Browser(service, "phone")
    subscribe(client, browser)
    off = client.post(
        "/dashboard/push/unsubscribe",
        json={"endpoint": browser.endpoint},
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert (off.status_code, off.get_json()["removed"]) == (200, True)
    post_cart(client, ids)
    with app.app_context():
        jobs.drain()
    assert service.received == []
    assert push_jobs(app) == 0


def test_nothing_is_queued_without_vapid_keys(app, client, ids, owner, service):
    subscribe(client, Browser(service, "phone"))
    app.config["VAPID_PRIVATE_KEY"] = None
    assert post_cart(client, ids).status_code == 200
    assert push_jobs(app) == 0
    refused = subscribe(client, Browser(service, "tablet"))
    assert refused.status_code == 409
    assert "not set up" in refused.get_json()["error"]


@pytest.mark.parametrize(
    "change",
    [
        {"endpoint": "http://169.254.169.254/latest/meta-data"},
        {"endpoint": "https://evil.example/push"},
        {"endpoint": "https://fcm.googleapis.com.evil.example/x"},
        {"endpoint": "https://user:pw@fcm.googleapis.com/x"},
        {"endpoint": "javascript:alert(1)"},
        {"endpoint": "https://fcm.googleapis.com/" + "x" * 2000},
        {"endpoint": 7},
        {"keys": {"p256dh": "AAAA", "auth": "AAAA"}},
        {"keys": {"p256dh": "💥" * 87, "auth": "🙂" * 22}},
        {"keys": "nope"},
    ],
)
def test_a_subscription_we_cannot_use_is_refused(app, client, ids, owner, service, change):
    body = Browser(service, "phone").subscription() | change
    response = client.post(
        "/dashboard/push/subscribe", json=body, headers={"X-CSRFToken": client.csrf_token()}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]
    assert devices(app) == []


def test_a_known_push_service_is_accepted(app, client, ids, owner, service):
    body = Browser(service, "phone").subscription()
    for endpoint in [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://db5p.notify.windows.com/w/?token=x",
    ]:
        response = client.post(
            "/dashboard/push/subscribe",
            json=body | {"endpoint": endpoint},
            headers={"X-CSRFToken": client.csrf_token()},
        )
        assert response.status_code == 200, response.text


def test_subscribing_needs_csrf_sign_in_and_a_json_body(app, client, ids, owner, service):
    body = Browser(service, "phone").subscription()
    assert client.post("/dashboard/push/subscribe", json=body).status_code == 400
    anonymous = app.test_client().post("/dashboard/push/subscribe", json=body)
    assert anonymous.status_code in (302, 400)
    odd = client.post(
        "/dashboard/push/subscribe",
        data=b"\xff[",
        content_type="application/json",
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert odd.status_code == 422
    assert devices(app) == []


def test_another_shops_devices_are_not_touched(app, client, ids, owner, service, sign_in_as):
    browser = Browser(service, "shared")
    subscribe(client, browser)  # the owner's, for Tienda Sol
    with client.session_transaction() as session:
        session["shop_id"] = ids.other_shop  # the same merchant's other shop
    gone = client.post(
        "/dashboard/push/unsubscribe",
        json={"endpoint": browser.endpoint},
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert gone.get_json()["removed"] is False
    assert devices(app) == [browser.endpoint]
    post_cart(
        client,
        ids,
        slug="otra-tienda",
        lines=[{"item_id": ids.other_item, "quantity": 1}],
        shipping_method_id=ids.other_method,
    )
    assert push_jobs(app) == 0  # an order in the other shop pushes to no device of this one


def test_the_service_worker_and_the_button(app, client, ids, owner):
    worker = client.get("/dashboard/push-sw.js")
    assert worker.status_code == 200
    assert worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/dashboard/"
    assert "showNotification" in worker.text
    page = client.get("/dashboard/orders").text
    assert f'data-key="{app.config["VAPID_PUBLIC_KEY"]}"' in page
    assert "Notify this device even with the tab closed" in page
    app.config["VAPID_PRIVATE_KEY"] = None
    page = client.get("/dashboard/orders").text
    assert "this server is not set up to send them yet" in page


def test_the_shops_devices_go_with_the_shop(app, client, ids, owner, service):
    from shop.shops.deletion import delete_shop

    subscribe(client, Browser(service, "phone"))
    with app.test_request_context():
        shop = db.session.get(Shop, ids.shop)
        delete_shop(shop, shop.name)
        db.session.commit()
    assert devices(app) == []
