"""Catalog rules, called directly: categories, items, photos, order and search."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from shop import catalog
from shop.catalog import CatalogError, ItemData
from shop.extensions import db
from shop.models import Availability, Category, Image, Item
from tests import factories


@pytest.fixture
def shop(app):
    with app.test_request_context():
        user = factories.make_user()
        yield factories.make_shop(user)
        db.session.rollback()


def make_image(shop, n: int = 0) -> Image:
    image = Image(shop_id=shop.id, key=f"{n:064x}", width=800, height=600, widths=[320, 640])
    db.session.add(image)
    db.session.flush()
    return image


def names(rows) -> list[str]:
    return [row.name for row in rows]


def in_order(shop, category=None) -> list[Item]:
    return catalog.search_items(shop, category=category or catalog.UNCATEGORISED).items


# Categories ---------------------------------------------------------------------------


def test_new_categories_go_last_with_dense_positions(shop):
    for name in ("Camisetas", "Gorras", "Tazas"):
        catalog.create_category(shop, name)
    categories = catalog.ordered_categories(shop)
    assert names(categories) == ["Camisetas", "Gorras", "Tazas"]
    assert [c.position for c in categories] == [0, 1, 2]


def test_refuses_a_duplicate_category_name_whatever_the_case(shop):
    catalog.create_category(shop, "Ñandú")
    with pytest.raises(CatalogError, match="already have a category") as caught:
        catalog.create_category(shop, "  ñANDÚ ")
    assert caught.value.field == "name"


def test_same_category_name_is_fine_in_another_shop(shop):
    other = factories.make_shop(factories.make_user())
    catalog.create_category(shop, "Ofertas")
    assert catalog.create_category(other, "ofertas").name == "ofertas"


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_refuses_empty_or_too_long_category_names(shop, name):
    with pytest.raises(CatalogError):
        catalog.create_category(shop, name)


def test_trims_category_names_and_keeps_emoji(shop):
    assert catalog.create_category(shop, "  Dulces   🍰 \n").name == "Dulces 🍰"
    assert catalog.create_category(shop, "é" * 80).name == "é" * 80


def test_rename_refuses_another_categorys_name_but_allows_its_own_case(shop):
    shirts = catalog.create_category(shop, "Camisetas")
    catalog.create_category(shop, "Gorras")
    with pytest.raises(CatalogError):
        catalog.rename_category(shirts, "GORRAS")
    version = shop.catalog_version
    catalog.rename_category(shirts, "CAMISETAS")
    assert shirts.name == "CAMISETAS"
    assert shop.catalog_version > version


def test_moving_categories_swaps_neighbours_and_stops_at_the_ends(shop):
    a, b, c = (catalog.create_category(shop, n) for n in "ABC")
    assert catalog.move_category(c, "up")
    assert names(catalog.ordered_categories(shop)) == ["A", "C", "B"]
    assert not catalog.move_category(a, "up")
    assert catalog.move_category(a, "down")
    assert names(catalog.ordered_categories(shop)) == ["C", "A", "B"]
    assert not catalog.move_category(b, "down")
    assert [x.position for x in catalog.ordered_categories(shop)] == [0, 1, 2]


def test_moving_repairs_gaps_and_ties_in_positions(shop):
    rows = [factories.make_category(shop, n, position=p) for n, p in (("A", 5), ("B", 5), ("C", 9))]
    assert catalog.move_category(rows[2], "up")
    assert names(catalog.ordered_categories(shop)) == ["A", "C", "B"]
    assert [x.position for x in catalog.ordered_categories(shop)] == [0, 1, 2]


def test_deleting_a_category_moves_its_items_last_into_another(shop):
    shirts = catalog.create_category(shop, "Camisetas")
    caps = catalog.create_category(shop, "Gorras")
    catalog.create_category(shop, "Tazas")
    cap = catalog.create_item(shop, ItemData("Gorra", 800, category=caps))
    moved = [catalog.create_item(shop, ItemData(n, 100, category=shirts)) for n in ("S1", "S2")]
    assert catalog.delete_category(shirts, caps) == 2
    assert db.session.get(Category, shirts.id) is None
    assert names(in_order(shop, caps)) == ["Gorra", "S1", "S2"]
    assert all(item.category_id == caps.id for item in moved)
    assert cap.position < moved[0].position < moved[1].position
    assert [c.position for c in catalog.ordered_categories(shop)] == [0, 1]


def test_deleting_a_category_can_leave_its_items_uncategorised(shop):
    shirts = catalog.create_category(shop, "Camisetas")
    item = catalog.create_item(shop, ItemData("Camiseta", 100, category=shirts))
    catalog.delete_category(shirts, None)
    db.session.expire_all()
    assert db.session.get(Item, item.id).category_id is None


def test_deleting_a_category_refuses_itself_or_another_shops_category_as_target(shop):
    shirts = catalog.create_category(shop, "Camisetas")
    foreign = factories.make_category(factories.make_shop(factories.make_user()), "Ajena")
    for target in (shirts, foreign):
        with pytest.raises(CatalogError):
            catalog.delete_category(shirts, target)


# Items --------------------------------------------------------------------------------


def test_new_items_go_last_in_their_category(shop):
    shirts = catalog.create_category(shop, "Camisetas")
    first = catalog.create_item(shop, ItemData("Roja", 100, category=shirts))
    loose = catalog.create_item(shop, ItemData("Suelta", 100))
    second = catalog.create_item(shop, ItemData("Azul", 100, category=shirts))
    assert (first.position, second.position, loose.position) == (0, 1, 0)


def test_item_text_is_trimmed_and_line_breaks_kept(shop):
    item = catalog.create_item(
        shop, ItemData("  Pastel 🎂 ", 1500, description=" Línea 1\r\nLínea 2\n\n3 ", code=" A-1 ")
    )
    assert (item.name, item.description, item.code) == ("Pastel 🎂", "Línea 1\nLínea 2\n\n3", "A-1")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ItemData("", 100), "name"),
        (ItemData("x" * 151, 100), "name"),
        (ItemData("Ok", 100, description="x" * 5001), "description"),
        (ItemData("Ok", 100, code="x" * 65), "code"),
        (ItemData("Ok", -1), "price"),
        (ItemData("Ok", 1000, compare_at_minor=1000), "compare_at"),
        (ItemData("Ok", 1000, compare_at_minor=999), "compare_at"),
    ],
)
def test_refuses_bad_item_data_naming_the_field(shop, data, field):
    with pytest.raises(CatalogError) as caught:
        catalog.create_item(shop, data)
    assert caught.value.field == field


def test_a_sale_price_above_the_price_is_kept(shop):
    item = catalog.create_item(shop, ItemData("Ok", 1000, compare_at_minor=1500))
    assert item.compare_at_minor == 1500


def test_refuses_another_shops_category_for_an_item(shop):
    foreign = factories.make_category(factories.make_shop(factories.make_user()), "Ajena")
    with pytest.raises(CatalogError):
        catalog.create_item(shop, ItemData("Ok", 100, category=foreign))


def test_changing_an_items_category_puts_it_last_there(shop):
    a = catalog.create_category(shop, "A")
    b = catalog.create_category(shop, "B")
    catalog.create_item(shop, ItemData("B1", 100, category=b))
    item = catalog.create_item(shop, ItemData("A1", 100, category=a))
    catalog.update_item(item, ItemData("A1 renamed", 100, category=b))
    assert names(in_order(shop, b)) == ["B1", "A1 renamed"]


def test_duplicate_sits_right_after_the_original_hidden_with_the_same_images(shop):
    cat = catalog.create_category(shop, "A")
    _first, middle, _last = (
        catalog.create_item(shop, ItemData(n, 100, category=cat, code="C")) for n in ("1", "2", "3")
    )
    images = [make_image(shop, n) for n in range(3)]
    catalog.add_photos(middle, images)
    copy = catalog.duplicate_item(middle)
    assert names(in_order(shop, cat)) == ["1", "2", "2 (copy)", "3"]
    assert copy.availability == Availability.HIDDEN
    assert [p.image_id for p in copy.photos] == [i.id for i in images]
    assert (copy.price_minor, copy.code) == (100, "C")
    assert db.session.scalar(select(Image).where(Image.id == images[0].id)) is not None


def test_duplicate_of_a_long_name_stays_within_the_limit(shop):
    copy = catalog.duplicate_item(catalog.create_item(shop, ItemData("x" * 150, 100)))
    assert len(copy.name) == 150
    assert copy.name.endswith(" (copy)")


def test_moving_items_swaps_within_their_category_only(shop):
    a = catalog.create_category(shop, "A")
    one, _two, three = (catalog.create_item(shop, ItemData(n, 1, category=a)) for n in "123")
    other = catalog.create_item(shop, ItemData("other", 1))
    assert catalog.move_item(three, "up")
    assert names(in_order(shop, a)) == ["1", "3", "2"]
    assert not catalog.move_item(one, "up")
    assert not catalog.move_item(other, "down")
    assert catalog.move_item(one, "down")
    assert names(in_order(shop, a)) == ["3", "1", "2"]


def test_moving_items_with_tied_positions_still_moves(shop):
    items = [factories.make_item(shop, None, name=n, position=0) for n in "abc"]
    assert catalog.move_item(items[2], "up")
    assert names(in_order(shop)) == ["a", "c", "b"]


def test_bulk_changes_touch_the_catalog_and_count_what_changed(shop):
    a = catalog.create_category(shop, "A")
    items = [catalog.create_item(shop, ItemData(n, 1)) for n in "xyz"]
    version = shop.catalog_version
    assert catalog.set_availability(items[:2], Availability.SOLD_OUT) == 2
    assert shop.catalog_version > version
    version = shop.catalog_version
    assert catalog.set_availability(items[:2], Availability.SOLD_OUT) == 0
    assert shop.catalog_version == version  # nothing changed, nothing moved
    assert catalog.move_items(items, a) == 3
    assert names(in_order(shop, a)) == ["x", "y", "z"]
    assert shop.catalog_version > version
    version = shop.catalog_version
    assert catalog.delete_items(items[:1]) == 1
    assert shop.catalog_version > version


def test_bulk_changes_refuse_items_of_two_shops(shop):
    other = factories.make_shop(factories.make_user())
    items = [factories.make_item(shop), factories.make_item(other)]
    with pytest.raises(ValueError, match="several shops"):
        catalog.set_availability(items, Availability.HIDDEN)


# Photos -------------------------------------------------------------------------------


def test_an_item_takes_ten_photos_and_refuses_the_eleventh(shop):
    item = catalog.create_item(shop, ItemData("Ok", 1))
    catalog.add_photos(item, [make_image(shop, n) for n in range(9)])
    catalog.add_photos(item, [make_image(shop, 9)])
    with pytest.raises(CatalogError, match="at most 10 photos") as caught:
        catalog.add_photos(item, [make_image(shop, 10)])
    assert caught.value.field == "photos"
    assert len(item.photos) == 10
    assert [p.position for p in item.photos] == list(range(10))


def test_refuses_another_shops_image(shop):
    other = factories.make_shop(factories.make_user())
    item = catalog.create_item(shop, ItemData("Ok", 1))
    with pytest.raises(ValueError, match="own shop"):
        catalog.add_photos(item, [make_image(other, 1)])


def test_photo_reorder_changes_the_cover(shop):
    item = catalog.create_item(shop, ItemData("Ok", 1))
    images = [make_image(shop, n) for n in range(3)]
    photos = catalog.add_photos(item, images)
    assert item.cover == images[0]
    assert catalog.move_photo(photos[2], "cover")
    assert [p.image for p in item.photos] == [images[2], images[0], images[1]]
    assert item.cover == images[2]
    assert catalog.move_photo(photos[0], "up")
    assert item.cover == images[0]
    assert not catalog.move_photo(photos[0], "up")
    assert not catalog.move_photo(photos[1], "down")


def test_removing_a_photo_keeps_the_rest_in_order(shop):
    item = catalog.create_item(shop, ItemData("Ok", 1))
    images = [make_image(shop, n) for n in range(3)]
    photos = catalog.add_photos(item, images)
    catalog.remove_photo(photos[0])
    db.session.expire_all()
    item = db.session.get(Item, item.id)
    assert [p.image_id for p in item.photos] == [images[1].id, images[2].id]
    assert [p.position for p in item.photos] == [0, 1]
    assert db.session.get(Image, images[0].id) is not None  # a duplicate may still use it


# Search -------------------------------------------------------------------------------


def test_search_matches_name_or_code_ignoring_case(shop):
    catalog.create_item(shop, ItemData("Camiseta AZUL", 1))
    catalog.create_item(shop, ItemData("Gorra", 1, code="azu-9"))
    catalog.create_item(shop, ItemData("Taza", 1))
    assert sorted(names(catalog.search_items(shop, "azu").items)) == ["Camiseta AZUL", "Gorra"]


@pytest.mark.parametrize(
    ("query", "found"), [("50%", ["50% off"]), ("a_b", ["a_b"]), ("/", ["x/y"])]
)
def test_search_treats_like_wildcards_as_plain_characters(shop, query, found):
    for name in ("50% off", "500 off", "a_b", "axb", "x/y"):
        catalog.create_item(shop, ItemData(name, 1))
    assert names(catalog.search_items(shop, query).items) == found


def test_search_ignores_case_beyond_ascii(shop):
    catalog.create_item(shop, ItemData("ÑANDÚ ÉTÉ", 1))
    catalog.create_item(shop, ItemData("Straße", 1))
    assert names(catalog.search_items(shop, "ñandú été").items) == ["ÑANDÚ ÉTÉ"]
    assert names(catalog.search_items(shop, "STRAßE").items) == ["Straße"]


def test_search_finds_emoji(shop):
    catalog.create_item(shop, ItemData("Pastel 🎂", 1))
    catalog.create_item(shop, ItemData("Pan", 1))
    assert names(catalog.search_items(shop, "🎂").items) == ["Pastel 🎂"]


def test_filters_by_category_uncategorised_and_availability(shop):
    a = catalog.create_category(shop, "A")
    catalog.create_item(shop, ItemData("in-a", 1, category=a))
    catalog.create_item(shop, ItemData("loose", 1))
    catalog.create_item(shop, ItemData("gone", 1, availability=Availability.SOLD_OUT))
    assert names(catalog.search_items(shop, category=a).items) == ["in-a"]
    assert names(catalog.search_items(shop, category=catalog.UNCATEGORISED).items) == [
        "loose",
        "gone",
    ]
    assert names(catalog.search_items(shop, availability=Availability.SOLD_OUT).items) == ["gone"]


def test_list_is_in_catalog_order_uncategorised_last(shop):
    a = catalog.create_category(shop, "A")
    b = catalog.create_category(shop, "B")
    catalog.create_item(shop, ItemData("loose", 1))
    catalog.create_item(shop, ItemData("b1", 1, category=b))
    catalog.create_item(shop, ItemData("a1", 1, category=a))
    catalog.move_category(b, "up")
    assert names(catalog.search_items(shop).items) == ["b1", "a1", "loose"]


def test_paging_clamps_bad_page_numbers(shop):
    db.session.execute(
        insert(Item),
        [
            {"shop_id": shop.id, "name": f"i{n:03}", "price_minor": 1, "position": n}
            for n in range(120)
        ],
    )
    page = catalog.search_items(shop, page=3)
    assert (page.page, page.pages, page.total, len(page.items)) == (3, 3, 120, 20)
    assert page.has_prev
    assert not page.has_next
    assert catalog.search_items(shop, page=99).page == 3
    assert catalog.search_items(shop, page=-5).page == 1
    assert catalog.search_items(shop, "nothing").pages == 1


def test_page_numbers_show_gaps():
    assert catalog.page_numbers(6, 40) == [1, None, 4, 5, 6, 7, 8, None, 40]
    assert catalog.page_numbers(1, 3) == [1, 2, 3]
