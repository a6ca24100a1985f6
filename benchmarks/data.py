"""The benchmarks' data: shops of 10, 200 and 1,000 products, with real photos.

Every shop has its categories (20 for the large ones), two photos per product and
a logo. The photos are real photographs (see `photos`) sent through the app's own
upload pipeline, `shop.media.pipeline.ingest`; to keep set-up short, a few dozen
distinct photos are processed and shared between products, as a shop selling one
print in several sizes would. Catalog versions start at a random number, so a
cache shared between runs (Redis) can never answer with an earlier run's page.
"""

from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass, field

from . import photos
from .workspace import Workspace, create_app

SIZES = (10, 200, 1000)
PHOTO_POOL = 42
ADJECTIVES = (
    "Azul", "Roja", "Clásica", "Grande", "Mini", "Vintage", "Natural", "Dorada", "Nocturna",
    "Suave", "Viajera", "Urbana", "Marina", "Salvaje", "Serena",
)  # fmt: skip
NOUNS = (
    "Lámina", "Taza", "Camiseta", "Bolsa", "Postal", "Lienzo", "Cuaderno", "Marco", "Cojín",
    "Gorra", "Vela", "Maceta", "Pulsera", "Bufanda", "Jarrón", "Calendario",
)  # fmt: skip
CATEGORY_NAMES = (
    "Láminas", "Lienzos", "Enmarcados", "Postales", "Tazas", "Textil", "Papelería", "Hogar",
    "Decoración", "Regalos", "Accesorios", "Infantil", "Viaje", "Cocina", "Jardín", "Ofertas",
    "Novedades", "Ediciones limitadas", "Packs", "Servicios",
)  # fmt: skip


@dataclass
class BenchShop:
    size: int
    id: int
    slug: str
    product_id: int  # a visible product with two photos, for the product page

    @property
    def path(self) -> str:
        return f"/s/{self.slug}"

    @property
    def product_path(self) -> str:
        return f"/s/{self.slug}/p/{self.product_id}"


@dataclass
class BenchData:
    workspace: Workspace
    shops: dict[int, BenchShop]
    seconds: float
    photo_count: int
    timings: dict[str, float] = field(default_factory=dict)


def build(workspace: Workspace, sizes=SIZES, photo_pool: int = PHOTO_POOL) -> BenchData:
    """Migrate a fresh database with the real migrations and fill it."""
    from flask_migrate import upgrade

    from shop.extensions import db

    started = time.perf_counter()
    app = create_app(workspace)
    timings = {}
    with app.app_context():
        upgrade()
        timings["migrate_s"] = time.perf_counter() - started
        rng = random.Random(4)
        owner = _owner()
        made = photos.catalog_photos(photo_pool)
        timings["make_photos_s"] = time.perf_counter() - started - timings["migrate_s"]
        shops, pool = {}, None
        for size in sizes:
            shop = _shop(owner, size, rng)
            pool = _photos(shop, made, pool)
            shops[size] = _catalog(shop, size, pool, rng)
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return BenchData(workspace, shops, time.perf_counter() - started, len(made), timings)


def _owner():
    from shop.extensions import db
    from shop.models import User

    user = User(oidc_issuer="https://bench.invalid", oidc_subject="bench", name="Bench")
    db.session.add(user)
    db.session.flush()
    return user


def _shop(owner, size: int, rng: random.Random):
    from shop.extensions import db
    from shop.media.pipeline import ingest
    from shop.models import ShippingMethod, Shop

    shop = Shop(
        owner=owner,
        slug=f"bench-{size}",
        name=f"Tienda Banco {size}",
        description="Láminas, lienzos y regalos con fotografías. Pide por WhatsApp y te lo "
        "llevamos a casa o lo recoges en la tienda.",
        whatsapp="+34612345678",
        currency="EUR",
        language="es",
        catalog_version=rng.randrange(10**6, 10**9),
    )
    db.session.add(shop)
    db.session.flush()
    shop.logo = ingest(shop, io.BytesIO(photos.logo()))
    for name, price, address in (("Envío a domicilio", 490, True), ("Recogida", 0, False)):
        db.session.add(
            ShippingMethod(shop=shop, name=name, price_minor=price, needs_address=address)
        )
    db.session.flush()
    return shop


def _photos(shop, made: list[bytes], pool) -> list:
    """The shop's Image rows: the first shop sends each photo through the pipeline; later
    shops get rows for the same stored renditions (what ingest would give them)."""
    from shop.extensions import db
    from shop.media.pipeline import ingest
    from shop.models import Image

    if pool is None:
        return [ingest(shop, io.BytesIO(data)) for data in made]
    images = [
        Image(shop_id=shop.id, key=i.key, width=i.width, height=i.height, widths=list(i.widths))
        for i in pool
    ]
    db.session.add_all(images)
    db.session.flush()
    return images


def _catalog(shop, size: int, pool: list, rng: random.Random) -> BenchShop:
    from shop.extensions import db
    from shop.models import Availability, Category, Item, ItemPhoto

    count = max(1, min(20, size // 5))
    categories = [Category(shop=shop, name=CATEGORY_NAMES[n], position=n) for n in range(count)]
    db.session.add_all(categories)
    items = []
    for n in range(size):
        price = rng.randrange(500, 9000, 50)
        item = Item(
            shop=shop,
            category=categories[n % count],
            name=f"{NOUNS[n % len(NOUNS)]} {ADJECTIVES[(n // 3) % len(ADJECTIVES)]} {n + 1}",
            description=(
                "Impresa en papel de algodón de 310 g con tintas pigmentadas. "
                "Hecha a mano en nuestro taller; se envía en 24-48 horas."
            ),
            price_minor=price,
            compare_at_minor=price + 500 if n % 7 == 0 else None,
            code=f"B{size}-{n + 1:04d}",
            availability=Availability.SOLD_OUT if n % 20 == 19 else Availability.AVAILABLE,
            position=n,
        )
        item.photos = [
            ItemPhoto(image=pool[n % len(pool)], position=0),
            ItemPhoto(image=pool[(n * 7 + 3) % len(pool)], position=1),
        ]
        items.append(item)
    db.session.add_all(items)
    db.session.flush()
    product = items[min(1, size - 1)]
    return BenchShop(size=size, id=shop.id, slug=shop.slug, product_id=product.id)
