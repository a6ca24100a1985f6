"""A big catalog in parts: the shop page sends its first cards, the rest come as the
shopper scrolls.

A 1,000-product page is some 8,000 elements, most of a phone's start-up work, and most
shoppers look at the first few screens. So a catalog of more than LAZY_ABOVE cards is
sent in parts of one category each (at most PART_SIZE cards): the shop page writes
whole first parts until it has FIRST_CARDS cards, and every later category as its
heading and a plain link to its first part, `/s/<slug>/c/<category>` (then `/2`,
`/3`...). A part is a public page like the others (ETag, kept, no cookie): a browser
without JavaScript follows the links, and shop-sections.js fetches the same pages as
the shopper scrolls, jumps to a category or searches. Smaller shops are sent whole.
The shop page reads its first view in one statement of only those rows (first_view.py);
`first_parts` makes the same split from the whole catalog, for its tests.
"""

from __future__ import annotations

from shop.storefront.fast.rows import OTHER, Section, ShopView, category_items

PART_SIZE = 60  # cards in a part: many phone screens, a few hundred elements
FIRST_CARDS = 40  # a big shop's page stops adding first parts once it has this many
LAZY_ABOVE = 120  # catalogs up to this many cards are sent whole, as always
MAX_PART = 100_000


def first_parts(sections: list[Section]) -> tuple[list[Section], list[Section]]:
    """The whole catalog's sections split into (shown, later): what first_view.py reads
    in one statement, made here from every row (its tests compare the two)."""
    for section in sections:
        section.total = len(section.items)
    return placed(sections)


def placed(sections: list[Section]) -> tuple[list[Section], list[Section]]:
    """Sections whose `total` is set, split into (shown, later): shown ones carry their
    first part's items, later ones none, only their size."""
    if sum(section.total for section in sections) <= LAZY_ABOVE:
        return sections, []
    shown, later, count = [], [], 0
    for section in sections:
        if count < FIRST_CARDS:
            section.more = section.total > PART_SIZE
            section.items = section.items[:PART_SIZE]
            count += len(section.items)
            shown.append(section)
        else:
            section.part, section.items = 0, []
            later.append(section)
    return shown, later


def is_section_key(key: str) -> bool:
    """A category id as URLs write it, or "other"."""
    return key == OTHER or (key.isascii() and key.isdigit() and len(key) <= 18 and key[0] != "0")


def part(shop: ShopView, key: str, number: int) -> Section | None:
    """Part `number` (from 1) of one category; None when it has no such part."""
    if not is_section_key(key) or not 1 <= number <= MAX_PART:
        return None
    section = category_items(shop, key, (number - 1) * PART_SIZE, PART_SIZE + 1)
    if section is None:
        return None
    section.more = len(section.items) > PART_SIZE
    section.items, section.part = section.items[:PART_SIZE], number
    return section
