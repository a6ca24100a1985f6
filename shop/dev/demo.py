"""`flask --app shop seed-demo`: the demo shop (slug `demo`) a newcomer sees first.

"Tienda Sol" sells photographic prints, framed prints and canvases in Spain, in
Spanish and euros. Its photos live in shop/dev/demo_assets/ and go through the same
upload pipeline as a merchant's. Seeding is idempotent: it adds what is missing
(matched by category name, item code and shipping method name) and never
duplicates or overwrites what is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from shop.extensions import db
from shop.media.pipeline import ingest
from shop.models import Availability, Category, Item, ItemPhoto, ShippingMethod, Shop, User

ASSETS = Path(__file__).resolve().parent / "demo_assets"
DEMO_SLUG = "demo"

SHOP = {
    "slug": DEMO_SLUG,
    "name": "Tienda Sol",
    "description": (
        "Láminas, lienzos y marcos con fotografías de nuestro archivo. Imprimimos en "
        "papel de algodón de 310 g y enmarcamos a mano en nuestro taller de Valencia. "
        "Haz tu pedido por WhatsApp: te lo llevamos a casa o lo recoges en la tienda."
    ),
    "whatsapp": "+34612345678",
    "currency": "EUR",
    "language": "es",
}
CATEGORIES = ("Láminas", "Enmarcados y lienzos", "Postales y regalos", "Servicios")
SHIPPING = (
    # name, price in cents, needs an address
    ("Envío a domicilio (24-48 h)", 490, True),
    ("Recogida en la tienda (Valencia)", 0, False),
)

PAPER = "Impresión giclée en papel de algodón de 310 g, tintas pigmentadas. Se envía sin marco."


@dataclass(frozen=True)
class DemoItem:
    code: str
    name: str
    category: str
    price: int  # cents
    photo: str
    description: str
    compare_at: int | None = None
    availability: Availability = Availability.AVAILABLE
    is_service: bool = False


ITEMS = (
    DemoItem(
        "SOL-001",
        "Lámina Espresso (A4)",
        "Láminas",
        1500,
        "espresso-poster.jpg",
        f"Un espresso recién hecho sobre una mesa de madera. 21 x 29,7 cm. {PAPER}",
    ),
    DemoItem(
        "SOL-002",
        "Lámina Dalia naranja (A4)",
        "Láminas",
        1500,
        "dalia-poster.jpg",
        f"Una dalia pompón en plena floración. 21 x 29,7 cm. {PAPER}",
        compare_at=1900,
    ),
    DemoItem(
        "SOL-003",
        "Lámina Pagoda junto al lago (A3)",
        "Láminas",
        2200,
        "pagoda-poster.jpg",
        f"Una pagoda entre pinos, con el lago al fondo. 29,7 x 42 cm. {PAPER}",
        availability=Availability.SOLD_OUT,
    ),
    DemoItem(
        "SOL-004",
        "Lámina Despegue nocturno (A3)",
        "Láminas",
        2200,
        "despegue-poster.jpg",
        f"Un cohete en la plataforma de lanzamiento, de noche. 29,7 x 42 cm. {PAPER}",
    ),
    DemoItem(
        "SOL-005",
        "Lámina Campo profundo (50 x 70)",
        "Láminas",
        3200,
        "campo-profundo-poster.jpg",
        f"Miles de galaxias en un trocito de cielo, visto por el Hubble. {PAPER}",
    ),
    DemoItem(
        "SOL-006",
        "Lámina Gata Chelsea (A4)",
        "Láminas",
        1500,
        "chelsea-poster.jpg",
        f"Chelsea, atenta a todo. 21 x 29,7 cm. {PAPER}",
        compare_at=1800,
    ),
    DemoItem(
        "SOL-101",
        "Dalia naranja con marco de roble (30 x 40)",
        "Enmarcados y lienzos",
        4900,
        "dalia-framed.jpg",
        "Lámina con paspartú blanco roto y marco de roble macizo. Cristal antirreflejo "
        "y colgador incluidos. Lista para colgar.",
        compare_at=5900,
    ),
    DemoItem(
        "SOL-102",
        "Astronauta con marco negro (30 x 40)",
        "Enmarcados y lienzos",
        4900,
        "astronauta-framed.jpg",
        "Retrato oficial de una astronauta, con paspartú y marco negro mate. Cristal "
        "antirreflejo y colgador incluidos.",
    ),
    DemoItem(
        "SOL-103",
        "Espresso con marco blanco (30 x 40)",
        "Enmarcados y lienzos",
        4500,
        "espresso-framed.jpg",
        "Para la cocina o el rincón del café: lámina con paspartú y marco blanco lacado.",
    ),
    DemoItem(
        "SOL-104",
        "Lienzo Campo profundo (40 x 60)",
        "Enmarcados y lienzos",
        6900,
        "campo-profundo-canvas.jpg",
        "Lienzo de algodón tensado a mano sobre bastidor de pino de 2 cm. Los bordes "
        "continúan la imagen.",
    ),
    DemoItem(
        "SOL-105",
        "Lienzo Despegue nocturno (40 x 60)",
        "Enmarcados y lienzos",
        6500,
        "despegue-canvas.jpg",
        "Lienzo de algodón tensado sobre bastidor de 2 cm, con colgador.",
        compare_at=7500,
    ),
    DemoItem(
        "SOL-201",
        "Pack de 6 postales",
        "Postales y regalos",
        900,
        "postales.jpg",
        "Seis postales de 10 x 15 cm en cartulina mate de 350 g, con sobres kraft.",
    ),
    DemoItem(
        "SOL-202",
        "Marco de roble con paspartú (30 x 40)",
        "Postales y regalos",
        2900,
        "marco-roble.jpg",
        "Marco de roble macizo con cristal y paspartú para fotos de 20 x 30 cm.",
    ),
    DemoItem(
        "SOL-301",
        "Enmarcado a medida",
        "Servicios",
        2500,
        "enmarcado-a-medida.jpg",
        "Trae tu foto, lámina o diploma y lo enmarcamos a mano en una semana. Precio "
        "para piezas de hasta 30 x 40 cm; para otros tamaños te damos presupuesto por "
        "WhatsApp.",
        is_service=True,
    ),
)


def ensure_demo_shop(owner_issuer: str = "vitrina:demo", owner_subject: str = "demo") -> Shop:
    """Create or complete the demo shop, owned by the user (owner_issuer, owner_subject).

    Creates that user if missing and re-points an existing demo shop to it (so the
    local sign-in can manage the demo). Flushes, never commits.
    """
    owner = _ensure_user(owner_issuer, owner_subject)
    shop = db.session.scalar(select(Shop).where(Shop.slug == DEMO_SLUG))
    if shop is None:
        shop = Shop(owner=owner, **SHOP)
        db.session.add(shop)
        db.session.flush()
    elif shop.owner_id != owner.id:
        shop.owner = owner
    if shop.logo is None:
        shop.logo = _photo(shop, "logo.png")
    _add_missing_catalog(shop)
    db.session.flush()
    return shop


def _ensure_user(issuer: str, subject: str) -> User:
    user = db.session.scalar(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    )
    if user is None:
        user = User(oidc_issuer=issuer, oidc_subject=subject, name="Demo", email="demo@example.com")
        db.session.add(user)
        db.session.flush()
    return user


def _photo(shop: Shop, filename: str):
    with (ASSETS / filename).open("rb") as file:
        return ingest(shop, file)


def _add_missing_catalog(shop: Shop) -> bool:
    """Add the categories, items and shipping methods the shop lacks; True if any."""
    added = False
    categories = {c.name: c for c in shop.categories}
    for position, name in enumerate(CATEGORIES):
        if name not in categories:
            categories[name] = Category(shop=shop, name=name, position=position)
            db.session.add(categories[name])
            added = True

    codes = set(db.session.scalars(select(Item.code).where(Item.shop_id == shop.id)))
    for position, spec in enumerate(ITEMS):
        if spec.code in codes:
            continue
        item = Item(
            shop=shop,
            category=categories[spec.category],
            code=spec.code,
            name=spec.name,
            description=spec.description,
            price_minor=spec.price,
            compare_at_minor=spec.compare_at,
            availability=spec.availability,
            is_service=spec.is_service,
            position=position,
        )
        item.photos.append(ItemPhoto(image=_photo(shop, spec.photo), position=0))
        db.session.add(item)
        added = True

    methods = {m.name for m in shop.shipping_methods}
    for position, (name, price, needs_address) in enumerate(SHIPPING):
        if name not in methods:
            db.session.add(
                ShippingMethod(
                    shop=shop,
                    name=name,
                    price_minor=price,
                    needs_address=needs_address,
                    position=position,
                )
            )
            added = True
    return added


def _item_count(shop: Shop) -> int:
    return db.session.scalar(select(func.count(Item.id)).where(Item.shop_id == shop.id)) or 0


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Create the demo shop with categories, photographed products and shipping methods."""
    existing = db.session.scalar(select(Shop).where(Shop.slug == DEMO_SLUG))
    before = _item_count(existing) if existing else 0
    shop = ensure_demo_shop()
    db.session.commit()
    after = _item_count(shop)
    if existing is None:
        click.echo(
            f"Created the demo shop “{shop.name}” at /s/{shop.slug} with "
            f"{len(shop.categories)} categories, {after} items and "
            f"{len(shop.shipping_methods)} shipping methods."
        )
    elif after > before:
        click.echo(f"Completed the demo shop at /s/{shop.slug}: added {after - before} items.")
    else:
        click.echo(f"The demo shop at /s/{shop.slug} is already complete ({after} items).")
