"""A merchant's world with one of everything, so tests can reach every URL with real ids."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import timedelta

from PIL import Image as PillowImage

from shop.extensions import db
from shop.jobs.files import result_path
from shop.jobs.running import new_token
from shop.media import pending
from shop.media.names import rendition_name
from shop.media.pipeline import ingest
from shop.models import (
    Discount,
    DiscountKind,
    ItemPhoto,
    Job,
    JobState,
    Membership,
    PaymentMethod,
    Role,
    ShippingZone,
    Shop,
    ShopDomain,
    ZoneKind,
    utcnow,
)
from shop.shops import team
from shop.shops.archive import write_archive
from shop.shops.imports import stage_upload
from tests import factories


@dataclass(frozen=True)
class World:
    user: int
    shop: int
    slug: str
    category: int
    item: int
    photo: int
    method: int
    order: int
    order_token: str
    job_token: str
    media_name: str
    rival_shop: int
    rival_slug: str
    rival_item: int
    group: int = 0  # an option group of the second item
    payment: int = 0
    cap: int = 0  # the second item, the one with options
    choices: tuple[int, ...] = ()  # the group's choices (S, M)
    upload_token: str = ""  # a photo held for the item form (issue 16)
    member: int = 0  # a staff member's membership, and an open invitation (issue 26)
    invitation: int = 0
    invite_token: str = ""
    discount: int = 0  # a coupon of the shop (issue 24)
    domain: int = 0  # the shop's own domain (issue 28)
    zone: int = 0  # the delivery method's list zone (issue 25)
    rival_discount: int = 0
    import_token: str = ""  # the shop's own export, uploaded to import (issue 21)
    customer: int = 0  # the order's customer (issue 20)


def jpeg(size=(640, 480), color=(200, 30, 60)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, color).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def build_world(app, **shop_fields) -> World:
    """The signed-in merchant's shop (English, EUR) with a photo, and a rival's shop."""
    with app.test_request_context():
        user = factories.make_user()
        fields = {"slug": "tienda-sol", "name": "Tienda Sol", "language": "en"} | shop_fields
        shop = factories.make_shop(user, **fields)
        category = factories.make_category(shop, "Camisetas")
        item = factories.make_item(shop, category, name="Camiseta azul", price_minor=2000)
        cap = factories.make_item(shop, None, name="Gorra", price_minor=850)
        group = factories.make_group(cap, "Talla", ["S", "M"], kind="size")
        image = ingest(shop, io.BytesIO(jpeg()))
        photo = ItemPhoto(item=item, image=image, position=0)
        db.session.add(photo)
        method = factories.make_shipping(shop, name="Entrega a domicilio", price_minor=300)
        # Delivery zones (issue 25): everywhere at the method's fee, a neighbourhood
        # picked from the list and a band up to 2 km from the shop.
        shop.latitude, shop.longitude = 40.416775, -3.70379
        method.zones = [
            ShippingZone(shop_id=shop.id, kind=ZoneKind.EVERYWHERE, name="", codes="",
                         fee_minor=300, position=0),
            ShippingZone(shop_id=shop.id, kind=ZoneKind.LIST, name="Centro", codes="",
                         fee_minor=150, position=1),
            ShippingZone(shop_id=shop.id, kind=ZoneKind.DISTANCE, name="Cerca", codes="",
                         max_m=2000, fee_minor=200, position=2),
        ]  # fmt: skip
        payment = PaymentMethod(shop=shop, kind="cash", name="Efectivo", details="", active=False)
        db.session.add(payment)
        order = factories.make_order(shop)
        job = Job(
            token=new_token(),
            kind="shop-export",
            shop_id=shop.id,
            user_id=user.id,
            state=JobState.DONE,
            result={"name": "vitrina-tienda-sol.zip", "size": 22, "photos": 0},
            expires_at=utcnow() + timedelta(days=1),
        )
        db.session.add(job)
        result = result_path(job.token)
        result.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(result, "w"):
            pass  # an empty ZIP: a finished export to download
        held = pending.hold(shop, io.BytesIO(jpeg(color=(10, 200, 10))), "held.jpg")
        staff = factories.make_user("Pedro")
        member = Membership(shop=shop, user=staff, role=Role.STAFF)
        db.session.add(member)
        invitation, invite_token = team.invite(shop, Role.MANAGER, user)
        export = io.BytesIO()
        write_archive(shop, export)
        export.seek(0)
        import_token = stage_upload(shop.id, export)
        rival = factories.make_shop(factories.make_user("Rival"), slug="rival", name="Rival")
        rival_item = factories.make_item(rival, None, name="Ajena", price_minor=100)
        discount = Discount(shop=shop, code="verano10", kind=DiscountKind.PERCENT, value=1000)
        rival_discount = Discount(shop=rival, code="suyo", kind=DiscountKind.FIXED, value=100)
        domain = ShopDomain(shop_id=shop.id, name="tienda.example.com", token="t" * 32)
        db.session.add_all([discount, rival_discount, domain])
        db.session.commit()
        return World(
            user=user.id,
            shop=shop.id,
            slug=shop.slug,
            category=category.id,
            item=item.id,
            photo=photo.id,
            method=method.id,
            order=order.id,
            order_token=order.token,
            job_token=job.token,
            media_name=rendition_name(image.key, min(image.widths)),
            rival_shop=rival.id,
            rival_slug=rival.slug,
            rival_item=rival_item.id,
            group=group.id,
            payment=payment.id,
            cap=cap.id,
            choices=tuple(choice.id for choice in group.choices),
            upload_token=held.token,
            member=member.id,
            invitation=invitation.id,
            invite_token=invite_token,
            discount=discount.id,
            rival_discount=rival_discount.id,
            domain=domain.id,
            import_token=import_token,
            customer=order.customer_id,
            zone=method.zones[1].id,
        )


def shop_row(app, shop_id: int) -> Shop:
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        db.session.expunge(shop)
        return shop


def url_values(world: World) -> dict[str, object]:
    """A real value for every URL argument the app uses (a new one fails the walk tests)."""
    return {
        "slug": world.slug,
        "item_id": world.item,
        "category_id": world.category,
        "order_id": world.order,
        "method_id": world.method,
        "discount_id": world.discount,
        "domain_id": world.domain,
        "zone_id": world.zone,
        "payment_id": world.payment,
        "photo_id": world.photo,
        "group_id": world.group,
        "token": world.order_token,
        "job_token": world.job_token,
        "upload_token": world.upload_token,
        "import_token": world.import_token,
        "name": world.media_name,
        "page": 1,
        "size": 192,  # a home-screen icon
        "section": str(world.category),  # a big catalog's part (its first: number 1)
        "number": 1,
        "shop_id": world.shop,
        "filename": "css/shop.css",
        "member_id": world.member,
        "invitation_id": world.invitation,
        "invite_token": world.invite_token,
        "customer_id": world.customer,
    }


def rules(app, method: str):
    """Every URL rule that answers `method`, sorted for stable test ids."""
    return sorted(
        (rule for rule in app.url_map.iter_rules() if method in rule.methods),
        key=lambda rule: rule.rule,
    )


def url_for_rule(app, rule, world: World) -> str:
    from flask import url_for

    values = url_values(world)
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: give url_values() a value for {sorted(missing)}"
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


def add_member(app, world: World, role: str) -> int:
    """Another person in the world's shop, with `role` ("manager", "staff"); their id."""
    with app.app_context():
        user = factories.make_user("Carla")
        db.session.add(Membership(shop_id=world.shop, user_id=user.id, role=Role(role)))
        db.session.commit()
        return user.id
