"""The shop page around its cards, remembered by everything it is made of.

A merchant's edit to a product changes its card and the catalog version, seldom the
rest of the page: the shop's name, logo, hours, link card and category list. Like the
cards (cards.py), the page around them (its frame) is remembered by its inputs, so the
first render after an item edit writes the changed cards only and puts every card in
the frame kept from before. Everything the frame shows is in its key, so a frame is
never stale; the page cache (page_cache.py) still decides whether a page is rendered.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import fields

from flask import current_app, request
from flask_babel import get_locale

from shop.storefront.fast.caching import site_of
from shop.storefront.fast.rows import Section, ShopView

MAX_FRAMES = 512  # a few KB each: a busy server's shops, in its languages and hosts
EXTENSION = "vitrina.frames"
_MARK = "\x00frame-section-{}\x00"
_MARKS = re.compile("\x00frame-section-[0-9]+\x00")
_SHOP_FIELDS = tuple(field.name for field in fields(ShopView) if field.name != "catalog_version")


class Frames:
    """Frames by key, least recently used dropped first; one per app (its settings, such
    as where media are served from, shape every frame)."""

    def __init__(self, size: int = MAX_FRAMES) -> None:
        self.size = size
        self._frames: OrderedDict[tuple, list[str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> list[str] | None:
        with self._lock:
            parts = self._frames.get(key)
            if parts is not None:
                self._frames.move_to_end(key)
            return parts

    def put(self, key: tuple, parts: list[str]) -> None:
        with self._lock:
            self._frames[key] = parts
            while len(self._frames) > self.size:
                self._frames.popitem(last=False)

    def __len__(self) -> int:
        return len(self._frames)


def frames() -> Frames:
    store = current_app.extensions.get(EXTENSION)
    if store is None:
        store = current_app.extensions.setdefault(EXTENSION, Frames())
    return store


def frame_key(shop: ShopView, sections: list[Section], *extra: object) -> tuple:
    """What the frame is made of: the shop's row (but its catalog version, which every
    item edit moves), the language, the site address its absolute links use, the
    sections' headings and whatever else the page shows (`extra`)."""
    return (
        tuple(getattr(shop, name) for name in _SHOP_FIELDS),
        str(get_locale()),
        site_of(request.environ),
        tuple((section.category_id, section.category_name) for section in sections),
        *extra,
    )


def in_frame(key: tuple, sections: list[Section], render: Callable[[], str]) -> bytes:
    """The page, UTF-8: the sections' cards put in the frame remembered under `key`,
    which `render` makes (once) from the sections when there is none. Frames and
    cards are kept encoded, so a page is joined, not encoded (a 170 KB page with a
    € in it takes 120 µs to encode)."""
    store = frames()
    parts = store.get(key)
    if parts is None:
        parts = _make_frame(sections, render)
        if parts is None:  # the template does not show each section once: no frame
            return render().encode()
        store.put(key, parts)
    pieces = [parts[0]]
    for section, after in zip(sections, parts[1:], strict=True):
        pieces += (section.cards, after)
    return b"".join(pieces)


def _make_frame(sections: list[Section], render: Callable[[], str]) -> list[bytes] | None:
    cards = [section.cards for section in sections]
    for number, section in enumerate(sections):
        section.cards = _MARK.format(number).encode()
    try:
        page = render()
    finally:
        for section, html in zip(sections, cards, strict=True):
            section.cards = html
    parts = _MARKS.split(page)
    marks = _MARKS.findall(page)
    if marks != [_MARK.format(number) for number in range(len(sections))]:
        return None
    return [part.encode() for part in parts]
