"""A shop with a little of everything a shopper meets, for the storefront tests.

build_shop() makes "Tienda Sol" (EUR, a Spanish number, but English text so tests can
read what shoppers are told; Spanish has tests of its own): two products, a service, a
hidden and a sold-out item, delivery (needs an address), pickup (free, no address)
and a retired method, plus a second shop with an item of its own.
"""

from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from shop.extensions import db
from shop.models import Availability, Order, Shop
from tests import factories


@dataclass
class Ids:
    shop: int
    slug: str
    shirt: int
    cap: int
    service: int
    hidden: int
    sold_out: int
    delivery: int
    pickup: int
    retired: int
    other_shop: int
    other_item: int
    other_method: int


def build_shop(app, **shop_fields) -> Ids:
    with app.app_context():
        owner = factories.make_user()
        fields = {"slug": "tienda-sol", "name": "Tienda Sol", "language": "en"} | shop_fields
        shop = factories.make_shop(owner, **fields)
        shirts = factories.make_category(shop, "Camisetas", position=0)
        caps = factories.make_category(shop, "Gorras", position=1)
        shirt = factories.make_item(shop, shirts, name="Camiseta azul", price_minor=2000)
        cap = factories.make_item(shop, caps, name="Gorra", price_minor=850, compare_at_minor=1200)
        service = factories.make_item(shop, None, name="Arreglo", price_minor=1500, is_service=True)
        hidden = factories.make_item(
            shop, shirts, name="Secreta", price_minor=100, availability=Availability.HIDDEN
        )
        sold_out = factories.make_item(
            shop, shirts, name="Agotada", price_minor=100, availability=Availability.SOLD_OUT
        )
        delivery = factories.make_shipping(shop, name="Entrega a domicilio", price_minor=300)
        pickup = factories.make_shipping(
            shop, name="Recogida en tienda", price_minor=0, needs_address=False, position=1
        )
        retired = factories.make_shipping(shop, name="Mensajero", active=False, position=2)
        other = factories.make_shop(owner, slug="otra-tienda", name="Otra")
        other_item = factories.make_item(other, None, name="Ajena", price_minor=100)
        other_method = factories.make_shipping(other, name="Suya")
        db.session.commit()
        return Ids(
            shop=shop.id,
            slug=shop.slug,
            shirt=shirt.id,
            cap=cap.id,
            service=service.id,
            hidden=hidden.id,
            sold_out=sold_out.id,
            delivery=delivery.id,
            pickup=pickup.id,
            retired=retired.id,
            other_shop=other.id,
            other_item=other_item.id,
            other_method=other_method.id,
        )


def cart(ids: Ids, **fields) -> dict:
    """A valid JSON checkout body: 2 shirts and a cap, delivered to Ana."""
    body = {
        "lines": [{"item_id": ids.shirt, "quantity": 2}, {"item_id": ids.cap, "quantity": 1}],
        "name": "Ana",
        "shipping_method_id": ids.delivery,
        "address": "Calle Mayor 1, Madrid",
        "notes": "",
        "idempotency_key": str(uuid.uuid4()),
    }
    return body | fields


def post_cart(client, ids: Ids, slug: str | None = None, headers=None, **fields):
    return client.post(
        f"/s/{slug or ids.slug}/checkout", json=cart(ids, **fields), headers=headers or {}
    )


def post_json_at_once(url: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    """POST every JSON body to `url` at the same moment, from a thread each (a barrier
    lines them up), as shoppers tapping together; (status, answer) for each, in order."""
    barrier = threading.Barrier(len(bodies))

    def post(body: dict) -> tuple[int, dict]:
        request = urllib.request.Request(
            url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        barrier.wait(timeout=30)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def orders(app, shop_id: int) -> list[Order]:
    from sqlalchemy import select

    with app.app_context():
        found = db.session.scalars(
            select(Order).where(Order.shop_id == shop_id).order_by(Order.number)
        ).all()
        for order in found:
            _ = order.lines, order.status_changes
        db.session.expunge_all()
        return list(found)


def next_number(app, shop_id: int) -> int:
    with app.app_context():
        return db.session.get(Shop, shop_id).next_order_number


def jpeg_bytes(size=(800, 600), color=(200, 30, 60)) -> bytes:
    from PIL import Image as PillowImage

    buffer = io.BytesIO()
    PillowImage.new("RGB", size, color).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
