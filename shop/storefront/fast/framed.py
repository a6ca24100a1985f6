"""Product pages and searches: the shop's layout kept once, only the page's own blocks
rendered.

Every storefront page sits in the same layout (storefront/layout.html): the shop's bar,
footer, the cart bar and forty translated messages for the cart script. That layout is
most of the cost of rendering a product page or a search (about 70% of the template
time), yet it depends only on the shop's row, the language and the site address, never
on the product or the words searched. So it is rendered once per such key with a mark
in place of each block a page fills (`HOLES`), kept like the shop page's frame
(frames.py), and each request renders only the page's own blocks into it.

A page template framed this way may only override the blocks in `HOLES`, and keeps its
imports inside the blocks that use them (a block rendered alone does not run the
template's top level); `framed_page` checks the first and falls back to a whole render.
tests/storefront/test_framed_pages.py holds every framed page byte-for-byte equal to the
whole render.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app, render_template

from shop.storefront.fast.frames import frame_key, frames
from shop.storefront.fast.rows import ShopView

LAYOUT = "storefront/layout.html"
FRAME = "storefront/frame.html"
# The blocks a framed page fills, in the order they appear in the layout.
HOLES = ("title", "preload", "meta", "languages", "content", "page_scripts")
_MARK = "\x00hole-{}\x00"


def framed_page(template: str, shop: ShopView, *, hide_cart_bar: bool = False, **context) -> bytes:
    """`template` rendered as render_template would, UTF-8: its blocks put in the kept
    layout frame."""
    context = {"shop": shop, "hide_cart_bar": hide_cart_bar, **context}
    if not _frameable(template):
        return render_template(template, **context).encode()
    key = ("framed", *frame_key(shop, [], hide_cart_bar))
    store = frames()
    parts = store.get(key)
    if parts is None:
        parts = _make_frame(shop, hide_cart_bar)
        store.put(key, parts)
    blocks = _render_blocks(template, context)
    pieces = [parts[0]]
    for name, after in zip(HOLES, parts[1:], strict=True):
        pieces += (blocks[name].encode(), after)
    return b"".join(pieces)


@lru_cache(maxsize=32)
def _blocks(template: str) -> frozenset[str]:
    """The names of the blocks `template` defines (the templates are the app's files)."""
    return frozenset(current_app.jinja_env.get_template(template).blocks)


def _frameable(template: str) -> bool:
    own, layout = _blocks(template), _blocks(LAYOUT)
    # Blocks a page adds that the layout does not have are its own inner blocks.
    return (own & layout) <= set(HOLES)


def _make_frame(shop: ShopView, hide_cart_bar: bool) -> list[bytes]:
    # A mark has nothing autoescaping changes, so it reaches the page as it is.
    marks = {name: _MARK.format(name) for name in HOLES}
    page = render_template(FRAME, shop=shop, hide_cart_bar=hide_cart_bar, holes=marks)
    parts, rest = [], page
    for name in HOLES:
        before, found, rest = rest.partition(_MARK.format(name))
        if not found:
            raise RuntimeError(f"{FRAME} does not show the {name!r} block once")
        parts.append(before.encode())
    parts.append(rest.encode())
    return parts


def _render_blocks(template: str, context: dict) -> dict[str, str]:
    """Each hole's HTML: the page's own block, else the layout's, rendered with the
    context render_template would give."""
    app = current_app
    app.update_template_context(context)
    env = app.jinja_env
    page, layout = env.get_template(template), env.get_template(LAYOUT)
    page_context, layout_context = page.new_context(context), None
    html = {}
    for name in HOLES:
        if name in page.blocks:
            html[name] = "".join(page.blocks[name](page_context))
            continue
        if layout_context is None:
            layout_context = layout.new_context(context)
        html[name] = "".join(layout.blocks[name](layout_context))
    return html
