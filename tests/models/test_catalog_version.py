"""The catalog version moves by itself: every write a shopper could see moves it, through
the rule functions, Core statements, bulk updates and plain SQL alike; writes no shopper
sees leave it alone; two writers at once move it twice."""

from __future__ import annotations

import io
import re
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text, update

from shop import catalog, ordering
from shop.catalog import options as catalog_options
from shop.catalog.items import ItemData
from shop.catalog.options import GroupData
from shop.catalog.stock_edits import set_combination_stock, set_item_stock
from shop.extensions import db
from shop.models import Availability, Image, Item, OptionKind, Order, Shop, VariantStock
from shop.models.catalog_version import (
    PRIVATE_TABLES,
    PUBLIC_TABLES,
    SHOP_PRIVATE_COLUMNS,
    shop_public_columns,
)
from shop.ordering import payments, shipping, statuses
from shop.ordering.stock import Want, take
from shop.shops import settings, suspension
from tests import factories
from tests.dashboard.full_shop import jpeg

NOON = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def shop(ctx):
    """A shop with one of each public thing: categories, a counted item with photos and a
    size group with a counted combination, an uncounted item, shipping and payment."""
    owner = factories.make_user()
    shop = factories.make_shop(owner)
    shirts = factories.make_category(shop, "Camisetas")
    factories.make_category(shop, "Gorras", position=1)
    shirt = factories.make_item(shop, shirts, name="Camiseta", stock=5)
    factories.make_item(shop, shirts, name="Pegatina", position=1)
    image = Image(shop_id=shop.id, key="a" * 64, width=640, height=640, widths=[320, 640])
    photo_image = Image(shop_id=shop.id, key="b" * 64, width=640, height=640, widths=[320, 640])
    db.session.add_all([image, photo_image])
    db.session.flush()
    catalog.add_photos(shirt, [image, photo_image])
    size = factories.make_group(shirt, "Talla", ["S", "M"], kind="size")
    factories.set_variant_stock(shirt, [size.choices[0]], 3)
    factories.make_shipping(shop, name="Envío")
    factories.make_shipping(shop, name="Recogida", price_minor=0, needs_address=False)
    # Switched off, so checkout asks for no payment choice.
    payments.create_method(shop, kind="cash", name="Efectivo", details="").active = False
    db.session.commit()
    return shop


def version_of(shop_id: int) -> int:
    return db.session.execute(
        text("SELECT catalog_version FROM shop WHERE id = :id"), {"id": shop_id}
    ).scalar_one()


def item(shop, name: str) -> Item:
    return next(
        i
        for i in db.session.scalars(db.select(Item).where(Item.shop_id == shop.id))
        if i.name == name
    )


def _shirt(shop):
    return item(shop, "Camiseta")


def _size(shop):
    return next(g for g in _shirt(shop).option_groups if g.kind == OptionKind.SIZE)


def _combination_counts(shop, typed: int) -> tuple[dict, dict]:
    """The stock form's (loaded, typed) counts for the first combination."""
    key = catalog_options.combinations(_shirt(shop))[0].key
    return {key: 3}, {key: typed}


# Every rule that changes something on the shop's public pages, through its own API.
RULES = {
    "create a category": lambda s: catalog.create_category(s, "Tazas"),
    "rename a category": lambda s: catalog.rename_category(s.categories[0], "Camis"),
    "move a category": lambda s: catalog.move_category(s.categories[1], "up"),
    "delete a category": lambda s: catalog.delete_category(s.categories[1], None),
    "create an item": lambda s: catalog.create_item(s, ItemData(name="Taza", price_minor=900)),
    "change a price": lambda s: catalog.update_item(
        _shirt(s), ItemData(name="Camiseta", price_minor=2500, stock=5, category=s.categories[0])
    ),
    "duplicate an item": lambda s: catalog.duplicate_item(_shirt(s)),
    "move an item": lambda s: catalog.move_item(item(s, "Pegatina"), "up"),
    "mark sold out": lambda s: catalog.set_availability([_shirt(s)], Availability.SOLD_OUT),
    "move to a category": lambda s: catalog.move_items([_shirt(s)], s.categories[1]),
    "delete an item": lambda s: catalog.delete_items([item(s, "Pegatina")]),
    "move a photo": lambda s: catalog.move_photo(_shirt(s).photos[1], "cover"),
    "drag photos into order": lambda s: catalog.order_photos(
        _shirt(s), [p.id for p in reversed(_shirt(s).photos)]
    ),
    "remove a photo": lambda s: catalog.remove_photo(_shirt(s).photos[0]),
    "add an option group": lambda s: catalog_options.save_group(
        _shirt(s), GroupData(name="Extras", min_choices=0, choices=[("Bolsa", 150)])
    ),
    "rename a choice": lambda s: catalog_options.save_group(
        _shirt(s),
        GroupData(name="Talla", kind=OptionKind.SIZE, choices=[("S", 0), ("L", 0)]),
        _size(s),
    ),
    "delete an option group": lambda s: catalog_options.delete_group(_shirt(s), _size(s)),
    "set a combination's stock": lambda s: catalog_options.set_variant_stock(
        _shirt(s), {catalog_options.combinations(_shirt(s))[1].key: 0}
    ),
    "edit the item's stock": lambda s: set_item_stock(_shirt(s), 5, 0),
    "edit a combination's stock": lambda s: set_combination_stock(
        _shirt(s), *_combination_counts(s, 1)
    ),
    "add a shipping method": lambda s: shipping.create_method(
        s, name="Moto", price_minor=500, needs_address=True
    ),
    "change a shipping price": lambda s: shipping.update_method(
        s.shipping_methods[0], name="Envío", price_minor=450, needs_address=True, active=True
    ),
    "switch a shipping method off": lambda s: shipping.set_active(s.shipping_methods[0], False),
    "move a shipping method": lambda s: shipping.move_method(s.shipping_methods[1], -1),
    "delete a shipping method": lambda s: shipping.delete_method(s.shipping_methods[1]),
    "add a payment method": lambda s: payments.create_method(
        s, kind="link", name="Pago", details="https://pay.example/x"
    ),
    "delete a payment method": lambda s: payments.delete_method(s.payment_methods[0]),
    "rename the shop": lambda s: settings.update_shop(s, name="Otra tienda"),
    "pause the shop": lambda s: settings.update_shop(s, paused=True),
    "change the currency": lambda s: settings.update_shop(s, currency="USD"),
    "change the link": lambda s: settings.change_slug(s, "nuevo-enlace"),
    "set a logo": lambda s: settings.set_logo(s, io.BytesIO(jpeg((10, 120, 200)))),
    "change the hours": lambda s: settings.update_rules(
        s,
        min_order_minor=1000,
        time_zone="Europe/Madrid",
        opening_hours={"0": [["09:00", "14:00"]]},
        closed_policy="refuse",
        greeting_text="",
        closing_text="",
    ),
    "suspend the shop": lambda s: suspension.suspend_shop(s, s.owner, "spam"),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_that_changes_a_public_page_moves_the_version(shop, rule):
    before = version_of(shop.id)
    RULES[rule](shop)
    db.session.flush()
    assert version_of(shop.id) > before


def test_stock_taken_at_checkout_and_given_back_moves_the_version(shop):
    """Core UPDATE statements (stock = stock - n WHERE stock >= n), not the ORM."""
    methods = {m.name: m.id for m in shop.shipping_methods}
    before = version_of(shop.id)
    order, _ = ordering.checkout(
        shop, [(_shirt(shop).id, 1, [_size(shop).choices[0].id])],
        shipping_method_id=methods["Recogida"], customer=ordering.Customer(name="Ana"),
        idempotency_key="k" * 20, now=NOON,
    )  # fmt: skip
    taken = version_of(shop.id)
    assert taken > before
    statuses.change_status(order, "cancelled")
    assert version_of(shop.id) > taken


def test_core_bulk_and_plain_sql_writes_move_the_version(shop):
    steps = [
        lambda: db.session.execute(
            update(Item).where(Item.shop_id == shop.id).values(price_minor=Item.price_minor + 1)
        ),
        lambda: db.session.execute(
            update(VariantStock).where(VariantStock.stock > 0).values(stock=VariantStock.stock - 1)
        ),
        lambda: db.session.execute(
            text("INSERT INTO category (shop_id, name, position) VALUES (:s, 'Nueva', 9)"),
            {"s": shop.id},
        ),
        lambda: db.session.execute(text("DELETE FROM option_choice WHERE name = 'M'")),
        lambda: take(Want(_shirt(shop), 1, None), "Camiseta"),
    ]
    for step in steps:
        before = version_of(shop.id)
        step()
        assert version_of(shop.id) > before


def test_writes_no_shopper_sees_leave_the_version_alone(shop):
    other = factories.make_shop(factories.make_user(), slug="otra")
    db.session.commit()
    before, other_before = version_of(shop.id), version_of(other.id)
    sticker = item(shop, "Pegatina")
    methods = {m.name: m.id for m in shop.shipping_methods}
    # An order of an item whose stock is not counted: the order counter moves, not the version.
    order, _ = ordering.checkout(
        shop, [(sticker.id, 2)], shipping_method_id=methods["Recogida"],
        customer=ordering.Customer(name="Ana"), idempotency_key="q" * 20, now=NOON,
    )  # fmt: skip
    statuses.change_status(order, "confirmed")
    catalog.rename_category(shop.categories[0], shop.categories[0].name)  # the same name
    settings.update_shop(shop, name=shop.name, description=shop.description)
    db.session.add(Image(shop_id=shop.id, key="c" * 64, width=10, height=10, widths=[320]))
    shop.suspension_reason = "notes for operators only"
    db.session.flush()
    assert version_of(shop.id) == before
    assert version_of(other.id) == other_before
    assert db.session.get(Order, order.id).number == 1


def test_a_change_moves_only_its_own_shops_version(shop):
    other = factories.make_shop(factories.make_user(), slug="otra")
    factories.make_item(other, name="Suya")
    db.session.commit()
    other_before = version_of(other.id)
    RULES["change a price"](shop)
    RULES["delete an option group"](shop)
    db.session.flush()
    assert version_of(other.id) == other_before


def test_a_loaded_shop_reads_the_new_version_after_a_flush(shop):
    before = shop.catalog_version
    catalog.create_category(shop, "Tazas")
    assert shop.catalog_version == version_of(shop.id) > before


@pytest.mark.postgres
def test_two_writers_at_once_move_it_twice(app, database_url, shop):
    """The second writer's transaction is open and waiting on the shop row while the
    first commits; it then adds one to what the first committed (a read-modify-write in
    Python would have written the same number twice)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")
    shop_id, before = shop.id, version_of(shop.id)
    first_item, second_item = (
        i.id for i in db.session.scalars(db.select(Item).where(Item.shop_id == shop_id))
    )
    db.session.rollback()
    engine = create_engine(database_url)
    change = text("UPDATE item SET price_minor = price_minor + 1 WHERE id = :id")
    second_pid = []

    def second_writer() -> None:
        with engine.begin() as conn:
            second_pid.append(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar())
            conn.execute(change, {"id": second_item})  # waits for the first to commit

    with engine.connect() as first, engine.connect() as watcher:
        first.begin()
        first.execute(change, {"id": first_item})
        thread = threading.Thread(target=second_writer)
        thread.start()
        for _ in range(200):  # until the second is really waiting on a lock (<= 10 s)
            waiting = (
                second_pid
                and watcher.execute(
                    text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": second_pid[0]},
                ).scalar()
            )
            if waiting == "Lock":
                break
            time.sleep(0.05)
        assert waiting == "Lock"
        first.commit()
        thread.join(timeout=30)
    engine.dispose()
    assert version_of(shop_id) == before + 2


def test_every_table_and_every_shop_column_is_classified():
    """A new table or shop column must be declared public (and get its trigger in a
    migration) or private, so nothing a shopper sees can be forgotten."""
    tables = set(db.metadata.tables)
    assert tables == set(PUBLIC_TABLES) | PRIVATE_TABLES | {"shop"}
    assert not set(PUBLIC_TABLES) & PRIVATE_TABLES
    columns = {c.name for c in Shop.__table__.columns}
    assert columns >= SHOP_PRIVATE_COLUMNS
    assert set(shop_public_columns()) == columns - SHOP_PRIVATE_COLUMNS


# Triggers with another job than the catalog version (shop.models.customers: each new
# order's customer, issue 20; shop.models.order_counts: the orders list's counts).
OTHER_TRIGGERS = {
    "customer_of_new_order",
    "order_count_insert",
    "order_count_move",
    "order_count_delete",
    "order_count_history",
}


def test_the_databases_triggers_match_the_classification(app):
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            ).all()
            rows = [row for row in rows if row[0] not in OTHER_TRIGGERS]
            triggered = {re.search(r" ON (\w+)", sql).group(1) for _, sql in rows}
            events = {name.rsplit("_", 1)[1] for name, _ in rows if name != "catalog_version_shop"}
            assert events == {"insert", "update", "delete"}
        else:
            rows = conn.exec_driver_sql(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
            ).all()
            rows = [row for row in rows if row[0] not in OTHER_TRIGGERS]
            triggered = {re.search(r" ON (?:public\.)?(\w+)", sql).group(1) for _, sql in rows}
            for name, sql in rows:
                if name != "catalog_version_shop":
                    assert "INSERT OR DELETE OR UPDATE" in sql, name
        shop_trigger = dict(rows)["catalog_version_shop"]
    assert triggered == set(PUBLIC_TABLES) | {"shop"}
    listed = re.search(r"UPDATE OF (.+?) ON ", shop_trigger).group(1)
    assert [c.strip() for c in listed.split(",")] == shop_public_columns()
