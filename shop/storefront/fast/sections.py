"""The shop page's category list and its sections around the cards, written in Python
as the cards are (cards.py).

Their HTML grows with the number of categories, not with anything a designer changes
often: a jump link per category, and per section a heading, the cards and a link to
its next part (parts.py). In Jinja each of those small pieces costs a few escapes, a
translation and a macro call; a shop with twenty categories spent a fifth of a
worker's first render of its page there. Here each is one format string with its
values escaped once, and the words are translated once per page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from shop.storefront.fast.rows import Section
from shop.web.translating import gettext as _
from shop.web.translating import ngettext

PartUrl = Callable[[str, int], str]  # (category key, part number) -> the part's URL

_NAV = '<nav class="category-nav" aria-label="{label}">\n  <ul>\n{links}  </ul>\n</nav>\n'
_NAV_LINK = '    <li><a href="#{anchor}">{name}</a></li>\n'
_SECTION = (
    '<section class="category" id="{anchor}" data-section>\n'
    '  {heading}<ul class="cards">\n{cards}  </ul>\n{more}</section>\n'
)
_HEADING = "<h2>{}</h2>\n  "
_MORE = (
    '<p class="section-more" data-part="{url}">'
    '<a class="button secondary" href="{url}">{label}</a></p>'
)


def category_nav(sections: Sequence[Section], later: Sequence[Section]) -> Markup:
    """The jump links to every category on the page, in order; none when no section
    has a category (a shop without categories shows its cards alone)."""
    everything = [*sections, *later]
    if not _named(everything):
        return Markup()
    other = _("Other")
    links = "".join(
        _NAV_LINK.format(anchor=escape(section.anchor), name=escape(section.category_name or other))
        for section in everything
    )
    return Markup(_NAV.format(label=escape(_("Categories")), links=links))  # noqa: S704 - escaped


def sections_html(
    sections: Sequence[Section], later: Sequence[Section], part_url: PartUrl
) -> Markup:
    """The sections with their cards (headed by their names when any has a category),
    then a big catalog's later categories: a heading and a link to their first part
    each, which the page's script follows as the shopper scrolls and a browser without
    one as a link."""
    other = _("Other")
    headings = _named(sections) or _named(later)
    written = []
    for section in sections:
        more = ""
        if section.more:
            left = section.total - len(section.items)
            label = ngettext("See %(num)d more product", "See %(num)d more products", left)
            more = f"  {more_link(part_url(section.key, 2), label)}\n"
        heading = _HEADING.format(escape(section.category_name or other)) if headings else ""
        written.append(_section(section, heading, section.cards.decode(), more))
    for section in later:
        label = ngettext("See the product", "See the %(num)d products", section.total)
        heading = _HEADING.format(escape(section.category_name or other))
        more = f"  {more_link(part_url(section.key, 1), label)}\n"
        written.append(_section(section, heading, "", more))
    return Markup("".join(written))  # noqa: S704 - every value escaped above, cards when written


def more_link(url: str, label: str) -> Markup:
    """A link to a part of a big catalog, followed by a browser without JavaScript and
    fetched by shop-sections.js on the way."""
    return Markup(_MORE.format(url=escape(url), label=escape(label)))  # noqa: S704 - escaped


def _named(sections: Sequence[Section]) -> bool:
    return any(section.category_id is not None for section in sections)


def _section(section: Section, heading: str, cards: str, more: str) -> str:
    return _SECTION.format(anchor=escape(section.anchor), heading=heading, cards=cards, more=more)
