"""Deleting a shop: typed name to confirm, every row and own photo gone, 410 at its links."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shop.extensions import db
from shop.media.storage import get_storage
from shop.models import Image, Item, Order, Shop, ShopTombstone, utcnow
from shop.shops.slugs import SLUG_HOLD, slug_available
from tests import factories
from tests.dashboard.full_shop import build_full_shop
from tests.production.object_store import moto_server, new_bucket, s3_settings, set_aws_env

EN = {"Accept-Language": "en"}
DELETE = "/dashboard/data/delete"


def media_path(app, name: str) -> Path:
    return Path(app.config["MEDIA_DIR"]) / name[:2] / name


def rows_of_shop(app, shop_id: int) -> dict[str, int]:
    """For every table with a shop_id, how many rows belong to the shop (and the shop)."""
    with app.app_context():
        counts = {}
        for table in db.metadata.sorted_tables:
            if "shop_id" in table.c:
                where = table.c.shop_id == shop_id
                counts[table.name] = db.session.scalar(
                    select(func.count()).select_from(table).where(where)
                )
        counts["shop"] = db.session.scalar(
            select(func.count()).select_from(Shop).where(Shop.id == shop_id)
        )
        return counts


def table_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def test_the_data_page_offers_the_download_and_the_deletion(client, full):
    page = client.get("/dashboard/data", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'action="/dashboard/data/export"' in html
    assert 'action="/dashboard/data/delete"' in html
    assert "Type Tienda Sol" in html
    assert "/dashboard/data" in client.get("/dashboard/settings").get_data(as_text=True)


def test_deletes_every_row_of_the_shop_and_its_own_photos(app, client, full):
    for name in full.own_files + full.shared_files:
        assert media_path(app, name).is_file(), name
    before = table_counts(app)

    response = client.post(DELETE, data={"name": "Tienda Sol"}, headers=EN)

    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard"
    assert set(rows_of_shop(app, full.shop).values()) == {0}
    after = table_counts(app)
    # Children without a shop_id went with their parents; the rival's rows stayed.
    assert after["item_photo"] == 1
    assert after["order_line"] == 1
    assert after["activity"] == 1
    assert after["shop_tombstone"] == before["shop_tombstone"] + 2
    # Options, their choices and stock went with the items; payment methods with the shop.
    for table in ("option_group", "option_choice", "variant_stock", "payment_method"):
        assert before[table] > 0, table
        assert after[table] == 0, table
    assert after["user_account"] == before["user_account"]  # the merchant keeps the account
    for name in full.own_files:
        assert not media_path(app, name).exists(), name
    for name in full.shared_files:  # the rival shows the same picture
        assert media_path(app, name).is_file(), name
    with app.app_context():
        assert db.session.get(Shop, full.other_shop) is not None
        assert db.session.scalar(select(func.count()).select_from(Image)) == 1
        tombstones = db.session.scalars(select(ShopTombstone.slug)).all()
        assert sorted(tombstones) == ["tienda-sol", "vieja-sol"]
    home = client.get("/dashboard", headers=EN, follow_redirects=True)
    assert "Your shop Tienda Sol was deleted" in home.get_data(as_text=True)


def test_its_links_answer_410_gone_with_a_short_notice(app, client, full):
    client.post(DELETE, data={"name": "Tienda Sol"})
    shopper = app.test_client()
    urls = [
        "/s/tienda-sol",
        "/s/vieja-sol",  # the old link that used to redirect
        "/s/Tienda-Sol",
        f"/s/tienda-sol/p/{full.items[0]}",
        f"/s/vieja-sol/p/{full.items[0]}",
        "/s/tienda-sol/cart",
        "/s/tienda-sol/catalog.csv",
        f"/s/tienda-sol/p/{full.items[0]}/order",
    ]
    for url in urls:
        response = shopper.get(url, headers=EN)
        assert response.status_code == 410, url
        assert "This shop has closed" in response.get_data(as_text=True), url
        assert "Set-Cookie" not in response.headers, url
    checkout = shopper.post("/s/tienda-sol/checkout", json={"lines": []})
    assert checkout.status_code == 410
    spanish = shopper.get("/s/tienda-sol", headers={"Accept-Language": "es"})
    assert "Esta tienda ha cerrado" in spanish.get_data(as_text=True)
    # Shops that never existed still answer 404, and the rival is untouched.
    assert shopper.get("/s/never-was").status_code == 404
    assert shopper.get(f"/s/{full.other_slug}").status_code == 200


def test_order_pages_of_a_deleted_shop_are_gone_too(app, client, full):
    with app.app_context():
        token = db.session.get(Order, full.orders[0]).token
    assert client.get(f"/o/{token}").status_code == 200
    client.post(DELETE, data={"name": "Tienda Sol"})
    assert app.test_client().get(f"/o/{token}").status_code == 404  # no token is kept


def test_the_page_cache_stops_serving_the_shop_at_once(app, client, full):
    app.config["PAGE_CACHE"] = "local"
    shopper = app.test_client()
    for _ in range(2):  # rendered and kept, then served from the cache
        assert shopper.get("/s/tienda-sol").status_code == 200
        assert shopper.get(f"/s/tienda-sol/p/{full.items[0]}").status_code == 200
    client.post(DELETE, data={"name": "Tienda Sol"})
    assert shopper.get("/s/tienda-sol").status_code == 410
    assert shopper.get(f"/s/tienda-sol/p/{full.items[0]}").status_code == 410


@pytest.mark.parametrize(
    "typed",
    ["", "Tienda", "Tienda Sol 2", "tienda-sol", "Rival", "x" * 10_000, "Tienda\x00Sol"],
)
def test_a_wrong_name_deletes_nothing_and_says_what_to_type(app, client, full, typed):
    before = table_counts(app)
    response = client.post(DELETE, data={"name": typed}, headers=EN)
    assert response.status_code == 422
    assert "not this shop&#39;s name. Type Tienda Sol exactly" in response.get_data(as_text=True)
    assert table_counts(app) == before
    for name in full.own_files:
        assert media_path(app, name).is_file()


@pytest.mark.parametrize("typed", ["tienda sol", "  TIENDA   Sol ", "Tienda\u00a0Sol"])
def test_case_and_spacing_do_not_matter_in_the_confirmation(app, client, full, typed):
    assert client.post(DELETE, data={"name": typed}).status_code == 303
    assert rows_of_shop(app, full.shop)["shop"] == 0


def test_a_name_with_accents_and_emoji_can_be_typed_either_way(app, client, sign_in_as):
    name = "Café ☀️ Niño"
    with app.app_context():
        user = factories.make_user()
        shop = factories.make_shop(user, name=name, slug="cafe-nino")
        db.session.commit()
        ids = (user.id, shop.id)
    sign_in_as(client, ids[0])
    typed = unicodedata.normalize("NFD", name)  # what some keyboards send
    assert typed != name
    assert client.post(DELETE, data={"name": typed}).status_code == 303
    assert rows_of_shop(app, ids[1])["shop"] == 0


def test_needs_the_csrf_token(app, client, full):
    before = table_counts(app)
    response = client.post(DELETE, data={"name": "Tienda Sol"}, csrf=False)
    assert response.status_code == 400
    assert table_counts(app) == before


def test_needs_a_signed_in_owner(app, full):
    before = table_counts(app)
    stranger = app.test_client()
    response = stranger.post(DELETE, data={"name": "Tienda Sol"}, csrf=False)
    assert response.status_code in (302, 400)
    assert table_counts(app) == before


def test_another_merchant_cannot_reach_the_shop(app, client, full, sign_in_as):
    with app.app_context():
        rival = factories.make_user("Mallory")
        own = factories.make_shop(rival, name="Mallory", slug="mallory")
        db.session.commit()
        rival_id, own_id = rival.id, own.id
    sign_in_as(client, rival_id)
    with client.session_transaction() as session:
        session["shop_id"] = full.shop  # pointing the dashboard at someone else's shop
    assert client.post("/dashboard/switch", data={"shop_id": str(full.shop)}).status_code == 404
    response = client.post(DELETE, data={"name": "Tienda Sol", "shop_id": full.shop})
    assert response.status_code == 422  # judged against the merchant's own shop
    assert rows_of_shop(app, full.shop)["shop"] == 1
    assert rows_of_shop(app, own_id)["shop"] == 1


def test_a_double_submit_deletes_one_shop_only(app, client, full):
    with app.app_context():
        user = db.session.get(factories.User, full.user)
        second = factories.make_shop(user, name="Segunda", slug="segunda")
        db.session.commit()
        second_id = second.id
    first = client.post(DELETE, data={"name": "Tienda Sol"})
    again = client.post(DELETE, data={"name": "Tienda Sol"})
    assert first.status_code == 303
    assert again.status_code == 422  # now about the merchant's other shop, whose name differs
    assert rows_of_shop(app, second_id)["shop"] == 1


def test_the_last_shop_gone_the_merchant_is_offered_a_new_one(app, client, full):
    client.post(DELETE, data={"name": "Tienda Sol"})
    assert client.get("/dashboard").headers["Location"].endswith("/dashboard/setup")
    again = client.post(DELETE, data={"name": "Tienda Sol"})
    assert again.status_code == 302
    assert again.headers["Location"].endswith("/dashboard/setup")


def test_its_slugs_are_held_for_a_while_then_free(app, client, full):
    client.post(DELETE, data={"name": "Tienda Sol"})
    with app.test_request_context():
        assert not slug_available("tienda-sol")
        assert not slug_available("vieja-sol")
        db.session.execute(
            ShopTombstone.__table__.update().values(
                deleted_at=utcnow() - SLUG_HOLD - timedelta(minutes=1)
            )
        )
        db.session.commit()
        assert slug_available("tienda-sol")
        newcomer = factories.make_shop(factories.make_user(), slug="tienda-sol", name="Nueva")
        factories.make_item(newcomer, None, name="Otra cosa")
        db.session.commit()
    # A shop that takes the slug again is served there; the other old link stays gone.
    page = app.test_client().get("/s/tienda-sol")
    assert page.status_code == 200
    assert "Nueva" in page.get_data(as_text=True)
    assert app.test_client().get("/s/vieja-sol").status_code == 410


def test_a_new_shop_cannot_take_a_held_slug_through_the_forms(app, client, full, sign_in_as):
    client.post(DELETE, data={"name": "Tienda Sol"})
    response = client.post(
        "/dashboard/settings",
        data={
            "name": "Rival",
            "slug": "tienda-sol",
            "country": "ES",
            "phone": "612345678",
            "currency": "EUR",
            "language": "es",
            "description": "",
        },
        headers=EN,
    )
    # The merchant works on nothing now: set-up is where a held slug would be asked for.
    assert response.status_code == 302
    setup = client.post(
        "/dashboard/setup",
        data={
            "name": "Sol Nueva",  # a link the merchant typed, not the name's
            "slug": "tienda-sol",
            "country": "ES",
            "phone": "612345678",
            "currency": "EUR",
            "language": "es",
        },
        headers=EN,
    )
    assert setup.status_code == 422
    assert "The link tienda-sol is taken" in setup.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Shop).where(Shop.slug == "tienda-sol")) is None
        assert db.session.scalar(select(func.count()).select_from(Item)) == 1


def test_deletes_the_shops_own_photos_from_an_s3_bucket(app, client, monkeypatch, sign_in_as):
    """The object-store backend end to end: the shop's own objects go, shared ones stay."""
    with moto_server() as endpoint:
        set_aws_env(monkeypatch)
        bucket = new_bucket(endpoint)
        app.config.update(s3_settings(endpoint, bucket))
        full = build_full_shop(app)
        sign_in_as(client, full.user)
        with app.app_context():
            storage = get_storage()
            for name in full.own_files + full.shared_files:
                assert storage.exists(name), name

        response = client.post(DELETE, data={"name": "Tienda Sol"}, headers=EN)

        assert response.status_code == 303
        with app.app_context():
            storage = get_storage()
            for name in full.own_files:
                assert not storage.exists(name), name
            for name in full.shared_files:  # the rival shows the same picture
                assert storage.exists(name), name
        assert not any(Path(app.config["MEDIA_DIR"]).rglob("*.webp"))
