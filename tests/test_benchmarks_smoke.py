"""The benchmark code keeps working: the SQL-count benchmark runs on a tiny catalog.

Speed is never a timed test (it lives in `python -m benchmarks`); this only makes
sure the benchmark package imports, builds its data through the real migrations
and upload pipeline, and still counts statements, so it cannot silently rot.
"""

from __future__ import annotations

from benchmarks import data, report, sql
from benchmarks.workspace import Workspace


def test_sql_benchmark_counts_statements_on_a_tiny_catalog(tmp_path):
    workspace = Workspace.create(parent=tmp_path)
    bench = data.build(workspace, sizes=(2, 5), photo_pool=2)

    results, rows = sql.run(bench)

    for page in ("shop", "product"):
        for size in (2, 5):
            counted = results[page][size]
            assert counted["status"] == [200, 200]
            assert counted["first"] >= 1
            assert counted["first"] == len(counted["statements"])
            assert counted["repeated"] >= 0
    assert any("FROM item" in s for s in results["shop"][5]["statements"])
    assert len(rows) == 4
    assert all(row.passed in (True, False) and row.figure for row in rows)
    assert "SQL statements" in report.table(rows)


def test_orders_list_benchmark_counts_statements_on_small_shops(tmp_path):
    from benchmarks import orders_list

    results, rows = orders_list.run(
        workspace=Workspace.create(parent=tmp_path), quick=True, sizes=(3, 60)
    )

    for page, by_size in results.items():
        for size, found in by_size.items():
            assert found["status"] == 200, (page, size)
            assert 1 <= found["list_statements"] <= orders_list.STATEMENTS_TARGET, (page, size)
    assert len(rows) == 2 * len(results)
    assert "Orders list" in report.table(rows)


def test_page_parser_finds_what_a_shop_page_downloads():
    from benchmarks.wire import parse

    found = parse(
        '<link rel="stylesheet" href="/static/shop.css">'
        '<meta property="og:image" content="http://127.0.0.1:5/media/x-og.jpg">'
        '<img class="card-image" src="/m/a-320.webp" '
        'srcset="/m/a-320.webp 320w, /m/a-640.webp 640w, /m/a-1280.webp 1280w">'
        '<script src="/static/cart.js" defer></script>'
    )

    assert found.styles == ["/static/shop.css"]
    assert found.scripts == ["/static/cart.js"]
    assert found.cards == ["/m/a-640.webp"]
    assert found.og_image == "http://127.0.0.1:5/media/x-og.jpg"


def test_the_cold_case_leaves_no_cache_but_what_a_new_worker_has(tmp_path):
    """cpu.forget_all: after it, the app holds no frame, page, compiled statement
    beyond warm_up's, and the shop page still renders the same bytes."""
    from benchmarks import cpu
    from benchmarks.workspace import create_app, environ
    from shop.storefront.fast.cards import remembered_card
    from shop.storefront.fast.plain_sql import PlainSelect

    workspace = Workspace.create(parent=tmp_path)
    bench = data.build(workspace, sizes=(5,), photo_pool=2)
    path = bench.shops[5].path
    with environ(workspace.settings() | {"PAGE_CACHE": "off"}):
        app = create_app(workspace, PAGE_CACHE="off")
        client = app.test_client()
        first = client.get(path).data
        assert "vitrina.frames" in app.extensions
        assert remembered_card.cache_info().currsize > 0

        cpu.forget_all(app)
        assert "vitrina.frames" not in app.extensions
        assert remembered_card.cache_info().currsize == 0
        compiled = {id(plain): set(plain._compiled) for plain in PlainSelect.made}
        assert client.get(path).data == first

        cpu.forget_all(app)  # the second time, what warm_up made is put back
        assert {id(plain): set(plain._compiled) for plain in PlainSelect.made} == compiled
        assert client.get(path).data == first


def test_lighthouse_rows_leave_the_warm_up_out_and_name_every_run():
    from benchmarks import lighthouse

    def run(score: int, tbt_ms: float = 40.0, dom_elements: int = 900) -> dict:
        return {
            "scores": dict.fromkeys(lighthouse.CATEGORIES, 100) | {"performance": score},
            "lcp_ms": 1500.0, "cls": 0.01, "tbt_ms": tbt_ms, "dom_elements": dom_elements,
        }  # fmt: skip

    page = lighthouse._median([run(99), run(84), run(98)])
    assert page["scores"]["performance"] == 98
    assert [r["scores"]["performance"] for r in page["runs"]] == [99, 84, 98]
    assert lighthouse._figures(run(84)).startswith("Performance 84, LCP 1.50 s")
    rows = lighthouse.rows({"warm_up": {"path": "/", "error": None}, "shop page": page})
    assert [row.measure.split(":")[0] for row in rows] == ["shop page"] * 3
    assert "median of 3: 99, 84, 98" in rows[0].measure
    assert rows[0].passed is False  # a run under 90
    assert [row.passed for row in rows[1:]] == [True, True]
    assert rows[2].figure == "900"


def test_lighthouse_rows_hold_the_blocking_time_and_the_page_size_to_their_targets():
    from benchmarks import lighthouse

    def rows_for(tbt_ms: float | None, dom_elements: int | None) -> list:
        page = {
            "scores": dict.fromkeys(lighthouse.CATEGORIES, 100),
            "lcp_ms": 1500.0, "cls": 0.01, "tbt_ms": tbt_ms, "dom_elements": dom_elements,
        }  # fmt: skip
        return lighthouse.rows({"shop page, 1,000 products": page})

    assert [row.passed for row in rows_for(199, 1_500)] == [True, True, True]
    assert [row.passed for row in rows_for(200, 1_501)] == [True, False, False]
    assert rows_for(150, 8_364)[2].figure == "8,364"
    assert rows_for(150, None)[2].passed is False  # not reported is not a pass
    assert rows_for(None, 900)[1].passed is False


def test_beacon_page_measures_in_process_and_reads_its_figures(tmp_path):
    """The beacon-cost benchmark's in-process part on a tiny shop, and its table from
    figures as wrk and Lighthouse give them (the servers' part needs wrk and Chromium)."""
    from benchmarks import beacon_page

    workspace = Workspace.create(parent=tmp_path)
    bench = data.build(workspace, sizes=(3,), photo_pool=2)
    cpu = beacon_page.cpu(workspace, bench.shops[3].path, quick=True)
    assert set(cpu) >= {"kept", "render"}
    assert all(
        cpu[page][variant] > 0 for page in ("kept", "render") for variant in ("with", "without")
    )

    def runs(*shares):
        return [{"rps": 100 * s, "share": s, "errors": 0} for s in shares]

    def audit(performance):
        scores = dict.fromkeys(("accessibility", "best-practices", "seo"), 100)
        return {"scores": {"performance": performance, **scores}, "lcp_ms": 1800,
                "tbt_ms": 150, "performance_runs": [performance]}  # fmt: skip

    results = {
        "products": 200,
        "size": {"script_bytes": 2406, "script_gzip_sent": 1107, "script_gzip_9": 1107,
                 "page_gzip_with": 6219, "page_gzip_without": 6194},
        "throughput": {"hello": [{"rps": 500}, {"rps": 700}],
                       "kept": {"with": runs(0.9, 0.95, 1.0), "without": runs(0.92, 0.9, 1.0)},
                       "render": {"with": runs(0.1, 0.11, 0.1), "without": runs(0.2, 0.2, 0.2)}},
        "cpu": cpu,
        "lighthouse": {"with": audit(90), "without": audit(98)},
    }  # fmt: skip
    rows = {row.measure: row for row in beacon_page.rows(results)}
    assert rows["Beacon script, gzip as sent (raw)"].passed is True
    assert rows["Shop page as served (kept): with / without the beacon"].passed is True
    # Twice as fast without it, each setting steady: not noise.
    assert rows["Shop page rendered in full: with / without the beacon"].passed is False
    gap = rows["Lighthouse, shop page, 200 products: with minus without, per category (medians)"]
    assert gap.figure == "-8 / +0 / +0 / +0"
    assert gap.passed is False
    assert "Beacon on the shop page" in report.table(list(rows.values()))


def test_import_triggers_benchmark_runs_its_three_modes_and_leaves_nothing(tmp_path):
    from sqlalchemy import func, select

    from benchmarks import import_triggers
    from benchmarks.workspace import create_app
    from shop.extensions import db
    from shop.models import CatalogQuiet, Item

    workspace = Workspace.create(parent=tmp_path)
    app = create_app(workspace)
    shop_id = import_triggers._setup(app)
    found = import_triggers.measure(app, shop_id, rows=3)
    assert set(found) == {"none", "triggers", "quiet"}
    assert "moves_once" in import_triggers.report(found, 3, "sqlite")
    with app.app_context():  # every run rolled back, triggers included
        assert db.session.scalar(select(func.count()).select_from(Item)) == 0
        assert db.session.scalar(select(func.count()).select_from(CatalogQuiet)) == 0
        assert "catalog_version_item_insert" in {
            name for (name,) in db.session.execute(
                db.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            )
        }  # fmt: skip
