"""The whole shop as one ZIP: catalog, photos, shipping, orders; CSV and JSON; owner only."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import insert

from shop import create_app
from shop.extensions import db
from shop.media.storage import get_storage
from shop.models import Activity, Category, Item, Order, OrderLine, ShippingMethod, Shop
from tests import factories
from tests.conftest import VitrinaClient, _empty_all_tables, _test_config
from tests.dashboard.full_shop import build_full_shop
from tests.production.object_store import moto_server, new_bucket, s3_settings, set_aws_env

EN = {"Accept-Language": "en"}
EXPORT = "/dashboard/data/export"


def download(client) -> zipfile.ZipFile:
    response = client.post(EXPORT, data={}, headers=EN)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def read_csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def read_json(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def columns(model) -> list[str]:
    return [column.name for column in model.__table__.columns]


def test_one_click_downloads_a_zip_named_after_the_shop(client, full):
    response = client.post(EXPORT, data={})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename=vitrina-tienda-sol-{date.today().isoformat()}.zip"
    assert "no-store" in response.headers["Cache-Control"]
    assert zipfile.ZipFile(io.BytesIO(response.get_data())).testzip() is None


def test_holds_the_whole_shop(client, full):
    archive = download(client)
    names = set(archive.namelist())
    expected = {
        "README.txt",
        "shop.json",
        "catalog/categories.csv",
        "catalog/categories.json",
        "catalog/items.csv",
        "catalog/items.json",
        "shipping_methods.csv",
        "shipping_methods.json",
        "discounts.csv",
        "discounts.json",
        "orders/orders.json",
        "orders/orders.csv",
        "orders/order_lines.csv",
        "orders/status_history.csv",
        "customers/customers.csv",
        "activity.csv",
        "activity.json",
    }
    assert expected <= names
    photos = {name for name in names if name.startswith("photos/")}
    assert len(photos) == 3  # the logo and two product pictures, once each
    # Tables later features add (options, stock...) go in more/, nothing else is there.
    assert {name for name in names - expected - photos if not name.startswith("more/")} == set()


def test_options_stock_payments_and_hours_are_in_it(client, full):
    """What issue 7 added to a shop travels with it: tables under more/, settings in
    shop.json."""
    archive = download(client)
    names = set(archive.namelist())
    shop = read_json(archive, "shop.json")
    assert shop["opening_hours"] == {"0": [["09:00", "14:00"]]}
    found = {name.split("/")[-1].split(".")[0] for name in names if name.startswith("more/")}
    assert {"option_group", "option_choice", "variant_stock", "payment_method"} <= found
    groups = read_json(archive, "more/option_group.json")
    assert sorted(group["name"] for group in groups) == ["Extras", "Talla"]
    choices = read_csv(archive, "more/option_choice.csv")
    assert {row["name"] for row in choices} == {"S", "M", "Bolsa regalo"}
    (payment,) = read_csv(archive, "more/payment_method.csv")
    assert payment["name"] == "Transferencia"
    assert payment["details"] == "'=IBAN"  # never evaluated as a formula


def test_every_column_is_there_whatever_columns_the_tables_grow(client, full):
    """Columns come from the tables themselves: a column added later appears untouched."""
    archive = download(client)
    shop = read_json(archive, "shop.json")
    assert set(columns(Shop)) <= set(shop)
    for stem, model, extra in (
        ("catalog/categories", Category, []),
        ("catalog/items", Item, ["photos"]),
        ("shipping_methods", ShippingMethod, []),
    ):
        rows = read_csv(archive, f"{stem}.csv")
        assert list(rows[0]) == columns(model) + extra, stem
        assert set(read_json(archive, f"{stem}.json")[0]) == set(columns(model) + extra)
    assert list(read_csv(archive, "orders/orders.csv")[0]) == columns(Order)
    assert list(read_csv(archive, "orders/order_lines.csv")[0]) == columns(OrderLine)
    assert list(read_csv(archive, "orders/status_history.csv")[0]) == columns(Activity)
    order = read_json(archive, "orders/orders.json")[0]
    assert set(order) == set(columns(Order)) | {"lines", "status_history"}
    assert set(order["lines"][0]) == set(columns(OrderLine))


def test_the_values_are_the_shops_own(app, client, full):
    archive = download(client)
    shop = read_json(archive, "shop.json")
    assert shop["name"] == "Tienda Sol"
    assert shop["slug"] == "tienda-sol"
    assert shop["old_slugs"] == ["vieja-sol"]
    assert shop["logo_file"] == f"{shop['logo_file'].split('-')[0]}-640.webp"
    items = read_json(archive, "catalog/items.json")
    assert [item["name"] for item in items] == ["Camiseta ☀️ azul", "@Gorra"]
    shirt, cap = items
    assert shirt["price_minor"] == 2000
    assert cap["compare_at_minor"] == 1200
    assert shirt["availability"] == "available"
    assert len(shirt["photos"]) == 2
    assert cap["photos"] == shirt["photos"][1:]  # the shared picture, listed by file name
    for name in shirt["photos"] + [shop["logo_file"]]:
        with app.app_context():
            assert archive.read(f"photos/{name}") == get_storage().read(name)
    orders = read_json(archive, "orders/orders.json")
    assert [order["number"] for order in orders] == [1, 2]
    assert orders[0]["customer_name"] == "+Ana =1+1"  # JSON keeps text as typed
    assert [line["quantity"] for line in orders[0]["lines"]] == [2, 1]
    assert [change["status"] for change in orders[1]["status_history"]] == ["new", "confirmed"]
    assert len(read_csv(archive, "orders/order_lines.csv")) == 3
    methods = read_csv(archive, "shipping_methods.csv")
    assert [(m["name"], m["needs_address"]) for m in methods] == [
        ("Entrega a domicilio", "true"),
        ("Recogida", "false"),
    ]


def test_csv_cells_never_run_as_formulas(client, full):
    archive = download(client)
    categories = read_csv(archive, "catalog/categories.csv")
    assert categories[1]["name"] == '\'=HYPERLINK("http://evil")'
    items = read_csv(archive, "catalog/items.csv")
    assert items[1]["name"] == "'@Gorra"
    assert items[1]["description"] == "'-x"
    orders = read_csv(archive, "orders/orders.csv")
    assert orders[0]["customer_name"] == "'+Ana =1+1"


def test_nothing_of_another_shop_is_in_it(client, full):
    archive = download(client)
    everything = b"".join(
        archive.read(name) for name in archive.namelist() if not name.startswith("photos/")
    )
    assert b"Ajena" not in everything
    assert b"Rival" not in everything
    assert len(read_json(archive, "orders/orders.json")) == 2


def test_another_merchant_gets_only_their_own_shop(app, client, full, sign_in_as):
    with app.app_context():
        mallory = factories.make_user("Mallory")
        factories.make_shop(mallory, name="Mallory", slug="mallory")
        db.session.commit()
        mallory_id = mallory.id
    sign_in_as(client, mallory_id)
    with client.session_transaction() as session:
        session["shop_id"] = full.shop
    archive = download(client)
    assert read_json(archive, "shop.json")["name"] == "Mallory"
    assert read_json(archive, "catalog/items.json") == []
    assert read_json(archive, "orders/orders.json") == []
    assert read_csv(archive, "orders/orders.csv") == []
    assert archive.read("orders/orders.csv").decode("utf-8-sig").startswith("id,shop_id,")


def test_needs_a_post_with_the_csrf_token_from_a_signed_in_merchant(app, client, full):
    assert client.get(EXPORT).status_code == 405
    assert client.post(EXPORT, data={}, csrf=False).status_code == 400
    stranger = app.test_client().post(EXPORT, data={}, csrf=False)
    assert stranger.status_code in (302, 400)
    assert stranger.mimetype != "application/zip"


def test_a_photo_missing_from_storage_is_named_in_the_readme(app, client, full):
    media = Path(app.config["MEDIA_DIR"])
    archive = download(client)
    photo = next(name for name in archive.namelist() if name.startswith("photos/"))
    name = photo.removeprefix("photos/")
    (media / name[:2] / name).unlink()
    archive = download(client)
    assert photo not in archive.namelist()
    readme = archive.read("README.txt").decode()
    assert "could not be found" in readme
    assert name in readme


def test_pages_through_a_large_catalog_in_batches(app, client, merchant):
    app.config["EXPORT_IN_BACKGROUND_FROM"] = 10**6  # the direct download (the job: tests/jobs)
    with app.app_context():
        shop_id = merchant[1]
        db.session.execute(
            insert(Item),
            [{"shop_id": shop_id, "name": f"Producto {n}", "price_minor": n} for n in range(1234)],
        )
        db.session.commit()
    archive = download(client)
    rows = read_csv(archive, "catalog/items.csv")
    assert len(rows) == 1234
    assert len({row["id"] for row in rows}) == 1234
    assert len(read_json(archive, "catalog/items.json")) == 1234


def test_the_readme_speaks_the_merchants_language(client, full):
    response = client.post(EXPORT, data={}, headers={"Accept-Language": "es"})
    readme = zipfile.ZipFile(io.BytesIO(response.get_data())).read("README.txt").decode()
    assert "Todo lo que hay en tu tienda de Vitrina Tienda Sol." in readme


def test_reads_the_photos_from_an_s3_bucket(app, client, monkeypatch, sign_in_as):
    with moto_server() as endpoint:
        set_aws_env(monkeypatch)
        bucket = new_bucket(endpoint)
        app.config.update(s3_settings(endpoint, bucket))
        full = build_full_shop(app)
        sign_in_as(client, full.user)
        archive = download(client)
        photos = [name for name in archive.namelist() if name.startswith("photos/")]
        assert len(photos) == 3
        with app.app_context():
            for photo in photos:
                assert archive.read(photo) == get_storage().read(photo.removeprefix("photos/"))
        assert not any(Path(app.config["MEDIA_DIR"]).rglob("*.webp"))


def test_when_storage_is_unreachable_the_merchant_is_told_to_try_again(
    app, client, monkeypatch, sign_in_as
):
    with moto_server() as endpoint:
        set_aws_env(monkeypatch)
        app.config.update(s3_settings(endpoint, new_bucket(endpoint)))
        full = build_full_shop(app)
        sign_in_as(client, full.user)
    # The object store is gone now (its server stopped).
    response = client.post(EXPORT, data={}, headers=EN)
    assert response.status_code == 303
    page = client.get(response.headers["Location"], headers=EN)
    assert "Your photos could not be read just now" in page.get_data(as_text=True)


@pytest.fixture
def limited_app(migrated, tmp_path):
    settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_DASHBOARD_POSTS": "2/minute"}
    app = create_app(_test_config(migrated, tmp_path / "media") | settings)
    app.test_client_class = VitrinaClient
    yield app
    with app.app_context():
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


def test_is_rate_limited_like_every_dashboard_post(limited_app):
    from shop.auth.sessions import start_session

    client = limited_app.test_client()
    with limited_app.app_context():
        user = factories.make_user()
        factories.make_shop(user, slug="limitada")
        token = start_session(user)
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
    statuses = [client.post(EXPORT, data={}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_team_travels_with_the_shop_and_its_invitation_links_do_not(app, client, full):
    """Issue 26: members and roles are the merchant's data; invitation links are not."""
    from shop.extensions import db
    from shop.models import Membership, Role, Shop
    from shop.shops import team
    from tests import factories

    with app.test_request_context():
        shop = db.session.scalars(db.select(Shop)).first()
        db.session.add(Membership(shop=shop, user=factories.make_user("Sito"), role=Role.STAFF))
        team.invite(shop, Role.MANAGER, shop.owner)
        db.session.commit()
    archive = download(client)
    roles = sorted(row["role"] for row in read_csv(archive, "more/membership.csv"))
    assert roles == ["owner", "staff"]
    assert not [name for name in archive.namelist() if "invitation" in name]
