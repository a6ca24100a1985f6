"""SQL statements per public page, for shops of 10, 200 and 1,000 products.

Counted with a SQLAlchemy `before_cursor_execute` listener on the app's engine,
through the Flask test client: every statement the request sends reaches it,
whichever query API issued it. The first request for a page is a full render (the
catalog versions are new in every run, so no cache can hold it); the second shows
what a repeated request costs with whatever caching the app does.
"""

from __future__ import annotations

from sqlalchemy import event

from .data import BenchData
from .report import Row
from .workspace import create_app, environ

MAX_STATEMENTS = 2
PAGES = (("shop", "Shop page"), ("product", "Product page"))


def count_statements(app, paths: list[str]) -> list[tuple[int, int, list[str]]]:
    """(status, statement count, statements) for a GET of each path, in order."""
    from shop.extensions import db

    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        client = app.test_client()
        out = []
        for path in paths:
            seen.clear()
            status = client.get(path, headers={"Accept-Encoding": "gzip, br"}).status_code
            out.append((status, len(seen), list(seen)))
        return out
    finally:
        event.remove(engine, "before_cursor_execute", record)


def run(data: BenchData, quick: bool = False) -> tuple[dict, list[Row]]:
    # The app may read settings from the environment at first use: they stay set.
    with environ(data.workspace.settings()):
        return _run(data)


def _run(data: BenchData) -> tuple[dict, list[Row]]:
    app = create_app(data.workspace)
    results: dict = {}
    for size, shop in sorted(data.shops.items()):
        paths = {"shop": shop.path, "product": shop.product_path}
        for page, path in paths.items():
            (s1, first, statements), (s2, repeated, _) = count_statements(app, [path, path])
            results.setdefault(page, {})[size] = {
                "path": path,
                "status": [s1, s2],
                "first": first,
                "repeated": repeated,
                "statements": statements,
            }
    return results, rows(results)


def rows(results: dict) -> list[Row]:
    out = []
    for page, label in PAGES:
        by_size = results[page]
        sizes = sorted(by_size)
        for when in ("first", "repeated"):
            counts = [by_size[size][when] for size in sizes]
            statuses = {s for size in sizes for s in by_size[size]["status"]}
            figure = " / ".join(str(c) for c in counts)
            ok = max(counts) <= MAX_STATEMENTS and len(set(counts)) == 1 and statuses == {200}
            if statuses != {200}:
                figure += f" (HTTP {sorted(statuses)})"
            sizes_text = " / ".join(f"{s:,}" for s in sizes)
            what = "first render" if when == "first" else "repeated request"
            out.append(
                Row(
                    "SQL statements",
                    f"{label}, {what}: {sizes_text} products",
                    figure,
                    f"<= {MAX_STATEMENTS}, same for every size",
                    ok,
                )
            )
    return out
