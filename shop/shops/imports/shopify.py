"""Shopify's product CSV, turned into the rows the spreadsheet reader understands.

A product is several rows under one ``Handle``: the first carries its title, body
(HTML), type and option names; every row may carry a variant (``Option1 Value``...,
``Variant Price``, ``Variant SKU``, ``Variant Inventory Qty``) and an image
(``Image Src``). Its options, whatever their names (Size, Material, Sabor), become the
item's variant groups (shop.shops.imports.variants merges the variant rows).
"""

from __future__ import annotations

from markupsafe import Markup

from shop.shops.imports.columns import normalised

NO_OPTION = {"title"}  # Shopify's one-variant products: "Title" / "Default Title"


def is_shopify(header: list[str]) -> bool:
    names = {normalised(cell) for cell in header}
    return {"handle", "variantprice"} <= names


def shopify_cells(header: list[str], rows: list[tuple[int, list[str]]]) -> list[tuple[int, dict]]:
    """(row number, cells) in the reader's fields, one per variant row of each product."""
    index = {normalised(cell): number for number, cell in enumerate(header)}

    def get(row: list[str], name: str) -> str:
        where = index.get(name)
        return row[where].strip() if where is not None and where < len(row) else ""

    products: dict[str, dict] = {}
    out: list[tuple[int, dict]] = []
    for number, row in rows:
        handle = get(row, "handle")
        if not handle:
            continue
        product = products.setdefault(handle, {"images": [], "variants": []})
        if get(row, "title") and "title" not in product:
            product.update(
                title=get(row, "title"),
                body=Markup(get(row, "bodyhtml")).striptags(),  # noqa: S704 - text out, never shown as HTML
                type=get(row, "type") or get(row, "productcategory").split(">")[-1].strip(),
                hidden=get(row, "status").lower() in {"draft", "archived"}
                or get(row, "published").lower() == "false",
                options=[get(row, f"option{n}name") for n in (1, 2, 3)],
            )
        if image := get(row, "imagesrc"):
            product["images"].append(image)
        if get(row, "variantprice"):
            product["variants"].append((number, row))
    for handle, product in products.items():
        names = product.get("options", ["", "", ""])
        options = [normalised(name) for name in names]
        several = len(product["variants"]) > 1
        for number, row in product["variants"]:
            cells = {
                "name": product.get("title", ""),
                "description": product.get("body", ""),
                "category": product.get("type", ""),
                "price": get(row, "variantcompareatprice") or get(row, "variantprice"),
                "sale_price": get(row, "variantprice"),
                "code": get(row, "variantsku") if not several else handle,
                "stock": get(row, "variantinventoryqty"),
                "availability": "hidden" if product.get("hidden") else "",
                "image": ",".join(dict.fromkeys([get(row, "variantimage")] + product["images"])),
                "group": handle if several else "",
                "options": [
                    (names[position - 1], get(row, f"option{position}value"))
                    for position, option in enumerate(options, start=1)
                    if option not in NO_OPTION
                ],
            }
            out.append((number, cells))
    return out
