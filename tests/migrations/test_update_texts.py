"""0017: shops from a 0016 database keep the default update texts (NULL) and their
orders; a text saved afterwards is used; going back down keeps the shops and orders."""

from __future__ import annotations

from sqlalchemy import func, inspect, select, text

from shop.extensions import db
from shop.models import Order, OrderStatus, PushSubscription
from shop.whatsapp.updates import update_message
from tests.migrations.test_order_flow import _fill_as_0010

BEFORE = "0017_pixels"


def test_existing_shops_keep_the_default_update_texts(database_at):
    old = database_at(BEFORE)
    tokens = _fill_as_0010(old)
    old.execute("UPDATE shop SET greeting_text = 'Hola {shop} 👋'")
    with old.connection() as conn:
        version = conn.execute(text("SELECT catalog_version FROM shop")).scalar_one()

    old.upgrade()

    with old.app.test_request_context():
        orders = {o.token: o for o in db.session.scalars(select(Order))}
        assert set(orders) == set(tokens.values())
        order = orders[tokens["confirmed"]]
        shop = order.shop
        assert shop.update_texts is None
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0
        assert shop.greeting_text == "Hola {shop} 👋"
        assert shop.catalog_version == version  # a private setting: the public pages did not move
        default = update_message(order, shop, OrderStatus.CONFIRMED, "https://x/o/t")
        assert "confirmado" in default.split("\n")[1]  # the shop's language, as before
        shop.update_texts = {"confirmed": "¡Va {name}! 🎉"}
        db.session.commit()
        mine = update_message(order, shop, OrderStatus.CONFIRMED, "https://x/o/t")
        assert mine.split("\n")[1] == f"¡Va {order.customer_name}! 🎉"
        db.session.remove()


def test_downgrade_drops_the_texts_and_keeps_shops_and_orders(database_at):
    old = database_at(BEFORE)
    tokens = _fill_as_0010(old)
    old.upgrade()
    old.execute("""UPDATE shop SET update_texts = '{"preparing": "Ya va"}'""")

    old.upgrade(BEFORE, downgrade=True)

    with old.connection() as conn:
        rows = dict(conn.execute(text("SELECT token, status FROM shop_order")).all())
        assert rows == {token: status for status, token in tokens.items()}
        columns = {c["name"] for c in inspect(conn).get_columns("shop")}
        assert "update_texts" not in columns
        assert "push_subscription" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT count(*) FROM shop")).scalar_one() >= 1
