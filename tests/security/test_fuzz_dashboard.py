"""Every dashboard form, fuzzed (ASVS V1 encoding and sanitization, V2 validation and
business logic, V8 authorization).

Hypothesis posts random and hostile values (any Unicode plane, NUL bytes, 10,000
characters, absurd amounts, SQL, template and spreadsheet payloads, repeated fields,
fields no form has) to each form as a signed-in merchant. Whatever it sends:
- the answer is 2xx, 3xx or 4xx, never a 5xx;
- a refused post (4xx) changed no row anywhere;
- no text with a NUL byte is stored (PostgreSQL refuses them; SQLite must not differ);
- the rival merchant's shop is untouched.
The rows pile up across examples (one app per test): every example must hold anyway.

NUL bytes are tried in every text field, by Hypothesis and by the deterministic matrix
below: the catalog drops control characters before the database sees them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import String, Text, select

from shop.extensions import db
from shop.models import (
    Category,
    Image,
    Item,
    ItemPhoto,
    OptionGroup,
    Order,
    PaymentMethod,
    ShippingMethod,
    Shop,
)
from tests import factories
from tests.security.hostile import (
    FORMULA,
    FUZZ,
    SCRIPT,
    SQL,
    TEMPLATE,
    amount_text,
    hostile_text,
)
from tests.security.world import World

MASS_ASSIGNMENT = [
    "id",
    "shop_id",
    "owner_id",
    "user_id",
    "status",
    "position",
    "catalog_version",
    "next_order_number",
    "price_minor",
    "logo_id",
    "token",
    "item_id",
    "group_id",
    "price_delta_minor",
    "stock",
    "suspended_at",
    "suspension_reason",
    "is_operator",
    "min_order_minor",
    "kind",
]


# Forms whose text goes into the catalog: NUL bytes must be dropped before the database.
CATALOG_TEXT_FORMS = {
    "new_category",
    "edit_category",
    "new_item",
    "edit_item",
    "new_option_group",
    "rules",
    "new_payment",
    "edit_payment",
}
NUL_PAYLOADS = ["\x00", "a\x00b"]


def _without_nul(value):
    if isinstance(value, list):
        return [_without_nul(part) for part in value]
    return value.replace("\x00", "") if isinstance(value, str) else value


def one_of_or_hostile(*valid: str):
    return st.one_of(st.sampled_from(valid), hostile_text)


def flag():
    return st.sampled_from(["y", "", "on", "0", "false"]) | hostile_text


def directions(*valid: str):
    return one_of_or_hostile(*valid)


@dataclass
class FormSpec:
    """Where a form posts (given the world and a fresh object's id) and what it holds."""

    url: Callable[[World, int | None], str]
    fields: Callable[[World], dict]
    fresh: Callable[[World], int] | None = None
    valid: dict[str, str] | None = None  # a post the form takes, for the payload matrix


def _shop_fields(world: World) -> dict:
    return {
        "name": hostile_text,
        "description": hostile_text,
        "slug": one_of_or_hostile("tienda-nueva", "s", "dashboard", "x" * 61, "tienda-sol"),
        "country": one_of_or_hostile("ES", "US", "MX", "AR", "ZZ", ""),
        "phone": one_of_or_hostile("612345678", "+34612345678", "1", "0" * 30),
        "currency": one_of_or_hostile("EUR", "USD", "CLP", "JPY", "KWD", "XXX", "eur"),
        "language": one_of_or_hostile("en", "es", "fr"),
    }


def _item_fields(world: World) -> dict:
    return {
        "name": hostile_text,
        "description": hostile_text,
        "price": amount_text,
        "compare_at": amount_text,
        "code": hostile_text,
        "category": one_of_or_hostile("", str(world.category), "none", "-1", "99999999999"),
        "availability": one_of_or_hostile("available", "sold_out", "hidden", "deleted"),
        "is_service": flag(),
    }


def _shipping_fields(world: World) -> dict:
    return {
        "name": hostile_text,
        "price": amount_text,
        "kind": one_of_or_hostile("delivery", "pickup", "teleport"),
        "active": flag(),
    }


def _group_fields(prefix: str):
    def fields(world: World) -> dict:
        return {
            f"{prefix}-name": hostile_text,
            f"{prefix}-kind": one_of_or_hostile("other", "size", "color", "flavour"),
            f"{prefix}-min_choices": one_of_or_hostile("0", "1", "2", "51") | amount_text,
            f"{prefix}-max_choices": one_of_or_hostile("1", "3", "50", "51") | amount_text,
            f"{prefix}-choices": choice_lines(),
        }

    return fields


def choice_lines():
    """Choices one per line, "name | price change": some good, some hostile."""
    change = st.one_of(
        st.sampled_from(["", "+1,50", "-0,50", "+", "-", "\u22121", "|", "+ 1e9"]),
        amount_text.map(lambda text: "+" + text),
        amount_text.map(lambda text: "-" + text),
    )
    line = st.builds(
        lambda name, delta: f"{name} | {delta}" if delta else name,
        one_of_or_hostile("S", "M", "Bacon", "s"),
        change,
    )
    return st.lists(line, max_size=6).map("\n".join) | hostile_text


def _hours():
    return one_of_or_hostile(
        "",
        "09:00-14:00",
        "9-14, 17-20",
        "20:00-02:00",
        "24:00-02:00",
        "09:00-09:00",
        "25:00-26:00",
        "9-12, 10-13",
        "9-10, 11-12, 13-14, 15-16, 17-18, 19-20, 21-22",
        "9 a 14 y 17 a 20",
    )


def _message_text():
    """Greeting/closing lines: placeholders, format-string attacks, braces, hostile text."""
    return one_of_or_hostile(
        "Hola {shop}, pedido {number} de {name}: {total}",
        "{shop.__class__}",
        "{shop.__init__.__globals__}",
        "{number[0]}",
        "{0}",
        "{}",
        "{shop!r}",
        "{total:>999999999}",
        "{name:%Y}",
        "{{shop}} {{",
        "{",
        "}",
        "{shop",
        "x" * 301,
    )


def _rules_fields(world: World) -> dict:
    return {
        "min_order": amount_text,
        "time_zone": one_of_or_hostile("Europe/Madrid", "UTC", "America/Mexico_City", "Mars/Base"),
        "closed_policy": one_of_or_hostile("refuse", "note", "ignore"),
        "ask_phone": one_of_or_hostile("off", "optional", "required", "always"),
        "greeting": _message_text(),
        "closing": _message_text(),
        "update_confirmed": _message_text(),
        "update_on_the_way": _message_text(),
        "update_cancelled": _message_text(),
    } | {f"day_{day}": _hours() for day in range(7)}


def _payment_fields(world: World) -> dict:
    return {
        "kind": one_of_or_hostile("cash", "bank_transfer", "link", "other", "bitcoin"),
        "name": hostile_text,
        "details": one_of_or_hostile(
            "https://pay.example/tienda-sol",
            "http://pay.example",
            "javascript:alert(document.cookie)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "https://",
            "https://pay.example/a b",
            "https://pay.example/\nhttps://evil.example",
            "ES91 2100 0418 4502 0005 1332",
        ),
        "active": flag(),
    }


def _stock_fields(world: World) -> dict:
    keys = [str(choice) for choice in world.choices]
    keys += ["-".join(keys), "", "999999999", "0", "-1", "../x"]
    return {f"stock-{key}": amount_text for key in keys}


def _fresh_group(world: World) -> int:
    item = db.session.get(Item, world.cap)
    if len(item.option_groups) >= 9:  # room for the form's own new groups
        return item.option_groups[-1].id
    return factories.make_group(item, f"Extra {len(item.option_groups)}", ["a", "b"]).id


def _fresh_payment(world: World) -> int:
    method = PaymentMethod(shop_id=world.shop, kind="cash", name="Fresca", details="")
    db.session.add(method)
    db.session.flush()
    return method.id


def _fresh_order(world: World) -> int:
    return factories.make_order(db.session.get(Shop, world.shop)).id


def _fresh_category(world: World) -> int:
    shop = db.session.get(Shop, world.shop)
    return factories.make_category(shop, f"Fresca {shop.catalog_version}", position=99).id


def _fresh_item(world: World) -> int:
    return factories.make_item(db.session.get(Shop, world.shop), None, name="Fresca").id


def _fresh_photo(world: World) -> int:
    image = Image(shop_id=world.shop, key="f" * 64, width=640, height=480, widths=[320])
    photo = ItemPhoto(item_id=world.item, image=image, position=5)
    db.session.add(photo)
    db.session.flush()
    return photo.id


SHOP = {
    "name": "Tienda Luna",
    "description": "Ropa",
    "slug": "",
    "country": "ES",
    "phone": "612345678",
    "currency": "EUR",
    "language": "es",
}
ITEM = {
    "name": "Gorra roja",
    "description": "Algodón",
    "price": "12.50",
    "compare_at": "",
    "code": "G-1",
    "category": "",
    "availability": "available",
}
SHIPPING = {"name": "Mensajero", "price": "4.00", "kind": "delivery", "active": "y"}
GROUP = {
    "new-name": "Extras",
    "new-kind": "other",
    "new-min_choices": "0",
    "new-max_choices": "2",
    "new-choices": "Bacon | +1,50\nQueso",
}
RULES = {
    "min_order": "10",
    "time_zone": "Europe/Madrid",
    "closed_policy": "note",
    "ask_phone": "required",
    "greeting": "Hola {shop}, pedido {number}",
    "closing": "Gracias, {name}",
} | {f"day_{day}": "09:00-14:00" for day in range(7)}
PAYMENT = {"kind": "other", "name": "Bizum", "details": "Al 612 345 678", "active": "y"}

FORMS: dict[str, FormSpec] = {
    "setup": FormSpec(
        lambda w, _: "/dashboard/setup",
        lambda w: _shop_fields(w) | {"delivery_price": amount_text, "pickup": flag()},
        valid=SHOP | {"delivery_price": "4,90", "pickup": "y"},
    ),
    "settings": FormSpec(
        lambda w, _: "/dashboard/settings",
        lambda w: (
            _shop_fields(w)
            | {"paused": flag(), "pause_message": hostile_text, "remove_logo": flag()}
        ),
        valid=SHOP | {"slug": "tienda-sol", "pause_message": "Vuelvo pronto"},
    ),
    "new_category": FormSpec(
        lambda w, _: "/dashboard/categories", lambda w: {"name": hostile_text}, valid={"name": "X"}
    ),
    "edit_category": FormSpec(
        lambda w, _: f"/dashboard/categories/{w.category}/edit",
        lambda w: {"name": hostile_text},
        valid={"name": "Y"},
    ),
    "delete_category": FormSpec(
        lambda w, fresh: f"/dashboard/categories/{fresh}/delete",
        lambda w: {"move_items_to": one_of_or_hostile("", str(w.category), str(w.rival_shop))},
        fresh=_fresh_category,
    ),
    "move_category": FormSpec(
        lambda w, _: f"/dashboard/categories/{w.category}/move",
        lambda w: {"direction": directions("up", "down")},
    ),
    "new_item": FormSpec(lambda w, _: "/dashboard/items/new", _item_fields, valid=ITEM),
    "edit_item": FormSpec(lambda w, _: f"/dashboard/items/{w.item}/edit", _item_fields, valid=ITEM),
    "delete_item": FormSpec(
        lambda w, fresh: f"/dashboard/items/{fresh}/delete", lambda w: {}, fresh=_fresh_item
    ),
    "duplicate_item": FormSpec(lambda w, _: f"/dashboard/items/{w.item}/duplicate", lambda w: {}),
    "move_item": FormSpec(
        lambda w, _: f"/dashboard/items/{w.item}/move",
        lambda w: {"direction": directions("up", "down"), "next": hostile_text},
    ),
    "bulk_items": FormSpec(
        lambda w, _: "/dashboard/items/bulk",
        lambda w: {
            "action": one_of_or_hostile("available", "sold_out", "hidden", "move", "delete"),
            "category": one_of_or_hostile("", str(w.category)),
            "item_ids": st.lists(
                st.sampled_from([str(w.item), str(w.rival_item), "-1", "2147483648"])
                | hostile_text,
                max_size=5,
            ),
            "confirmed": one_of_or_hostile("yes", "no"),
            "next": one_of_or_hostile("/dashboard/items", "https://evil.example", "//evil"),
        },
    ),
    "move_photo": FormSpec(
        lambda w, fresh: f"/dashboard/items/{w.item}/photos/{fresh}/move",
        lambda w: {"direction": directions("up", "down", "cover")},
        fresh=_fresh_photo,
    ),
    "order_photos": FormSpec(
        lambda w, _: f"/dashboard/items/{w.item}/photos/order",
        lambda w: {
            "photo_ids": st.lists(
                st.sampled_from(["1", "2", "3", "-1", "0", "2147483648", "9" * 5000])
                | hostile_text,
                max_size=12,
            )
        },
        fresh=_fresh_photo,
    ),
    "remove_photo": FormSpec(
        lambda w, fresh: f"/dashboard/items/{w.item}/photos/{fresh}/remove",
        lambda w: {},
        fresh=_fresh_photo,
    ),
    "new_shipping": FormSpec(
        lambda w, _: "/dashboard/shipping/new", _shipping_fields, valid=SHIPPING
    ),
    "edit_shipping": FormSpec(
        lambda w, _: f"/dashboard/shipping/{w.method}/edit", _shipping_fields, valid=SHIPPING
    ),
    "toggle_shipping": FormSpec(
        lambda w, _: f"/dashboard/shipping/{w.method}/toggle", lambda w: {"active": flag()}
    ),
    "move_shipping": FormSpec(
        lambda w, _: f"/dashboard/shipping/{w.method}/move",
        lambda w: {"direction": directions("up", "down")},
    ),
    "order_status": FormSpec(
        lambda w, _: f"/dashboard/orders/{w.order}/status",
        lambda w: {
            "status": one_of_or_hostile(
                "new", "confirmed", "preparing", "ready", "delivered", "cancelled"
            ),
            "reason": one_of_or_hostile("stock", "asked", "area", "unpaid", "other"),
            "note": hostile_text,
            "back": one_of_or_hostile("list", "detail", "https://evil.example/"),
        },
    ),
    # Issue 17: paid or not (a fresh order each time, so each post may mark it).
    "order_paid": FormSpec(
        lambda w, fresh: f"/dashboard/orders/{fresh or w.order}/paid",
        lambda w: {"method": hostile_text, "reference": hostile_text},
        fresh=lambda w: _fresh_order(w),
    ),
    "order_news": FormSpec(
        lambda w, _: "/dashboard/orders/news",
        lambda w: {"stale_after_minutes": amount_text, "email_new_orders": flag()},
        valid={"stale_after_minutes": "20", "email_new_orders": "y"},
    ),
    "order_unpaid": FormSpec(
        lambda w, _: f"/dashboard/orders/{w.order}/unpaid",
        lambda w: {"seen": one_of_or_hostile("2030-01-01T00:00:00", "", "9" * 40)},
    ),
    "switch_shop": FormSpec(
        lambda w, _: "/dashboard/switch",
        lambda w: {"shop_id": one_of_or_hostile(str(w.shop), str(w.rival_shop), "9" * 30)},
    ),
    # Never the shop's own name: every post is refused, so each must leave no trace.
    "delete_shop": FormSpec(
        lambda w, _: "/dashboard/data/delete",
        lambda w: {"name": one_of_or_hostile("Tienda", "tienda-sol", "Rival", "Tienda Sol 2")},
    ),
    "export_shop": FormSpec(lambda w, _: "/dashboard/data/export", lambda w: {}),
    # Issue 21: a text where the file should be is refused; confirming starts one job.
    "import_upload": FormSpec(
        lambda w, _: "/dashboard/data/import", lambda w: {"file": hostile_text}
    ),
    "import_undo": FormSpec(lambda w, _: f"/dashboard/jobs/{w.job_token}/undo", lambda w: {}),
    "import_confirm": FormSpec(
        lambda w, _: f"/dashboard/data/import/{w.import_token}", lambda w: {}
    ),
    # Issue 7: options and stock on the item page, ordering rules, payment methods.
    "new_option_group": FormSpec(
        lambda w, _: f"/dashboard/items/{w.cap}/options", _group_fields("new"), valid=GROUP
    ),
    "save_option_group": FormSpec(
        lambda w, _: f"/dashboard/items/{w.cap}/options/{w.group}",
        lambda w: _group_fields(f"g{w.group}")(w),
    ),
    "delete_option_group": FormSpec(
        lambda w, fresh: f"/dashboard/items/{w.cap}/options/{fresh}/delete",
        lambda w: {},
        fresh=_fresh_group,
    ),
    "move_option_group": FormSpec(
        lambda w, fresh: f"/dashboard/items/{w.cap}/options/{fresh}/move",
        lambda w: {"direction": directions("up", "down")},
        fresh=_fresh_group,
    ),
    "variant_stock": FormSpec(
        lambda w, _: f"/dashboard/items/{w.cap}/variant-stock", _stock_fields
    ),
    "rules": FormSpec(lambda w, _: "/dashboard/rules", _rules_fields, valid=RULES),
    "new_payment": FormSpec(lambda w, _: "/dashboard/payments", _payment_fields, valid=PAYMENT),
    "edit_payment": FormSpec(
        lambda w, _: f"/dashboard/payments/{w.payment}/edit", _payment_fields, valid=PAYMENT
    ),
    "delete_payment": FormSpec(
        lambda w, fresh: f"/dashboard/payments/{fresh}/delete", lambda w: {}, fresh=_fresh_payment
    ),
    "language": FormSpec(
        lambda w, _: "/language",
        lambda w: {"lang": one_of_or_hostile("en", "es", "de"), "next": hostile_text},
    ),
}


def form_data(fields: dict, keep_nul: bool = True) -> st.SearchStrategy[dict]:
    """The form's fields (sometimes missing, sometimes repeated) plus fields no form has."""
    values = {
        name: strategy | st.lists(strategy, min_size=2, max_size=3)
        for name, strategy in fields.items()
    }
    if not keep_nul:
        values = {name: strategy.map(_without_nul) for name, strategy in values.items()}
    extra = st.dictionaries(
        st.sampled_from(MASS_ASSIGNMENT), hostile_text | st.integers().map(str), max_size=3
    )
    return st.builds(
        lambda chosen, more: more | chosen,
        st.fixed_dictionaries({}, optional=values),
        extra,
    )


def text_with_nul(app) -> list[str]:
    """Every stored text value that holds a NUL byte (table.column: value)."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text):
                    for (value,) in db.session.execute(select(column)):
                        if isinstance(value, str) and "\x00" in value:
                            found.append(f"{table.name}.{column.name}: {value[:40]!r}")
        db.session.remove()
    return found


def rival_rows(app, world: World) -> tuple:
    with app.app_context():
        shop = db.session.get(Shop, world.rival_shop)
        items = db.session.scalars(select(Item).where(Item.shop_id == world.rival_shop)).all()
        categories = db.session.scalars(
            select(Category).where(Category.shop_id == world.rival_shop)
        ).all()
        state = (
            (shop.owner_id, shop.slug, shop.name, shop.catalog_version),
            [(i.id, i.name, i.price_minor, i.availability, i.category_id) for i in items],
            [(c.id, c.name) for c in categories],
        )
        db.session.remove()
        return state


@pytest.mark.parametrize("form", sorted(FORMS))
def test_fuzzed_forms_never_fail_and_never_half_save(app, client, world, snapshot, form):
    spec = FORMS[form]
    rival = rival_rows(app, world)

    @FUZZ
    @given(data=st.data())
    def post_anything(data):
        fresh = None
        if spec.fresh is not None:
            with app.app_context():
                fresh = spec.fresh(world)
                db.session.commit()
        fields = data.draw(form_data(spec.fields(world), True), label="form")
        content_type = data.draw(
            st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data"])
        )
        before = snapshot()
        response = client.post(spec.url(world, fresh), data=fields, content_type=content_type)
        assert response.status_code < 500, response.text[:500]
        if response.status_code >= 400:
            assert snapshot() == before, "a refused post changed the database"

    post_anything()
    assert text_with_nul(app) == []
    assert rival_rows(app, world) == rival


# The payloads most likely to break storage or rendering, in every text field of every
# form that saves text: deterministic, so each runs on every CI run (Hypothesis samples).
MATRIX_PAYLOADS = [
    "\x00",
    "a\x00b",
    "\U0001f600" * 10_000,
    "\U0010fffd" * 151,
    "\x01\x1b\x7f\u202e",
    SCRIPT,
    TEMPLATE,
    SQL,
    FORMULA,
]


def post_payloads(app, client, world, snapshot, form: str, payloads: list[str]) -> None:
    """Each payload in each text field of an otherwise valid post: taken or refused whole."""
    spec = FORMS[form]
    fields = [name for name in spec.valid if name not in {"country", "currency", "language"}]
    for field in fields:
        for number, payload in enumerate(payloads):
            before = snapshot()
            data = spec.valid | {field: payload}
            if form == "setup" and field != "name":  # a new shop each time, not a twin
                data["name"] = f"{data['name']} {field} {number}"
            response = client.post(spec.url(world, None), data=data)
            where = f"{field}={payload[:20]!r}"
            assert response.status_code < 500, where
            if response.status_code >= 400:
                assert snapshot() == before, where
            elif payload in (SCRIPT, TEMPLATE, SQL, FORMULA) and field in {"name", "description"}:
                assert _stored(app, payload), f"{where} was accepted but not kept as typed"
    assert text_with_nul(app) == []


MATRIX_FORMS = sorted(name for name, spec in FORMS.items() if spec.valid)


@pytest.mark.parametrize("form", MATRIX_FORMS)
def test_every_text_field_takes_or_refuses_the_worst_payloads_cleanly(
    app, client, world, snapshot, form
):
    post_payloads(app, client, world, snapshot, form, MATRIX_PAYLOADS)


@pytest.mark.parametrize("form", sorted(CATALOG_TEXT_FORMS))
def test_catalog_text_fields_drop_or_refuse_nul_bytes(app, client, world, snapshot, form):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # PostgreSQL's refusal is a 500 page
    post_payloads(app, client, world, snapshot, form, NUL_PAYLOADS)


def test_the_items_search_takes_nul_bytes(app, client, world):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/dashboard/items", query_string={"q": "a\x00b"}).status_code == 200


def _stored(app, text: str) -> bool:
    """Whether some row of the world holds exactly `text` (saved as typed, nothing eaten)."""
    with app.app_context():
        for model in (Shop, Item, Category, ShippingMethod, PaymentMethod, OptionGroup):
            for column in ("name", "description"):
                attribute = getattr(model, column, None)
                if attribute is not None and db.session.scalar(
                    select(model.id).where(attribute == text).limit(1)
                ):
                    return True
        db.session.remove()
    return False


QUERIES = {
    "/dashboard/items": {
        "q": hostile_text,
        "category": one_of_or_hostile("none", "1", "-1"),
        "availability": one_of_or_hostile("available", "hidden"),
        "page": amount_text,
    },
    "/dashboard/orders": {
        "status": one_of_or_hostile("new", "delivered"),
        "paid": one_of_or_hostile("no", "yes"),
        "page": amount_text,
    },
    "/dashboard/orders.csv": {"status": hostile_text, "paid": one_of_or_hostile("no")},
    "/dashboard/orders/slips": {"ids": one_of_or_hostile("1", "2", "-1"), "size": hostile_text},
    "/s/tienda-sol": {"q": hostile_text, "page": amount_text, "category": hostile_text},
    "/s/tienda-sol/p/1/order": {"quantity": amount_text},
    "/login": {"next": one_of_or_hostile("/dashboard", "//evil.example", "https://evil.example")},
}


@pytest.mark.parametrize("path", sorted(QUERIES))
def test_fuzzed_queries_never_fail_or_change_anything(app, client, world, snapshot, path):
    before = snapshot()

    @FUZZ
    @given(query=st.fixed_dictionaries({}, optional=QUERIES[path]))
    def get_anything(query):
        response = client.get(path, query_string=query)
        assert response.status_code < 500, response.text[:500]
        location = response.headers.get("Location", "")
        assert not location.startswith(("//", "https://evil", "http://evil")), location

    get_anything()
    assert snapshot() == before


@pytest.mark.parametrize("field", ["method", "reference"])
def test_the_paid_mark_takes_the_worst_payloads_cleanly(app, client, world, field):
    """Each payload on a fresh order: marked (cleaned, within its length) or refused whole."""
    for payload in MATRIX_PAYLOADS:
        with app.app_context():
            order_id = _fresh_order(world)
            db.session.commit()
        data = {"method": "Efectivo", "reference": "R-1"} | {field: payload}
        response = client.post(f"/dashboard/orders/{order_id}/paid", data=data)
        assert response.status_code == 303, payload[:20]
        with app.app_context():
            order = db.session.get(Order, order_id)
            assert order.paid_at is not None
            kept = getattr(order, f"paid_{field}")
            assert "\x00" not in kept
            assert "\u202e" not in kept
            assert len(kept) <= (80 if field == "method" else 120)
    assert text_with_nul(app) == []
