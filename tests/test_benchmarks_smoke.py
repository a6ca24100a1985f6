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
