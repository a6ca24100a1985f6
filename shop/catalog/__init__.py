"""Catalog rules: categories, items, their photos and the order they are shown in,
options and variants, stock edits, the merchant's search, and when an item is sold out.

Functions add and flush, never commit: the request that calls them commits once.
Every change a shopper could see moves the shop's catalog_version by itself (database
triggers, see shop.models.catalog_version).
A rule that refuses raises CatalogError with a message for the merchant and the
form field it is about, so views can show it next to that field. May import lib,
models and media only.
"""

from shop.catalog.categories import (
    create_category,
    delete_category,
    item_counts,
    move_category,
    ordered_categories,
    rename_category,
)
from shop.catalog.common import (
    CATEGORY_NAME_MAX,
    CODE_MAX,
    DESCRIPTION_MAX,
    ITEM_NAME_MAX,
    MAX_PHOTOS,
    PER_PAGE,
    SEARCH_MAX,
    UNCATEGORISED,
    CatalogError,
    Direction,
    clean_name,
)
from shop.catalog.items import (
    ItemData,
    create_item,
    delete_items,
    duplicate_item,
    move_item,
    move_items,
    set_availability,
    update_item,
)
from shop.catalog.photos import (
    add_photos,
    move_photo,
    order_photos,
    photo_room,
    remove_photo,
    too_many_photos_message,
)
from shop.catalog.search import ItemPage, page_numbers, search_items

__all__ = [
    "CATEGORY_NAME_MAX",
    "CODE_MAX",
    "DESCRIPTION_MAX",
    "ITEM_NAME_MAX",
    "MAX_PHOTOS",
    "PER_PAGE",
    "SEARCH_MAX",
    "UNCATEGORISED",
    "CatalogError",
    "Direction",
    "ItemData",
    "ItemPage",
    "add_photos",
    "clean_name",
    "create_category",
    "create_item",
    "delete_category",
    "delete_items",
    "duplicate_item",
    "item_counts",
    "move_category",
    "move_item",
    "move_items",
    "move_photo",
    "order_photos",
    "ordered_categories",
    "page_numbers",
    "photo_room",
    "remove_photo",
    "rename_category",
    "search_items",
    "set_availability",
    "too_many_photos_message",
    "update_item",
]
