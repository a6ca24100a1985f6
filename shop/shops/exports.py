"""CSV files people open in a spreadsheet: order history, catalog, and Meta's catalog feed.

Every text cell comes from a merchant or a shopper, so a name like ``=HYPERLINK(...)``
must never run as a formula when the merchant opens the file: cells starting with
``= + - @``, a tab or a carriage return get a leading apostrophe (OWASP's advice).
Numbers we write ourselves are left alone. Amounts are plain decimals (``12.50``),
never floats and never in a locale's format, so a spreadsheet reads them as numbers.

Rows are produced lazily and the text comes out in chunks, so rows loaded in batches
are never all held as objects. Nothing here knows about requests: URLs come in as
functions.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from flask_babel import gettext as _

from shop.catalog.availability import item_sold_out
from shop.catalog.options import combinations
from shop.catalog.variants import (
    ADDITIONAL,
    FEED_ATTRIBUTES,
    attribute_text,
    feed_attributes,
    variant_groups,
)
from shop.lib.money import format_amount_input, format_plain, to_decimal
from shop.models import Availability, Image, Item, Order, Shop
from shop.ordering.shop_wide import ShopWideSale
from shop.ordering.statuses import order_label

BOM = "\ufeff"  # Excel needs it to read UTF-8 (accents, emoji) as UTF-8
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CHUNK = 64 * 1024

Cell = str | int | Decimal | None


def neutralise(value: Cell) -> str:
    """The cell as text a spreadsheet shows but never evaluates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    return str(value)


def write_csv(header: Iterable[str], rows: Iterable[Iterable[Cell]], *, bom: bool) -> Iterator[str]:
    """Yield the CSV text in chunks: header first, every cell neutralised, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        if buffer.tell() >= _CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# -- Order history (merchant download) -------------------------------------------------


def order_header() -> list[str]:
    return [
        _("Order number"),
        _("Date (UTC)"),
        _("Status"),
        _("Customer"),
        _("Customer's WhatsApp (not verified)"),
        _("Address"),
        _("Notes"),
        _("Shipping"),
        _("Shipping price"),
        _("Item"),
        _("Options"),
        _("Code"),
        _("Quantity"),
        _("Unit price"),
        _("Line total"),
        _("Order total"),
        _("Currency"),
        _("Payment"),
        _("Payment details"),
        _("Placed while closed"),
        _("Paid (UTC)"),
        _("Paid by"),
        _("Payment reference"),
        _("Discount code or name"),
        _("Order discount"),
        _("Line discount"),
    ]


def order_rows(orders: Iterable[Order]) -> Iterator[list[Cell]]:
    """One row per order line; the order's own columns repeat on each of its lines."""
    for order in orders:
        currency, exponent = order.currency, order.currency_exponent
        head: list[Cell] = [
            order.number,
            order.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            order_label(order),
            order.customer_name,
            order.customer_phone,
            order.customer_address,
            order.customer_notes,
            order.shipping_name,
            to_decimal(order.shipping_price_minor, exponent) if order.shipping_name else None,
        ]
        tail: list[Cell] = [
            to_decimal(order.total_minor, exponent),
            currency,
            order.payment_name,
            order.payment_details,
            order.closed_note,
            order.paid_at.strftime("%Y-%m-%d %H:%M:%S") if order.paid_at else None,
            order.paid_method,
            order.paid_reference,
            order.discount_code or order.discount_name,
            to_decimal(order.discount_minor, exponent),
        ]
        if not order.lines:  # never expected, but an order must not vanish from the file
            yield [*head, None, None, None, None, None, None, *tail, None]
        for line in order.lines:
            yield [
                *head,
                line.name,
                line.options_text,
                line.code,
                line.quantity,
                to_decimal(line.unit_price_minor, exponent),
                to_decimal(line.line_total_minor, exponent),
                *tail,
                to_decimal(line.discount_minor, exponent),
            ]


# -- Catalog (merchant download) --------------------------------------------------------


def _availability_label(availability: Availability) -> str:
    return {
        Availability.AVAILABLE: _("Available"),
        Availability.SOLD_OUT: _("Sold out"),
        Availability.HIDDEN: _("Hidden"),
    }[availability]


def catalog_header() -> list[str]:
    return [
        _("ID"),
        _("Category"),
        _("Name"),
        _("Code"),
        _("Description"),
        _("Price"),
        _("Compare-at price"),
        _("Availability"),
        _("Service"),
        _("Photos"),
        _("Currency"),
        _("Stock"),
        _("Options"),
        _("Stock by variant"),
    ]


def options_text(item: Item, currency: str, exponent: int, locale: str) -> str:
    """The item's options on one line: "Talla: S|M|L (+2,00); Extras: Queso (+1,00)"."""
    groups = []
    for group in item.option_groups:
        choices = []
        for choice in group.choices:
            delta = choice.price_delta_minor
            amount = format_amount_input(abs(delta), currency, exponent, locale)
            choices.append(
                f"{choice.name} ({'+' if delta > 0 else '-'}{amount})" if delta else choice.name
            )
        groups.append(f"{group.name}: {'|'.join(choices)}")
    return "; ".join(groups)


def variant_stock_text(item: Item) -> str:
    """The counted variant combinations: "M / azul: 0; S / rojo: 3" (others are not
    counted)."""
    return "; ".join(
        f"{combo.label}: {combo.stock}" for combo in combinations(item) if combo.stock is not None
    )


def catalog_rows(
    shop: Shop, items: Iterable[Item], photo_url: Callable[[Image], str], locale: str = "en"
) -> Iterator[list[Cell]]:
    """Every item, hidden ones included (it is the merchant's own copy of the catalog).

    Price changes of options are written for people, in `locale` ("+1,00"): they sit
    inside text, unlike the price columns a spreadsheet adds up.
    """
    currency, exponent = shop.currency, shop.currency_exponent
    for item in items:
        yield [
            item.id,
            item.category.name if item.category else "",
            item.name,
            item.code,
            item.description,
            to_decimal(item.price_minor, exponent),
            to_decimal(item.compare_at_minor, exponent)
            if item.compare_at_minor is not None
            else None,
            _availability_label(item.availability),
            _("yes") if item.is_service else _("no"),
            ",".join(photo_url(photo.image) for photo in item.photos),
            currency,
            item.stock,
            options_text(item, currency, exponent, locale),
            variant_stock_text(item),
        ]


# -- Meta Commerce Manager data feed ------------------------------------------------------

FEED_COLUMNS = (
    "id",
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "link",
    "image_link",
    "brand",
    "additional_image_link",
    "sale_price",
    "item_group_id",
    "size",
    "color",
    "sale_price_effective_date",
    # Variant groups other than size and colour (shop.catalog.variants.feed_attributes).
    "material",
    "pattern",
    "additional_variant_attribute",
)
_FEED_AVAILABILITY = {
    Availability.AVAILABLE: "in stock",
    Availability.SOLD_OUT: "out of stock",
}


def feed_rows(
    shop: Shop,
    items: Iterable[Item],
    *,
    product_url: Callable[[Item], str],
    image_url: Callable[[Image], str],
    fallback_image_url: str | None,
    sale: ShopWideSale | None = None,
) -> Iterator[list[Cell]]:
    """Rows in Meta's format (columns FEED_COLUMNS), for items a shopper can see.

    Hidden items are left out. Meta refuses a product without image_link, so an item
    without photos shows the shop's link-preview picture instead (made from its logo),
    and is left out only when the shop has no such picture either: better a product
    with the shop's picture than a product missing from the Facebook/Instagram shop.
    A compare-at price above the price is what Meta calls price, and the price is the
    sale_price, so both show as a sale there. While the shop is paused nothing can be
    ordered, so every item is out of stock (pausing bumps the catalog version, so
    Meta's next fetch sees it).
    """
    for item in items:
        availability = _FEED_AVAILABILITY.get(item.availability)
        if availability is None:
            continue
        if shop.paused:
            availability = _FEED_AVAILABILITY[Availability.SOLD_OUT]
        images = [image_url(photo.image) for photo in item.photos]
        cover = images[0] if images else fallback_image_url
        if not cover:
            continue
        if item_sold_out(item):
            availability = _FEED_AVAILABILITY[Availability.SOLD_OUT]
        columns = feed_attributes(variant_groups(item))
        for variant in _variants(item):
            delta = sum(choice.price_delta_minor for choice in variant)
            now = max(0, item.price_minor + delta)
            was = item.compare_at_minor + delta if item.compare_at_minor is not None else None
            on_sale = was is not None and was > now
            price = was if on_sale else now
            discounted = sale.price(now) if sale is not None else now
            dates = sale.effective_dates if discounted < now else ""
            on_sale = on_sale or discounted < now
            stock = {row.key: row.stock for row in item.variant_stock}
            key = "-".join(str(i) for i in sorted(choice.id for choice in variant))
            gone = variant and stock.get(key, 1) <= 0
            names = _variant_columns(variant, columns)
            yield [
                f"{item.id}-{key}" if variant else str(item.id),
                item.name[:200],
                (item.description.strip() or item.name)[:9999],
                _FEED_AVAILABILITY[Availability.SOLD_OUT] if gone else availability,
                "new",
                format_plain(price, shop.currency, shop.currency_exponent),
                product_url(item),
                cover,
                shop.name[:100],
                ",".join(images[1:21]),
                format_plain(discounted, shop.currency, shop.currency_exponent) if on_sale else "",
                str(item.id) if variant else "",
                names["size"][:100],
                names["color"][:100],
                dates,
                names["material"][:200],
                names["pattern"][:100],
                names[ADDITIONAL][:1000],
            ]


def _variant_columns(variant: tuple, columns: dict[int, str]) -> dict[str, str]:
    """A variant's choices in the feed's columns: size, color, material and pattern
    hold a name; additional_variant_attribute "Label:Value, Label:Value"."""
    found = dict.fromkeys((*FEED_ATTRIBUTES, ADDITIONAL), "")
    pairs = []
    for choice in variant:
        column = columns.get(choice.group_id, ADDITIONAL)
        if column == ADDITIONAL:
            pairs.append(f"{attribute_text(choice.group.name)}:{attribute_text(choice.name)}")
        else:
            found[column] = choice.name
    found[ADDITIONAL] = ", ".join(pairs)
    return found


def _variants(item: Item) -> list[tuple]:
    """Every combination of the item's variant groups (each a tuple of OptionChoice), or
    [()] for an item without such groups: Meta wants one row per variant."""
    groups = [group.choices for group in item.option_groups if group.defines_variant]
    groups = [choices for choices in groups if choices]
    return list(itertools.product(*groups)) if groups else [()]
