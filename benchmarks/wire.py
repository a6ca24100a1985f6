"""Bytes on the wire, as the app serves them to a phone (Accept-Encoding: gzip, br).

Through gunicorn over real HTTP: the HTML of the 200-product shop page, every style
sheet and script that page loads, the 640 px WebP renditions its product cards
offer (from their srcset) and the og:image of the shop and of a product page. Sizes
are response bodies as sent (compressed when the app compresses). When the app sends
a text response uncompressed, the figure says so and adds what gzip would give.
"""

from __future__ import annotations

import gzip
import statistics
from html.parser import HTMLParser
from urllib.parse import urlsplit

from . import wrk
from .data import BenchData
from .report import Row, at_most, kb
from .servers import Server, gunicorn

HTML_MAX, ASSETS_MAX, CARD_MAX, OG_MAX = 20_000, 25_000, 30_000, 300_000
CARD_WIDTH = 640
NAME = "Bytes on the wire"


class PageParser(HTMLParser):
    """Collects what a page makes the browser download."""

    def __init__(self) -> None:
        super().__init__()
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.cards: list[str] = []
        self.og_image: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        attr = {name: value or "" for name, value in attrs}
        rel = attr.get("rel", "").lower().split()
        if tag == "link" and "stylesheet" in rel and attr.get("href"):
            self.styles.append(attr["href"])
        elif tag == "link" and "modulepreload" in rel and attr.get("href"):
            self.scripts.append(attr["href"])
        elif tag == "script" and attr.get("src"):
            self.scripts.append(attr["src"])
        elif tag == "img" and "card-image" in attr.get("class", "").split():
            self.cards.append(card_source(attr))
        elif tag == "meta" and attr.get("property") == "og:image":
            self.og_image = attr.get("content")


def card_source(attr: dict) -> str:
    """The srcset candidate closest to 640 px wide (the src when there is no srcset)."""
    candidates = []
    for part in attr.get("srcset", "").split(","):
        bits = part.split()
        if len(bits) == 2 and bits[1].endswith("w") and bits[1][:-1].isdigit():
            candidates.append((abs(int(bits[1][:-1]) - CARD_WIDTH), -int(bits[1][:-1]), bits[0]))
    return min(candidates)[2] if candidates else attr.get("src", "")


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def run(data: BenchData, quick: bool = False) -> tuple[dict, list[Row]]:
    ws = data.workspace
    shop = data.shops[min(data.shops, key=lambda size: abs(size - 200))]
    with gunicorn("shop:create_app()", ws.env(), ws.root, "wire") as server:
        results = measure(server, shop.path, shop.product_path)
    results["size"] = shop.size
    return results, rows(results)


def measure(server: Server, path: str, product_path: str) -> dict:
    page, body = transfer(server, path)
    found = parse(decoded(page, body))
    product = parse(decoded(*transfer(server, product_path)))

    def sizes(urls: list[str]) -> list[dict]:
        return [transfer(server, url)[0] for url in dict.fromkeys(urls)]

    og = {
        "shop": sizes([found.og_image])[0] if found.og_image else None,
        "product": sizes([product.og_image])[0] if product.og_image else None,
    }
    return {
        "html": page,
        "assets": sizes(found.styles + found.scripts),
        "cards": sizes(found.cards),
        "og_image": og,
    }


def transfer(server: Server, url: str) -> tuple[dict, bytes]:
    """GET `url` (a path or an absolute URL on this server) as a phone would."""
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != f"127.0.0.1:{server.port}":
        raise ValueError(f"not this server: {url}")  # never leave 127.0.0.1
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    reply = server.get(path, headers=wrk.PHONE_HEADERS)
    encoding = reply.headers.get("content-encoding", "")
    result = {
        "url": path,
        "status": reply.status,
        "type": reply.headers.get("content-type", ""),
        "encoding": encoding,
        "bytes": len(reply.body),
        "cache_control": reply.headers.get("cache-control", ""),
    }
    if not encoding and _is_text(result["type"]):
        result["gzip_would_be"] = len(gzip.compress(reply.body, 6))
    return result, reply.body


def decoded(result: dict, body: bytes) -> str:
    if result["encoding"] == "gzip":
        body = gzip.decompress(body)
    elif result["encoding"] == "br":
        import brotli  # only needed when the app sends brotli (pip install brotli)

        body = brotli.decompress(body)
    return body.decode("utf-8", "replace")


def _is_text(content_type: str) -> bool:
    return content_type.startswith("text/") or any(
        kind in content_type for kind in ("javascript", "json", "xml", "svg")
    )


def _describe(items: list[dict]) -> str:
    sent = sum(i["bytes"] for i in items)
    plain = [i for i in items if "gzip_would_be" in i]
    if not plain:
        encodings = sorted({i["encoding"] for i in items}) or ["-"]
        return f"{kb(sent)} ({', '.join(encodings)})"
    would = sum(i.get("gzip_would_be", i["bytes"]) for i in items)
    return f"{kb(sent)} sent uncompressed by the app (gzip would give {kb(would)})"


def rows(results: dict) -> list[Row]:
    html, assets, cards = results["html"], results["assets"], results["cards"]
    size = results["size"]
    out = [
        Row(NAME, f"Shop page HTML, {size:,} products", _describe([html]),
            f"<= {kb(HTML_MAX)} compressed", _ok(html["status"] == 200, html["bytes"], HTML_MAX)),
        Row(NAME, f"CSS + JS for a shop page ({len(assets)} files)", _describe(assets),
            f"<= {kb(ASSETS_MAX)} compressed",
            _ok(all(a["status"] == 200 for a in assets), sum(a["bytes"] for a in assets),
                ASSETS_MAX)),
    ]  # fmt: skip
    sizes = [c["bytes"] for c in cards if c["status"] == 200]
    if sizes:
        over = sum(size > CARD_MAX for size in sizes)
        figure = (
            f"max {kb(max(sizes))}, median {kb(statistics.median(sizes))} "
            f"({len(sizes)} distinct images, {over} over the target)"
        )
        ok = at_most(max(sizes), CARD_MAX) and len(sizes) == len(cards)
    else:
        figure, ok = "no card images found", False
    out.append(Row(NAME, f"Card images ({CARD_WIDTH} px WebP)", figure, f"<= {kb(CARD_MAX)} each",
                   ok))  # fmt: skip
    for page, item in results["og_image"].items():
        label = f"og:image of the {page} page"
        if item is None:
            out.append(Row(NAME, label, "no og:image", f"<= {kb(OG_MAX)}", False))
            continue
        out.append(Row(NAME, label, f"{kb(item['bytes'])} ({item['type']})", f"<= {kb(OG_MAX)}",
                       _ok(item["status"] == 200, item["bytes"], OG_MAX)))  # fmt: skip
    return out


def _ok(served: bool, size: int, limit: int) -> bool:
    return served and size <= limit
