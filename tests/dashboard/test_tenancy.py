"""Every dashboard URL that takes an id answers 404 for another merchant's object.

The routes are read from the app's URL map, so a route added later is checked too.
A route with an argument this file does not know fails loudly: add the argument to
KINDS (and, for a new kind of object, to `objects_of`).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from shop.extensions import db
from shop.models import (
    Activity,
    Category,
    Customer,
    Discount,
    DiscountKind,
    Image,
    Invitation,
    Item,
    ItemPhoto,
    Job,
    JobState,
    Membership,
    OptionChoice,
    OptionGroup,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    PendingUpload,
    Role,
    ShippingMethod,
    ShippingZone,
    Shop,
    ShopDomain,
    VariantStock,
    ZoneKind,
    utcnow,
)
from shop.shops import team
from shop.shops.archive import write_archive
from shop.shops.imports import stage_upload
from tests import factories

# URL argument name -> the kind of object its id names.
KINDS = {
    "item_id": "item",
    "category_id": "category",
    "photo_id": "photo",
    "image_id": "image",
    "method_id": "shipping",
    "shipping_id": "shipping",
    "shipping_method_id": "shipping",
    "payment_id": "payment",
    "order_id": "order",
    "order_number": "order_number",
    "shop_id": "shop",
    "group_id": "option_group",
    "job_token": "job",
    "upload_token": "upload",  # a photo held for a form (issue 16)
    "member_id": "member",  # the team (issue 26)
    "invitation_id": "invitation",
    "discount_id": "discount",  # coupons (issue 24)
    "import_token": "import",  # a catalog file staged for import (issue 21)
    "customer_id": "customer",  # customers (issue 20)
    "domain_id": "domain",  # the shop's own domain (issue 28)
    "zone_id": "zone",  # a shipping method's delivery zone (issue 25)
}
# The invitation link is the permission itself: whoever holds it may join (whatever shop
# they are in), so it is not walked here; tests/dashboard/test_team.py checks its rules.
NOT_TENANT_BOUND = {"dashboard.join"}


# What a POST carries: every form field a dashboard view might read, aimed at the victim.
def attack_form(victim: dict) -> dict:
    return {
        "name": "Hacked",
        "description": "Hacked",
        "price": "1",
        "price_minor": "1",
        "compare_at": "",
        "code": "HACK",
        "availability": "hidden",
        "direction": "up",
        "action": "delete",
        "confirmed": "yes",
        "status": "cancelled",
        "category": str(victim["category"]),
        "move_items_to": str(victim["category"]),
        "item_ids": str(victim["item"]),
        "shop_id": str(victim["shop"]),
        "needs_address": "y",
        "active": "",
        "next": "/dashboard",
        "uploads": victim["upload"],
        # Options and stock (issue 7A), for the victim's group and the "new" form.
        **{
            f"{prefix}-{field}": value
            for prefix in ("new", f"g{victim['option_group']}")
            for field, value in {
                "name": "Hacked",
                "kind": "other",
                "min_choices": "0",
                "max_choices": "1",
                "choices": "Hacked | -1",
            }.items()
        },
        **{f"stock-{key}": "0" for key in victim["variant_keys"]},
        # Payment methods and rules (issue 7B).
        "kind": "link",
        "details": "https://evil.example/pay",
        "min_order": "999",
        "greeting": "Hacked {shop}",
        "closed_policy": "refuse",
        "day_0": "09:00-10:00",
        "reason": "Hacked",
        # Customers (issue 20): a note, tags, merging with the victim's other customer.
        "note": "Hacked",
        "tags": "hacked",
        "other": str(victim["customer_other"]),
        # Delivery zones and the shop's location (issue 25).
        "fee": "0",
        "distance": "1",
        "codes": "1*",
        "latitude": "1",
        "longitude": "1",
    }


def objects_of(shop: Shop, order_number: int) -> dict:
    """One object of every kind, in `shop`."""
    manager = factories.make_user("Pedro")
    category = factories.make_category(shop, "Categoría")
    item = factories.make_item(shop, category, name="Producto")
    image = Image(shop_id=shop.id, key="a" * 64, width=10, height=10, widths=[320])
    photo = ItemPhoto(image=image)
    item.photos.append(photo)
    method = factories.make_shipping(shop)
    zone = ShippingZone(
        shop_id=shop.id, method_id=method.id, kind=ZoneKind.LIST, name="Centro", fee_minor=100
    )
    db.session.add(zone)
    group = factories.make_group(item, "Talla", ["S", "M"], kind="size")
    factories.set_variant_stock(item, [group.choices[0]], 3)
    payment = PaymentMethod(shop=shop, kind="cash", name="Efectivo", details="")
    order = Order(
        shop_id=shop.id,
        number=order_number,
        token=f"token-{shop.id}".ljust(43, "x"),
        idempotency_key=f"key-{shop.id}",
        currency=shop.currency,
        currency_exponent=shop.currency_exponent,
        language=shop.language,
        customer_name="Ana",
        customer_phone="+34612345678",
        subtotal_minor=2000,
        total_minor=2000,
        lines=[
            OrderLine(
                item_id=item.id,
                name="Producto",
                unit_price_minor=2000,
                quantity=1,
                line_total_minor=2000,
            )
        ],
        status_changes=[Activity(status=OrderStatus.NEW)],
    )
    job = Job(
        token=f"job-{shop.id}".ljust(43, "x"),
        kind="shop-export",
        shop_id=shop.id,
        state=JobState.DONE,
        result={"name": "vitrina.zip", "size": 1, "photos": 0},
        expires_at=utcnow() + timedelta(days=1),
    )
    upload = PendingUpload(
        token=f"upload-{shop.id}".ljust(43, "x"),
        shop_id=shop.id,
        filename="foto.jpg",
        digest="d" * 64,
        data=b"held",
        preview=b"RIFF",
    )
    member = Membership(shop=shop, user=manager, role=Role.MANAGER)
    db.session.add_all([image, order, payment, job, upload, member, zone])
    db.session.flush()
    invitation, _token = team.invite(shop, Role.STAFF, shop.owner)
    discount = Discount(shop=shop, code=f"code{shop.id}", kind=DiscountKind.PERCENT, value=1000)
    other_customer = Customer(shop_id=shop.id, key="n:luis", name="Luis")
    domain = ShopDomain(shop_id=shop.id, name=f"tienda-{shop.id}.example.com", token="t" * 32)
    db.session.add_all([discount, other_customer, domain])
    db.session.flush()
    export = io.BytesIO()
    with current_app.test_request_context():  # the archive names the shop's pages
        write_archive(shop, export)
    export.seek(0)
    import_token = stage_upload(shop.id, export)
    return {
        "shop": shop.id,
        "category": category.id,
        "item": item.id,
        "image": image.id,
        "photo": photo.id,
        "shipping": method.id,
        "payment": payment.id,
        "order": order.id,
        "order_number": order.number,
        "job": job.token,
        "upload": upload.token,
        "option_group": group.id,
        "variant_keys": tuple(str(choice.id) for choice in group.choices),
        "member": member.id,
        "invitation": invitation.id,
        "discount": discount.id,
        "import": import_token,
        "customer": order.customer_id,  # made by the database from the order
        "customer_other": other_customer.id,
        "domain": domain.id,
        "zone": zone.id,
    }


def snapshot(shop_id: int) -> dict:
    """Every row that belongs to the shop, column by column."""

    def rows(model, *where):
        found = db.session.scalars(select(model).where(*where).order_by(model.id)).all()
        return [{c.key: getattr(row, c.key) for c in model.__table__.columns} for row in found]

    item_ids = select(Item.id).where(Item.shop_id == shop_id)
    order_ids = select(Order.id).where(Order.shop_id == shop_id)
    db.session.expire_all()
    return {
        "shop": rows(Shop, Shop.id == shop_id),
        "category": rows(Category, Category.shop_id == shop_id),
        "item": rows(Item, Item.shop_id == shop_id),
        "photo": rows(ItemPhoto, ItemPhoto.item_id.in_(item_ids)),
        "option_group": rows(OptionGroup, OptionGroup.item_id.in_(item_ids)),
        "option_choice": rows(
            OptionChoice,
            OptionChoice.group_id.in_(
                select(OptionGroup.id).where(OptionGroup.item_id.in_(item_ids))
            ),
        ),
        "variant_stock": rows(VariantStock, VariantStock.item_id.in_(item_ids)),
        "payment": rows(PaymentMethod, PaymentMethod.shop_id == shop_id),
        "image": rows(Image, Image.shop_id == shop_id),
        "pending_upload": rows(PendingUpload, PendingUpload.shop_id == shop_id),
        "shipping": rows(ShippingMethod, ShippingMethod.shop_id == shop_id),
        "zone": rows(ShippingZone, ShippingZone.shop_id == shop_id),
        "order": rows(Order, Order.shop_id == shop_id),
        "line": rows(OrderLine, OrderLine.order_id.in_(order_ids)),
        "status": rows(Activity, Activity.order_id.in_(order_ids)),
        "job": rows(Job, Job.shop_id == shop_id),
        "membership": rows(Membership, Membership.shop_id == shop_id),
        "invitation": rows(Invitation, Invitation.shop_id == shop_id),
        "customer": rows(Customer, Customer.shop_id == shop_id),
        "domain": rows(ShopDomain, ShopDomain.shop_id == shop_id),
    }


def dashboard_rules_with_ids(app) -> list:
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if r.rule.startswith("/dashboard")
            and r.arguments
            and r.endpoint not in NOT_TENANT_BOUND
        ),
        key=lambda r: r.rule,
    )


def test_every_id_argument_of_the_dashboard_is_known(app):
    unknown = {
        f"{rule.rule} <{name}>"
        for rule in dashboard_rules_with_ids(app)
        for name in rule.arguments
        if name not in KINDS
    }
    assert not unknown, (
        "Dashboard routes with arguments this test cannot fill; add them to KINDS in "
        f"tests/dashboard/test_tenancy.py: {sorted(unknown)}"
    )


def test_the_walk_covers_the_catalog_routes(app):
    endpoints = {rule.endpoint for rule in dashboard_rules_with_ids(app)}
    assert {"dashboard.edit_item", "dashboard.delete_category", "dashboard.move_photo"} <= endpoints


@pytest.fixture
def two_merchants(app, merchant):
    """The signed-in merchant's objects and a second merchant's (the victim)."""
    with app.app_context():
        mine = objects_of(db.session.get(Shop, merchant[1]), order_number=1)
        victim = objects_of(factories.make_shop(factories.make_user("Eva")), order_number=7)
        db.session.commit()
    assert all(mine[kind] != victim[kind] for kind in mine)
    return mine, victim


def urls_to_try(rule, mine: dict, victim: dict) -> list[str]:
    """All ids the victim's; then each id the victim's in turn, the others the merchant's own.

    The mixed URLs catch a view that checks the item but not the photo under it.
    """
    names = sorted(rule.arguments)
    if any(name not in KINDS for name in names):
        pytest.fail(f"{rule.rule}: unknown argument; extend KINDS in this test")
    combos = [dict.fromkeys(names, "victim")]
    if len(names) > 1:
        combos += [{n: ("victim" if n == target else "mine") for n in names} for target in names]
    urls = []
    for combo in combos:
        values = {
            name: (victim if whose == "victim" else mine)[KINDS[name]]
            for name, whose in combo.items()
        }
        urls.append(rule.build(values, append_unknown=False)[1])
    return urls


def test_another_merchants_ids_are_not_found_anywhere(app, client, two_merchants):
    mine, victim = two_merchants
    with app.app_context():
        before = snapshot(victim["shop"])
    answers = {}
    for rule in dashboard_rules_with_ids(app):
        for url in urls_to_try(rule, mine, victim):
            for method in ("GET", "POST"):
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, data=attack_form(victim))
                allowed = {404} if method in rule.methods else {404, 405}
                if response.status_code not in allowed:
                    answers[f"{method} {url}"] = response.status_code
    assert answers == {}, "These answered something other than 404 for another merchant's ids"
    with app.app_context():
        assert snapshot(victim["shop"]) == before


def test_the_victims_objects_would_be_found_by_their_owner(app, client, sign_in_as, two_merchants):
    """Guards the test above: the ids it uses are real, so 404 means refused, not missing."""
    _, victim = two_merchants
    with app.app_context():
        owner_id = db.session.get(Shop, victim["shop"]).owner_id
    sign_in_as(client, owner_id)
    assert client.get(f"/dashboard/items/{victim['item']}/edit").status_code == 200
    assert client.get(f"/dashboard/categories/{victim['category']}/edit").status_code == 200
    assert client.get(f"/dashboard/jobs/{victim['job']}").status_code == 200


def test_routes_without_ids_act_on_the_merchants_own_shop(app, client, two_merchants):
    """Rules, payments, the preview, stock and the data pages name no shop: a session
    pointing at the victim's shop (tampered, or left from a switch) changes nothing."""
    mine, victim = two_merchants
    with client.session_transaction() as session:
        session["shop_id"] = victim["shop"]
    with app.app_context():
        before = snapshot(victim["shop"])
    form = attack_form(victim)
    form |= {"name": "Eva", "time_zone": "Europe/Madrid"}
    for url in ("/dashboard/rules", "/dashboard/payments", "/dashboard/data/delete"):
        assert client.post(url, data=form).status_code in {302, 422}, url
    for key in victim["variant_keys"]:
        data = {f"stock-{key}": "0"}
        answer = client.post(f"/dashboard/items/{mine['item']}/variant-stock", data=data)
        assert answer.status_code == 422  # not a combination of this item
    preview = client.post(
        "/dashboard/rules/preview",
        json={"greeting": "{shop}"},
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert "Eva" not in preview.get_json()["text"]
    exported = client.post("/dashboard/data/export", data={})
    assert exported.status_code == 200
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        assert json.loads(archive.read("shop.json"))["id"] == mine["shop"]
    with app.app_context():
        assert snapshot(victim["shop"]) == before
        assert db.session.get(Shop, mine["shop"]).min_order_minor == 99900
