"""The merchant's whole shop as one ZIP file: their data is theirs to take elsewhere.

What is in it (README.txt inside says the same to the merchant):
- ``shop.json``: the shop's settings;
- ``catalog/categories`` and ``catalog/items`` as CSV and JSON, each item with the
  file names of its photos, in order (the first is the cover);
- ``shipping_methods`` as CSV and JSON;
- ``discounts`` (codes and automatic discounts, with their uses) as CSV and JSON;
- ``orders/orders.json`` (each order with its lines and status history) and the same
  as three CSV files (orders, order_lines, status_history);
- ``customers/customers.csv``: each customer with their totals, note and tags;
- ``activity.csv`` and ``activity.json``: who changed what and when (the activity log,
  an order's history included), each row with the person's name and e-mail;
- ``photos/``: every image of the shop, the largest rendition kept (uploads are never
  stored as sent), read through media storage, so it works with S3 too;
- ``more/``: any other table that belongs to the shop, its items or its orders.

Rows are written column by column from the table itself, not from a list kept here,
so columns (and tables) added later appear without a change to this module. Rows are
read in batches and written straight into the ZIP, which the caller spools to a
temporary file: a big shop never sits in memory. CSV cells go through
shop.shops.exports.write_csv, so nothing a shopper typed runs as a spreadsheet formula.
Amounts are integers in minor units of the currency named beside them; the
``currency_exponent`` beside it says how many make one unit (2: cents).
"""

from __future__ import annotations

import enum
import io
import json
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import Table, select

from shop.extensions import db
from shop.media.names import rendition_name
from shop.media.storage import get_storage
from shop.models import (
    Activity,
    Category,
    Customer,
    Discount,
    Image,
    Invitation,
    Item,
    ItemPhoto,
    Job,
    JobStep,
    Order,
    OrderLine,
    ShippingMethod,
    Shop,
    ShopSlugRedirect,
    User,
)
from shop.shops.customer_exports import customer_csv_rows, customer_header
from shop.shops.exports import write_csv

BATCH = 500
Row = dict[str, object]

SHOP = Shop.__table__
ORDERS = Order.__table__
# Tables written by name below; any other table that hangs off these goes in more/.
WRITTEN = frozenset(
    table.name
    for table in (
        SHOP,
        Category.__table__,
        Item.__table__,
        ItemPhoto.__table__,  # as each item's list of photos
        Image.__table__,  # as the photos themselves
        ShippingMethod.__table__,
        Discount.__table__,
        ORDERS,
        OrderLine.__table__,
        Activity.__table__,  # as activity.csv, and each order's status history
        ShopSlugRedirect.__table__,  # the shop's old links: part of shop.json
        Customer.__table__,  # as customers/customers.csv, with their totals
    )
)
# The app's own bookkeeping about a shop, not the merchant's data: never exported.
# The queue's rows, and invitation links (credentials of a sort, not the shop's data; the
# team itself travels in more/membership).
NOT_THE_MERCHANTS = frozenset(
    table.name for table in (Job.__table__, JobStep.__table__, Invitation.__table__)
)


def write_archive(
    shop: Shop, target: IO[bytes], open_photo: Callable[[str], IO[bytes]] | None = None
) -> None:
    """Write the ZIP of `shop` into `target` (a binary file open for writing).

    Photos are read with `open_photo(name)` (media storage by default; the background
    export reads the copies it made step by step). Raises StorageError when media
    storage cannot be read; photos missing from it are left out and named in README.txt.
    """
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        photo_names = image_files(shop)
        _write_json(archive, "shop.json", [_shop_record(shop, photo_names)], single=True)
        for stem, model in (
            ("catalog/categories", Category),
            ("shipping_methods", ShippingMethod),
            ("discounts", Discount),
        ):
            table = model.__table__
            _write_table(archive, stem, columns_of(table), partial(_rows, table, shop))
        item_columns = columns_of(Item.__table__, "photos")
        _write_table(archive, "catalog/items", item_columns, partial(_items, shop, photo_names))
        _write_json(archive, "orders/orders.json", _orders(shop))
        _write_csv(archive, "orders/orders.csv", columns_of(ORDERS), _rows(ORDERS, shop))
        for name, model in (("order_lines", OrderLine), ("status_history", Activity)):
            table = model.__table__
            _write_csv(
                archive, f"orders/{name}.csv", columns_of(table), _order_children(model, shop)
            )
        with _text_member(archive, "customers/customers.csv") as out:
            out.writelines(write_csv(customer_header(), customer_csv_rows(shop), bom=True))
        activity_columns = columns_of(Activity.__table__, "changed_by_name", "changed_by_email")
        _write_table(archive, "activity", activity_columns, partial(_activity, shop))
        for table, where in _more_tables(shop):
            _write_table(
                archive, f"more/{table.name}", columns_of(table), partial(_rows_where, table, where)
            )
        missing = _write_photos(archive, photo_names.values(), open_photo or get_storage().open)
        _write_text(archive, "README.txt", readme(shop, missing))


def archive_name(shop: Shop, today: date) -> str:
    return f"vitrina-{shop.slug}-{today.isoformat()}.zip"


# -- Reading rows, generically -------------------------------------------------------


def plain(value: object) -> object:
    """A column value as JSON has it: dates in ISO 8601, enums by their value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def record(table: Table, row) -> Row:
    """Every column of the row, by column name."""
    return {column.name: plain(row[column]) for column in table.columns}


def _batches(table: Table, where, size: int = BATCH) -> Iterator[list]:
    """Rows of `table` matching `where` in primary-key order, `size` at a time
    (keyset paging: each batch is one small indexed query, however big the shop)."""
    keys = list(table.primary_key.columns)
    if len(keys) != 1:  # no single key to page on: one query, fetched in batches
        statement = select(table).where(where).order_by(*keys)
        yield from db.session.execute(statement).mappings().partitions(size)
        return
    key = keys[0]
    last = None
    while True:
        statement = select(table).where(where).order_by(key).limit(size)
        if last is not None:
            statement = statement.where(key > last)
        rows = db.session.execute(statement).mappings().all()
        if not rows:
            return
        yield rows
        last = rows[-1][key]


def _rows(table: Table, shop: Shop) -> Iterator[Row]:
    for batch in _batches(table, table.c.shop_id == shop.id):
        yield from (record(table, row) for row in batch)


def _shop_record(shop: Shop, photo_names: dict[int, str]) -> Row:
    row = db.session.execute(select(SHOP).where(SHOP.c.id == shop.id)).mappings().one()
    values = record(SHOP, row)
    values["logo_file"] = photo_names.get(row[SHOP.c.logo_id]) if row[SHOP.c.logo_id] else None
    values["old_slugs"] = list(
        db.session.scalars(
            select(ShopSlugRedirect.slug)
            .where(ShopSlugRedirect.shop_id == shop.id)
            .order_by(ShopSlugRedirect.created_at)
        )
    )
    return values


def image_files(shop: Shop) -> dict[int, str]:
    """Image id -> the file name of its largest rendition (what photos/ holds)."""
    names = {}
    for image_id, key, widths, width in db.session.execute(
        select(Image.id, Image.key, Image.widths, Image.width)
        .where(Image.shop_id == shop.id)
        .order_by(Image.id)
    ):
        names[image_id] = rendition_name(key, max(widths or [width]))
    return names


def _items(shop: Shop, photo_names: dict[int, str]) -> Iterator[Row]:
    """Every item, hidden ones included, each with its photos' file names in order."""
    table = Item.__table__
    for batch in _batches(table, table.c.shop_id == shop.id):
        ids = [row[table.c.id] for row in batch]
        photos: dict[int, list[str]] = {}
        for item_id, image_id in db.session.execute(
            select(ItemPhoto.item_id, ItemPhoto.image_id)
            .where(ItemPhoto.item_id.in_(ids))
            .order_by(ItemPhoto.item_id, ItemPhoto.position, ItemPhoto.id)
        ):
            photos.setdefault(item_id, []).append(photo_names[image_id])
        for row in batch:
            yield record(table, row) | {"photos": photos.get(row[table.c.id], [])}


def _orders(shop: Shop) -> Iterator[Row]:
    """Each order with its lines and its status history, nested."""
    lines_table, changes_table = OrderLine.__table__, Activity.__table__
    for batch in _batches(ORDERS, ORDERS.c.shop_id == shop.id):
        ids = [row[ORDERS.c.id] for row in batch]
        lines = _grouped(lines_table, ids, lines_table.c.position)
        changes = _grouped(changes_table, ids, changes_table.c.id)
        for row in batch:
            order_id = row[ORDERS.c.id]
            yield record(ORDERS, row) | {
                "lines": lines.get(order_id, []),
                "status_history": changes.get(order_id, []),
            }


def _activity(shop: Shop) -> Iterator[Row]:
    """The shop's activity, oldest first, each row naming the person by name and e-mail
    (the id alone means nothing outside this server)."""
    table = Activity.__table__
    for batch in _batches(table, table.c.shop_id == shop.id):
        ids = {row[table.c.changed_by_id] for row in batch} - {None}
        people = {
            user_id: (name, email)
            for user_id, name, email in db.session.execute(
                select(User.id, User.name, User.email).where(User.id.in_(ids))
            )
        }
        for row in batch:
            name, email = people.get(row[table.c.changed_by_id], ("", ""))
            yield record(table, row) | {"changed_by_name": name, "changed_by_email": email}


def _grouped(table: Table, order_ids: list[int], order_by) -> dict[int, list[Row]]:
    found: dict[int, list[Row]] = {}
    rows = db.session.execute(
        select(table).where(table.c.order_id.in_(order_ids)).order_by(table.c.order_id, order_by)
    ).mappings()
    for row in rows:
        found.setdefault(row[table.c.order_id], []).append(record(table, row))
    return found


def _order_children(model, shop: Shop) -> Iterator[Row]:
    table = model.__table__
    mine = select(ORDERS.c.id).where(ORDERS.c.shop_id == shop.id)
    for batch in _batches(table, table.c.order_id.in_(mine)):
        yield from (record(table, row) for row in batch)


def _more_tables(shop: Shop) -> Iterator[tuple[Table, object]]:
    """Tables not written above whose rows belong to the shop through their foreign
    keys, however deep (an option's choices belong to an item's option group): added
    by later features, so found rather than listed."""
    owned: dict[str, object] = {SHOP.name: select(SHOP.c.id).where(SHOP.c.id == shop.id)}
    for model in (Category, Item, ShippingMethod, Order):
        owned[model.__table__.name] = select(model.id).where(model.shop_id == shop.id)
    for table in db.metadata.sorted_tables:  # parents before the tables pointing at them
        if table.name in WRITTEN or table.name in NOT_THE_MERCHANTS:
            continue
        for fk in table.foreign_keys:
            parent = owned.get(fk.column.table.name)
            if parent is not None:
                where = fk.parent.in_(parent)
                if "id" in table.c:
                    owned[table.name] = select(table.c.id).where(where)
                yield table, where
                break


def _rows_where(table: Table, where) -> Iterator[Row]:
    for batch in _batches(table, where):
        yield from (record(table, row) for row in batch)


# -- Writing into the ZIP --------------------------------------------------------------


def _text_member(archive: zipfile.ZipFile, name: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(archive.open(name, "w", force_zip64=True), encoding="utf-8", newline="")


def _write_json(
    archive: zipfile.ZipFile, name: str, records: Iterable[Row], *, single: bool = False
) -> None:
    """A JSON array written one record at a time (or the one record, when `single`)."""
    with _text_member(archive, name) as out:
        if single:
            out.write(json.dumps(next(iter(records)), ensure_ascii=False, indent=2) + "\n")
            return
        out.write("[")
        for index, value in enumerate(records):
            out.write(",\n" if index else "\n")
            out.write(json.dumps(value, ensure_ascii=False))
        out.write("\n]\n")


def _write_csv(
    archive: zipfile.ZipFile, name: str, columns: list[str], records: Iterable[Row]
) -> None:
    """A CSV with one column per key in `columns`, every cell neutralised."""
    rows = ([_cell(row.get(column)) for column in columns] for row in records)
    with _text_member(archive, name) as out:
        for chunk in write_csv(columns, rows, bom=True):
            out.write(chunk)


def _write_table(
    archive: zipfile.ZipFile,
    stem: str,
    columns: list[str],
    records: Callable[[], Iterable[Row]],
) -> None:
    """The same rows as `stem`.json and `stem`.csv; `records` is called once for each,
    so the rows are read twice rather than held."""
    _write_json(archive, f"{stem}.json", records())
    _write_csv(archive, f"{stem}.csv", columns, records())


def columns_of(table: Table, *extra: str) -> list[str]:
    return [column.name for column in table.columns] + list(extra)


def _cell(value: object):
    """A JSON value as a CSV cell: yes/no as true/false, lists and objects as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _write_photos(
    archive: zipfile.ZipFile, names: Iterable[str], open_photo: Callable[[str], IO[bytes]]
) -> list[str]:
    """Copy each photo into photos/ (stored: WebP is compressed already).
    Returns the names missing from storage."""
    missing = []
    for name in sorted(set(names)):
        try:
            source = open_photo(name)
        except FileNotFoundError:
            missing.append(name)
            continue
        info = zipfile.ZipInfo(f"photos/{name}", date_time=datetime.now().timetuple()[:6])
        info.compress_type = zipfile.ZIP_STORED
        with source, archive.open(info, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, 256 * 1024)
    return missing


def _write_text(archive: zipfile.ZipFile, name: str, text: str) -> None:
    with _text_member(archive, name) as out:
        out.write(text)


def readme(shop: Shop, missing: list[str]) -> str:
    """What the files are, in the merchant's language."""
    lines = [
        _("Everything in your Vitrina shop %(name)s.", name=shop.name),
        "",
        _("shop.json: your shop's settings."),
        _("catalog/: your categories and products, as CSV (spreadsheets) and JSON."),
        _("Each product lists its photos by file name; the first one is the cover."),
        _("shipping_methods: your shipping methods, as CSV and JSON."),
        _(
            "discounts: your discount codes and automatic discounts, as CSV and JSON "
            "(percentages in hundredths of a percent: 1250 is 12.5 %)."
        ),
        _("orders/: every order with its lines and status history."),
        _("customers/: everyone who ordered, with their orders and totals, notes and tags."),
        _("activity: who changed what in your shop and when, as CSV and JSON."),
        _("photos/: your photos, in the largest size Vitrina keeps."),
        _(
            "Amounts are whole numbers in minor units of the currency beside them: "
            "currency_exponent says how many decimals (2 means cents)."
        ),
        _("Dates and times are in UTC."),
    ]
    if missing:
        lines += ["", _("These photos could not be found and are not included:"), *missing]
    return "\r\n".join(lines) + "\r\n"
