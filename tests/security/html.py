"""Read a page as a browser would and list anything in it that could run."""

from __future__ import annotations

from html.parser import HTMLParser

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data", "xlink:href"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                self.found.append(f"<{tag} style=...> inline style")
            text = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and text.startswith(BAD_SCHEMES):
                self.found.append(f"<{tag} {name}={value!r}> script URL")
        if tag == "script" and "src" not in values and values.get("type") not in DATA_SCRIPT_TYPES:
            self.found.append("inline <script>")
        if tag in {"iframe", "object", "embed", "base", "frame"}:
            self.found.append(f"<{tag}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")


def executable_bits(html: str) -> list[str]:
    """Event handlers, inline scripts and styles, script URLs, frames: [] for an inert page."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.found
