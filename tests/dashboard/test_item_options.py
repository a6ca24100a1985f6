"""The merchant sets up option groups, choices and stock on the item's edit page."""

from __future__ import annotations

import re

from sqlalchemy import select

from shop.extensions import db
from shop.models import Item, OptionGroup, Shop
from tests import factories

ES = {"Accept-Language": "es-ES,es;q=0.9"}


def _item(app, shop_id, **fields):
    with app.app_context():
        item = factories.make_item(db.session.get(Shop, shop_id), None, **fields)
        db.session.commit()
        return item.id


def _groups(app, item_id):
    with app.app_context():
        item = db.session.get(Item, item_id)
        return [
            (
                g.name,
                g.kind.value,
                g.min_choices,
                g.max_choices,
                [(c.name, c.price_delta_minor, c.id) for c in g.choices],
            )
            for g in item.option_groups
        ]


def _add(client, item_id, **fields):
    data = {
        "new-name": "Talla",
        "new-kind": "size",
        "new-min_choices": "1",
        "new-max_choices": "1",
        "new-choices": "S\nM\nL | +2,00",
    } | fields
    return client.post(f"/dashboard/items/{item_id}/options", data=data, headers=ES)


def test_adds_a_size_group_with_a_price_typed_the_spanish_way(app, client, merchant):
    item_id = _item(app, merchant[1])
    response = _add(client, item_id)
    assert response.status_code == 302
    ((name, kind, low, high, choices),) = _groups(app, item_id)
    assert (name, kind, low, high) == ("Talla", "size", 1, 1)
    assert [(c[0], c[1]) for c in choices] == [("S", 0), ("M", 0), ("L", 200)]
    page = client.get(f"/dashboard/items/{item_id}/edit", headers=ES).get_data(as_text=True)
    assert "L | +2,00" in page
    assert "Existencias por Talla" in page  # the group's own name


def test_editing_keeps_the_ids_of_choices_that_keep_their_name(app, client, merchant):
    item_id = _item(app, merchant[1])
    _add(client, item_id)
    (group,) = _groups(app, item_id)
    ids = {c[0]: c[2] for c in group[4]}
    with app.app_context():
        group_id = db.session.scalar(select(OptionGroup.id))
    data = {
        f"g{group_id}-{k}": v
        for k, v in {
            "name": "Talla",
            "kind": "size",
            "min_choices": "1",
            "max_choices": "1",
            "choices": "XL | -1,50\nM\nS",
        }.items()
    }
    assert (
        client.post(
            f"/dashboard/items/{item_id}/options/{group_id}", data=data, headers=ES
        ).status_code
        == 302
    )
    (group,) = _groups(app, item_id)
    assert [(c[0], c[1]) for c in group[4]] == [("XL", -150), ("M", 0), ("S", 0)]
    assert group[4][1][2] == ids["M"]
    assert group[4][2][2] == ids["S"]


def test_a_bad_price_line_saves_nothing_and_keeps_what_was_typed(app, client, merchant):
    item_id = _item(app, merchant[1])
    response = _add(client, item_id, **{"new-choices": "Queso | +1,5x\nBeicon | +1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Línea 1:" in page
    assert "Beicon | +1" in page
    assert _groups(app, item_id) == []


def test_refuses_a_minimum_above_the_choices_and_a_second_size_group(app, client, merchant):
    item_id = _item(app, merchant[1])
    bad = _add(
        client,
        item_id,
        **{
            "new-kind": "other",
            "new-min_choices": "3",
            "new-max_choices": "3",
            "new-choices": "a\nb",
        },
    )
    assert bad.status_code == 422
    assert "El mínimo es mayor que el número de opciones." in bad.get_data(as_text=True)
    assert _add(client, item_id).status_code == 302
    again = _add(client, item_id, **{"new-name": "Otra talla"})
    assert again.status_code == 422
    assert len(_groups(app, item_id)) == 1


def test_item_stock_and_combination_stock(app, client, merchant):
    item_id = _item(app, merchant[1])
    _add(client, item_id)
    _add(client, item_id, **{"new-name": "Color", "new-kind": "color", "new-choices": "azul\nrojo"})
    with app.app_context():
        item = db.session.get(Item, item_id)
        version = item.shop.catalog_version
        s = item.option_groups[0].choices[0].id
        blue = item.option_groups[1].choices[0].id
    key = "-".join(str(i) for i in sorted((s, blue)))
    response = client.post(f"/dashboard/items/{item_id}/variant-stock", data={f"stock-{key}": "0"})
    assert response.status_code == 302
    bad = client.post(f"/dashboard/items/{item_id}/variant-stock", data={f"stock-{key}": "-1"})
    assert bad.status_code == 422
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert [(r.key, r.stock) for r in item.variant_stock] == [(key, 0)]
        assert item.shop.catalog_version > version


def test_another_merchants_item_and_group_are_404(app, client, merchant):
    with app.app_context():
        other = factories.make_shop(factories.make_user())
        item = factories.make_item(other, None)
        group = factories.make_group(item, "Talla", ["S"])
        mine = factories.make_item(db.session.get(Shop, merchant[1]), None)
        db.session.commit()
        ids = (item.id, group.id, mine.id)
    assert _add(client, ids[0]).status_code == 404
    assert (
        client.post(f"/dashboard/items/{ids[0]}/options/{ids[1]}/delete", data={}).status_code
        == 404
    )
    assert (
        client.post(f"/dashboard/items/{ids[2]}/options/{ids[1]}/delete", data={}).status_code
        == 404
    )
    assert _groups(app, ids[0])[0][0] == "Talla"


def test_removing_a_group_drops_its_combination_stock(app, client, merchant):
    item_id = _item(app, merchant[1])
    _add(client, item_id)
    with app.app_context():
        item = db.session.get(Item, item_id)
        group = item.option_groups[0]
        factories.set_variant_stock(item, [group.choices[0]], 3)
        db.session.commit()
        group_id = group.id
    assert (
        client.post(f"/dashboard/items/{item_id}/options/{group_id}/delete", data={}).status_code
        == 302
    )
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert item.option_groups == []
        assert item.variant_stock == []


def test_duplicating_copies_groups_choices_and_stock_with_the_copys_own_ids(app, client, merchant):
    with app.app_context():
        item = factories.make_item(db.session.get(Shop, merchant[1]), None, name="Camiseta 👕")
        item.stock = 7
        size = factories.make_group(item, "Talla", ["S", ("M", 150)], kind="size")
        color = factories.make_group(item, "Color", ["azul", "rojo"], kind="color")
        factories.make_group(item, "Extras", [("Queso", 100)], min_choices=0, max_choices=1)
        factories.set_variant_stock(item, [size.choices[1], color.choices[0]], 0)
        factories.set_variant_stock(item, [size.choices[0], color.choices[1]], 3)
        db.session.commit()
        item_id = item.id
    response = client.post(f"/dashboard/items/{item_id}/duplicate", data={}, headers=ES)
    assert response.status_code == 302
    with app.app_context():
        original = db.session.get(Item, item_id)
        copy = db.session.scalar(select(Item).where(Item.id != item_id))
        assert copy.stock == 7
        mine = _groups(app, copy.id)
        theirs = _groups(app, item_id)
        assert len(mine) == 3
        assert [g[:4] for g in mine] == [g[:4] for g in theirs]
        assert [[c[:2] for c in g[4]] for g in mine] == [[c[:2] for c in g[4]] for g in theirs]
        assert not {c[2] for g in mine for c in g[4]} & {c[2] for g in theirs for c in g[4]}
        names = {c.id: c.name for g in copy.option_groups for c in g.choices}
        counted = {
            tuple(sorted(names[int(i)] for i in row.key.split("-"))): row.stock
            for row in copy.variant_stock
        }
        assert counted == {("M", "azul"): 0, ("S", "rojo"): 3}
        assert len(original.variant_stock) == 2  # the original keeps its own


def test_duplicating_an_item_without_options_copies_none(app, client, merchant):
    item_id = _item(app, merchant[1], name="Gorra")
    assert client.post(f"/dashboard/items/{item_id}/duplicate", data={}).status_code == 302
    with app.app_context():
        copy = db.session.scalar(select(Item).where(Item.id != item_id))
        assert (copy.option_groups, copy.variant_stock, copy.stock) == ([], [], None)


def test_a_group_of_any_name_made_a_variant_counts_stock_and_names_the_heading(
    app, client, merchant
):
    item_id = _item(app, merchant[1])
    _add(client, item_id)
    response = _add(
        client,
        item_id,
        **{"new-name": "Aroma 🌸", "new-kind": "variant", "new-choices": "Vainilla\nMenta"},
    )
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(Item, item_id)
        assert [(g.name, g.kind.value, g.is_variant) for g in item.option_groups] == [
            ("Talla", "size", True),
            ("Aroma 🌸", "other", True),
        ]
    page = client.get(f"/dashboard/items/{item_id}/edit", headers=ES).get_data(as_text=True)
    assert "Existencias por Talla y Aroma 🌸" in page
    assert re.search(r'<option selected value="variant">', page)  # shown back as a variant
    assert "S / Menta" in page  # a combination of both, with its own stock box


def test_a_fourth_variant_group_is_refused_on_the_form(app, client, merchant):
    item_id = _item(app, merchant[1])
    for name in ("Talla", "Color", "Material"):
        _add(client, item_id, **{"new-name": name, "new-kind": "variant"})
    response = _add(client, item_id, **{"new-name": "Suela", "new-kind": "variant"})
    assert response.status_code == 422
    assert len(_groups(app, item_id)) == 3
