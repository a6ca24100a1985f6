"""`flask --app shop seed-demo`: the demo shop, complete, photographed and idempotent."""

from __future__ import annotations

import phonenumbers
from sqlalchemy import func, select

from shop.dev.demo import ensure_demo_shop
from shop.extensions import db
from shop.media.names import preview_name, rendition_name
from shop.media.storage import get_storage
from shop.models import Availability, Category, Image, Item, ItemPhoto, ShippingMethod, Shop, User


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_creates_a_complete_spanish_shop(app, runner):
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "Created the demo shop" in result.output
    with app.app_context():
        shop = db.session.scalar(select(Shop).where(Shop.slug == "demo"))
        assert shop.name == "Tienda Sol"
        assert shop.description
        assert (shop.currency, shop.language) == ("EUR", "es")
        number = phonenumbers.parse(shop.whatsapp)
        assert phonenumbers.is_valid_number(number)
        assert phonenumbers.region_code_for_number(number) == "ES"
        assert (
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == shop.whatsapp
        )
        assert shop.logo is not None

        assert len(shop.categories) >= 3
        items = db.session.scalars(select(Item).where(Item.shop_id == shop.id)).all()
        assert len(items) >= 12
        assert all(item.category is not None for item in items)
        assert any(
            item.compare_at_minor and item.compare_at_minor > item.price_minor for item in items
        )
        assert any(item.availability == Availability.SOLD_OUT for item in items)
        assert any(item.is_service for item in items)
        assert all(item.price_minor > 0 for item in items)
        assert len({item.code for item in items}) == len(items)

        methods = shop.shipping_methods
        assert len(methods) == 2
        delivery = [m for m in methods if m.needs_address]
        pickup = [m for m in methods if not m.needs_address]
        assert len(delivery) == 1
        assert delivery[0].price_minor > 0
        assert len(pickup) == 1
        assert pickup[0].price_minor == 0


def test_every_demo_item_has_a_real_processed_photo_that_is_served(app, runner, client):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        storage = get_storage()
        items = db.session.scalars(select(Item)).all()
        covers = [item.cover for item in items]
        assert all(cover is not None for cover in covers)
        assert len({cover.key for cover in covers}) == len(covers)  # all different photos
        for cover in covers:
            assert cover.width >= 640
            for width in cover.widths:
                assert storage.exists(rendition_name(cover.key, width))
            assert storage.exists(preview_name(cover.key))
        served = rendition_name(covers[0].key, 320)
    response = client.get(f"/media/{served}")
    assert response.status_code == 200
    assert response.mimetype == "image/webp"


def test_seed_demo_twice_creates_no_duplicates(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        before = {
            m: count(m) for m in (Shop, User, Category, Item, ItemPhoto, Image, ShippingMethod)
        }

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "already complete" in result.output
    with app.app_context():
        assert {m: count(m) for m in before} == before


def test_seed_demo_completes_a_demo_shop_that_lost_items(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        total = count(Item)
        db.session.delete(db.session.scalar(select(Item).where(Item.code == "SOL-001")))
        db.session.commit()

    result = runner.invoke(args=["seed-demo"])

    assert "added 1 items" in result.output
    with app.app_context():
        assert count(Item) == total


def test_ensure_demo_shop_repoints_the_owner(app):
    with app.app_context():
        first = ensure_demo_shop()
        db.session.commit()
        assert (first.owner.oidc_issuer, first.owner.oidc_subject) == ("vitrina:demo", "demo")

        shop = ensure_demo_shop("http://127.0.0.1:5001", "local-merchant")
        db.session.commit()

        assert shop.id == first.id
        assert (shop.owner.oidc_issuer, shop.owner.oidc_subject) == (
            "http://127.0.0.1:5001",
            "local-merchant",
        )
        assert count(Shop) == 1
        assert count(User) == 2

        again = ensure_demo_shop("http://127.0.0.1:5001", "local-merchant")
        assert again.owner_id == shop.owner_id
        assert count(User) == 2
