"""Variant groups of any name: the catalog's rules (at most three, at most 2,500
combinations, one choice each), the stock they count and the feed rows they make."""

from __future__ import annotations

import csv
import io

import pytest

from shop.catalog import CatalogError
from shop.catalog.availability import item_sold_out
from shop.catalog.options import GroupData, combinations, save_group, set_variant_stock
from shop.extensions import db
from shop.models import OptionKind
from shop.shops.exports import FEED_COLUMNS, feed_rows, write_csv
from shop.shops.imports.sheet import read_sheet
from shop.shops.imports.writing import write_catalog
from tests import factories


@pytest.fixture
def shop(app):
    with app.test_request_context():
        yield factories.make_shop(factories.make_user(), currency="EUR", language="en")


def _group(name, choices, kind=OptionKind.OTHER, variant=True, high=1):
    return GroupData(name, kind, 1, high, [(c, 0) for c in choices], variant)


def test_a_group_of_any_name_makes_variants_with_their_own_stock(shop):
    item = factories.make_item(shop, name="Vela")
    save_group(item, _group("Aroma 🌸", ["Vainilla", "Menta"]))
    save_group(item, _group("Tamaño", ["Chica", "Grande"], OptionKind.SIZE, variant=False))
    save_group(item, _group("Extras", ["Lazo"], variant=False, high=1))
    db.session.expire(item, ["option_groups"])
    assert [g.is_variant for g in item.option_groups] == [True, True, False]
    combos = combinations(item)
    assert [c.label for c in combos] == [
        "Vainilla / Chica",
        "Vainilla / Grande",
        "Menta / Chica",
        "Menta / Grande",
    ]
    set_variant_stock(item, {combo.key: 0 for combo in combos})
    db.session.expire(item, ["variant_stock"])
    assert item_sold_out(item)  # every combination counted and at zero


def test_at_most_three_variant_groups_and_one_choice_each(shop):
    item = factories.make_item(shop, name="Zapato")
    for name in ("Talla", "Color", "Material"):
        save_group(item, _group(name, ["A", "B"]))
    with pytest.raises(CatalogError, match="at most 3 variant groups"):
        save_group(item, _group("Suela", ["Goma"]))
    save_group(item, _group("Extras", ["Caja", "Bolsa"], variant=False, high=2))  # not a variant
    with pytest.raises(CatalogError, match="one choice"):
        save_group(item, _group("Cordones", ["Negro", "Blanco"], high=2))


def test_at_most_2500_combinations(shop):
    item = factories.make_item(shop, name="Lámina")
    save_group(item, _group("Ancho", [f"A{n}" for n in range(50)]))
    save_group(item, _group("Alto", [f"B{n}" for n in range(50)]))  # 2,500: the cap
    with pytest.raises(CatalogError, match="5000 combinations; at most 2500"):
        save_group(item, _group("Marco", ["Roble", "Pino"]))
    db.session.expire(item, ["option_groups", "variant_stock"])
    assert len(combinations(item)) == 2500


def test_a_sold_out_card_counts_three_variant_groups_in_sql(shop):
    """The shop page's one statement multiplies the choices of up to three groups."""
    from sqlalchemy import select

    from shop.catalog.availability import CARD_SOLD_OUT, CARD_STATE
    from shop.models import Item

    item = factories.make_item(shop, name="Taza")
    for name in ("Color", "Tamaño", "Asa"):
        save_group(item, _group(name, ["A", "B"]))
    keys = [combo.key for combo in combinations(item)]
    set_variant_stock(item, dict.fromkeys(keys[:-1], 0) | {keys[-1]: 1})
    state = select(CARD_STATE).where(Item.id == item.id)
    assert db.session.scalar(state) != CARD_SOLD_OUT  # one of 8 left
    set_variant_stock(item, {keys[-1]: 0})
    assert db.session.scalar(state) == CARD_SOLD_OUT


def _feed(shop, fallback="https://x.test/shop.jpg") -> list[dict]:
    from shop.models import Item

    items = db.session.scalars(
        db.select(Item).where(Item.shop_id == shop.id).order_by(Item.id)
    ).all()
    rows = feed_rows(
        shop,
        items,
        product_url=lambda item: f"https://x.test/p/{item.id}",
        image_url=lambda image: f"https://x.test/{image.key}.jpg",
        fallback_image_url=fallback,
    )
    return [dict(zip(FEED_COLUMNS, row, strict=True)) for row in rows]


def test_the_feed_has_material_pattern_and_other_variants_in_metas_columns(shop):
    item = factories.make_item(shop, name="Bolso")
    save_group(item, _group("Material", ["Cuero", "Lona"]))
    save_group(item, _group("Estampado", ["Liso"]))
    save_group(item, _group("Asa: larga, corta", ["Larga"]))  # Meta's separators, dropped
    rows = _feed(shop)
    assert [(r["material"], r["pattern"], r["additional_variant_attribute"]) for r in rows] == [
        ("Cuero", "Liso", "Asa larga corta:Larga"),
        ("Lona", "Liso", "Asa larga corta:Larga"),
    ]
    assert {r["item_group_id"] for r in rows} == {str(item.id)}


def test_a_feed_imported_into_another_shop_exports_the_same_feed(app, shop):
    """Export -> import into another shop -> export: the same rows, but for what names
    the shop itself (ids, links, pictures, brand)."""
    dress = factories.make_item(shop, name="Vestido 🌸", price_minor=2000, description="Lino")
    save_group(dress, GroupData("Talla", OptionKind.SIZE, 1, 1, [("S", 0), ("M", 0), ("L", 250)]))
    save_group(dress, _group("Color", ["Azul", "Rojo"], OptionKind.COLOR))
    save_group(dress, _group("Material", ["Lino"]))
    candle = factories.make_item(shop, name="Vela", price_minor=500)
    save_group(candle, _group("Aroma", ["Vainilla", "Menta"]))
    save_group(candle, _group("Estampado", ["Liso", "Rayas"]))
    keys = {c.label: c.key for c in combinations(candle)}
    set_variant_stock(candle, {keys["Menta / Rayas"]: 0})
    factories.make_item(shop, name="Gorra", price_minor=900, compare_at_minor=1200)
    before = _feed(shop)
    text = "".join(
        write_csv(FEED_COLUMNS, ([r[c] for c in FEED_COLUMNS] for r in before), bom=True)
    )

    other = factories.make_shop(factories.make_user("Bea"), currency="EUR", language="en")
    catalog = read_sheet(io.BytesIO(text.encode()), "EUR", 2, "en")
    assert catalog.errors == []
    write_catalog(other, catalog, {})
    after = _feed(other)

    own = ("id", "link", "image_link", "brand", "item_group_id")
    assert [{k: v for k, v in row.items() if k not in own} for row in after] == [
        {k: v for k, v in row.items() if k not in own} for row in before
    ]
    assert len({row["item_group_id"] for row in after if row["item_group_id"]}) == 2
    assert next(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == list(FEED_COLUMNS)
