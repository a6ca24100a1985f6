"""Shop links tagged with where they are posted (utm_source / utm_campaign), so the
analytics page can tell the Instagram bio from a story or a WhatsApp status."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

# (name, utm_source, utm_campaign): the names match shop.analytics.sources' groups.
PLACES = (
    ("instagram_bio", "instagram", "bio"),
    ("instagram_story", "instagram", "story"),
    ("whatsapp_status", "whatsapp", "status"),
)


@dataclass(frozen=True)
class TaggedLink:
    name: str
    source: str
    campaign: str
    url: str


def tagged(link: str, source: str, campaign: str) -> str:
    """`link` with utm_source and utm_campaign added to whatever query it has."""
    parts = urlsplit(link)
    tags = urlencode({"utm_source": source, "utm_campaign": campaign})
    query = f"{parts.query}&{tags}" if parts.query else tags
    return urlunsplit(parts._replace(query=query))


def tagged_links(link: str) -> list[TaggedLink]:
    return [TaggedLink(name, s, c, tagged(link, s, c)) for name, s, c in PLACES]
