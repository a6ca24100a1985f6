"""CSV building: formula neutralisation, BOM, and the Meta feed rows (no HTTP)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from shop.extensions import db
from shop.models import Availability, Image, ItemPhoto
from shop.shops.exports import BOM, FEED_COLUMNS, feed_rows, neutralise, order_rows, write_csv
from tests import factories


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Camiseta = bonita", "Camiseta = bonita"),
        ("Ñandú 🦤", "Ñandú 🦤"),
        ("", ""),
        (None, ""),
        (12, "12"),
        (Decimal("12.50"), "12.50"),
    ],
)
def test_neutralise_prefixes_only_formula_starts(value, expected):
    assert neutralise(value) == expected


def _parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))


def test_write_csv_round_trips_awkward_text_and_starts_with_bom():
    rows = [
        ["a,b", 'quote "x"', "line\nbreak", "=cmd|' /C calc'!A0"],
        [1, Decimal("0.50"), None, "ok"],
    ]
    text = "".join(write_csv(["h1", "h2", "h3", "h4"], rows, bom=True))
    assert text.startswith(BOM)
    assert _parse(text) == [
        ["h1", "h2", "h3", "h4"],
        ["a,b", 'quote "x"', "line\nbreak", "'=cmd|' /C calc'!A0"],
        ["1", "0.50", "", "ok"],
    ]


def test_write_csv_streams_long_files_in_chunks():
    rows = ([str(n), "x" * 100] for n in range(5000))
    chunks = list(write_csv(["n", "text"], rows, bom=False))
    assert len(chunks) > 1
    parsed = _parse("".join(chunks))
    assert len(parsed) == 5001
    assert parsed[-1][0] == "4999"


@pytest.fixture
def shop(app):
    with app.test_request_context():
        shop = factories.make_shop(factories.make_user(), currency="EUR")
        yield shop


def _image(shop, key: str) -> Image:
    image = Image(shop_id=shop.id, key=key, width=800, height=600, widths=[320, 640])
    db.session.add(image)
    db.session.flush()
    return image


def _with_photos(shop, item, *keys):
    for position, key in enumerate(keys):
        item.photos.append(ItemPhoto(image=_image(shop, key), position=position))
    db.session.flush()
    return item


def _feed(shop, items, fallback="https://x.test/shop.jpg"):
    rows = feed_rows(
        shop,
        items,
        product_url=lambda item: f"https://x.test/p/{item.id}",
        image_url=lambda image: f"https://x.test/{image.key}.jpg",
        fallback_image_url=fallback,
    )
    return [dict(zip(FEED_COLUMNS, row, strict=True)) for row in rows]


def test_feed_uses_compare_at_as_price_and_actual_price_as_sale_price(shop):
    sale = factories.make_item(shop, name="Sale", price_minor=1250, compare_at_minor=2000)
    plain = factories.make_item(shop, name="Plain", price_minor=1250)
    odd = factories.make_item(shop, name="Odd", price_minor=1250, compare_at_minor=1000)
    rows = {row["title"]: row for row in _feed(shop, [sale, plain, odd])}
    assert rows["Sale"]["price"] == "20.00 EUR"
    assert rows["Sale"]["sale_price"] == "12.50 EUR"
    assert rows["Plain"]["price"] == "12.50 EUR"
    assert rows["Plain"]["sale_price"] == ""
    # A compare-at below the price is no sale: ignored rather than shown as a price rise.
    assert rows["Odd"]["price"] == "12.50 EUR"
    assert rows["Odd"]["sale_price"] == ""


def test_feed_maps_availability_and_leaves_hidden_items_out(shop):
    items = [
        factories.make_item(shop, name="A", availability=Availability.AVAILABLE),
        factories.make_item(shop, name="S", availability=Availability.SOLD_OUT),
        factories.make_item(shop, name="H", availability=Availability.HIDDEN),
    ]
    rows = {row["title"]: row for row in _feed(shop, items)}
    assert set(rows) == {"A", "S"}
    assert rows["A"]["availability"] == "in stock"
    assert rows["S"]["availability"] == "out of stock"
    assert {row["condition"] for row in rows.values()} == {"new"}
    assert {row["brand"] for row in rows.values()} == {shop.name}


def test_feed_shows_everything_out_of_stock_while_the_shop_is_paused(shop):
    shop.paused = True
    items = [
        factories.make_item(shop, name="A", availability=Availability.AVAILABLE),
        factories.make_item(shop, name="H", availability=Availability.HIDDEN),
    ]
    rows = _feed(shop, items)
    assert [(row["title"], row["availability"]) for row in rows] == [("A", "out of stock")]


def test_feed_images_cover_first_then_the_others(shop):
    item = _with_photos(shop, factories.make_item(shop), "k1", "k2", "k3")
    bare = factories.make_item(shop, name="Bare")
    rows = _feed(shop, [item, bare])
    assert rows[0]["image_link"] == "https://x.test/k1.jpg"
    assert rows[0]["additional_image_link"] == "https://x.test/k2.jpg,https://x.test/k3.jpg"
    assert rows[1]["image_link"] == "https://x.test/shop.jpg"
    assert rows[1]["additional_image_link"] == ""


def test_feed_leaves_out_items_without_any_picture_when_the_shop_has_none(shop):
    item = _with_photos(shop, factories.make_item(shop, name="Photo"), "k1")
    bare = factories.make_item(shop, name="Bare")
    assert [row["title"] for row in _feed(shop, [item, bare], fallback=None)] == ["Photo"]


def test_feed_description_falls_back_to_the_title(shop):
    item = factories.make_item(shop, name="Gorra", description="  ")
    assert _feed(shop, [item])[0]["description"] == "Gorra"


@pytest.mark.parametrize(
    ("currency", "minor", "expected"),
    [("EUR", 1250, "12.50 EUR"), ("CLP", 12990, "12990 CLP"), ("KWD", 12345, "12.345 KWD")],
)
def test_feed_price_format_follows_the_currency(app, currency, minor, expected):
    with app.test_request_context():
        shop = factories.make_shop(factories.make_user(), currency=currency)
        item = factories.make_item(shop, price_minor=minor)
        assert _feed(shop, [item])[0]["price"] == expected


def test_order_rows_one_per_line_with_plain_decimal_amounts(shop):
    order = factories.make_order(shop, [("Camiseta", 2000, 2), ("Gorra", 850, 1)])
    rows = list(order_rows([order]))
    assert len(rows) == 2
    assert rows[0][0] == order.number
    assert rows[0][9:] == [
        "Camiseta",
        "",
        "C-1",
        2,
        Decimal("20.00"),
        Decimal("40.00"),
        Decimal("51.50"),
        "EUR",
        "",
        "",
        "",
        None,  # not paid: no date
        "",
        "",
        "",  # no discount: no code, nothing off the order or the line
        Decimal("0.00"),
        Decimal("0.00"),
    ]
    assert rows[1][9:13] == ["Gorra", "", "C-2", 1]
