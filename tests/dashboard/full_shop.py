"""A shop with one of everything a merchant owns, for the export and deletion tests.

Photos go through the real pipeline into the app's real media storage. One picture
is uploaded by a second shop too: same pixels, so the same files in storage (names
are content hashes), which deleting the first shop must leave in place.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image as PillowImage

from shop.extensions import db
from shop.media.names import preview_name, rendition_name
from shop.media.pipeline import ingest
from shop.models import Image, ItemPhoto, PaymentMethod
from shop.shops.settings import change_slug, set_logo
from tests import factories


@dataclass(frozen=True)
class FullShop:
    user: int
    shop: int
    slug: str
    old_slug: str
    name: str
    items: tuple[int, ...]
    orders: tuple[int, ...]
    own_files: tuple[str, ...]  # renditions only this shop uses
    shared_files: tuple[str, ...]  # renditions the other shop uses as well
    other_shop: int
    other_slug: str


def jpeg(color, size=(700, 500)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, color).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def files_of(image: Image) -> list[str]:
    return [rendition_name(image.key, w) for w in image.widths] + [preview_name(image.key)]


def build_full_shop(app, name: str = "Tienda Sol", **shop_fields) -> FullShop:
    with app.test_request_context():
        user = factories.make_user()
        fields = {"slug": "vieja-sol", "name": name, "language": "en"} | shop_fields
        shop = factories.make_shop(user, **fields)
        change_slug(shop, "tienda-sol")
        set_logo(shop, io.BytesIO(jpeg((10, 120, 200))))
        shirts = factories.make_category(shop, "Camisetas")
        factories.make_category(shop, '=HYPERLINK("http://evil")', position=1)
        shirt = factories.make_item(shop, shirts, name="Camiseta ☀️ azul", code="CAM-1")
        cap = factories.make_item(
            shop, None, name="@Gorra", price_minor=850, compare_at_minor=1200, description="-x"
        )
        red = ingest(shop, io.BytesIO(jpeg((200, 30, 60))))
        shared = ingest(shop, io.BytesIO(jpeg((30, 160, 60))))
        shirt.photos.extend([ItemPhoto(image=red, position=0), ItemPhoto(image=shared, position=1)])
        cap.photos.append(ItemPhoto(image=shared, position=0))
        size = factories.make_group(shirt, "Talla", ["S", "M"], kind="size")
        factories.make_group(shirt, "Extras", [("Bolsa regalo", 150)], min_choices=0)
        factories.set_variant_stock(shirt, [size.choices[0]], 4)
        db.session.add(
            PaymentMethod(shop=shop, kind="bank_transfer", name="Transferencia", details="=IBAN")
        )
        shop.opening_hours = {"0": [["09:00", "14:00"]]}
        factories.make_shipping(shop, name="Entrega a domicilio", price_minor=300)
        factories.make_shipping(shop, name="Recogida", price_minor=0, needs_address=False)
        first = factories.make_order(shop, customer_name="+Ana =1+1")
        second = factories.make_order(
            shop, [("Gorra", 850, 3)], status="confirmed", customer_notes="Sin prisa 🙏"
        )

        other = factories.make_shop(factories.make_user("Rival"), slug="rival", name="Rival")
        other_image = ingest(other, io.BytesIO(jpeg((30, 160, 60))))
        other_item = factories.make_item(other, None, name="Ajena")
        other_item.photos.append(ItemPhoto(image=other_image, position=0))
        factories.make_order(other, [("Ajena", 100, 1)])
        db.session.commit()
        assert other_image.key == shared.key
        return FullShop(
            user=user.id,
            shop=shop.id,
            slug=shop.slug,
            old_slug="vieja-sol",
            name=shop.name,
            items=(shirt.id, cap.id),
            orders=(first.id, second.id),
            own_files=tuple(files_of(red) + files_of(shop.logo)),
            shared_files=tuple(files_of(shared)),
            other_shop=other.id,
            other_slug=other.slug,
        )
