"""WooCommerce's product CSV, turned into the rows the spreadsheet reader understands.

Simple products are one row each. A variable product is a parent row (``Type``
``variable``, no price) and one ``variation`` row per variant, pointing at it in
``Parent`` (``id:123`` or its SKU), with ``Attribute 1 name`` / ``Attribute 1 value(s)``;
its attributes, whatever their names, become the item's variant groups
(shop.shops.imports.variants merges the variant rows).
"""

from __future__ import annotations

from markupsafe import Markup

from shop.shops.imports.columns import normalised


def is_woocommerce(header: list[str]) -> bool:
    names = {normalised(cell) for cell in header}
    return {"type", "sku", "regularprice"} <= names


def woocommerce_cells(
    header: list[str], rows: list[tuple[int, list[str]]]
) -> list[tuple[int, dict]]:
    index = {normalised(cell): number for number, cell in enumerate(header)}

    def get(row: list[str], name: str) -> str:
        where = index.get(name)
        return row[where].strip() if where is not None and where < len(row) else ""

    def common(row: list[str]) -> dict:
        categories = get(row, "categories").split(",")[0]
        return {
            "name": get(row, "name"),
            "description": Markup(  # noqa: S704 - text out, never shown as HTML
                get(row, "description") or get(row, "shortdescription")
            ).striptags(),
            "category": categories.split(">")[-1].strip(),
            "image": get(row, "images"),
            "availability": "hidden" if get(row, "published") in {"0", "-1"} else "",
        }

    parents: dict[str, dict] = {}
    out: list[tuple[int, dict]] = []
    for number, row in rows:
        kind = get(row, "type").lower()
        if "variable" in kind:
            parent = common(row)
            for key in (f"id:{get(row, 'id')}", get(row, "sku")):
                if key and key != "id:":
                    parents[key] = parent | {"group": get(row, "sku") or get(row, "id")}
            continue
        cells = common(row) | {
            "price": get(row, "regularprice") or get(row, "saleprice"),
            "sale_price": get(row, "saleprice"),
            "code": get(row, "sku"),
            "stock": get(row, "stock"),
        }
        if get(row, "instock") == "0" and not cells["availability"]:
            cells["availability"] = "out of stock"
        if "variation" in kind:
            parent = parents.get(get(row, "parent"), {})
            cells.update(
                name=parent.get("name", cells["name"]),
                description=parent.get("description", ""),
                category=parent.get("category", ""),
                image=",".join(filter(None, (cells["image"], parent.get("image", "")))),
                group=parent.get("group", get(row, "parent")),
            )
            cells["options"] = [
                (get(row, f"attribute{n}name"), get(row, f"attribute{n}values")) for n in (1, 2, 3)
            ]
        out.append((number, cells))
    return out
