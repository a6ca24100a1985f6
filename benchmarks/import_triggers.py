"""What the catalog-version triggers cost per row of an import, with and without the
catalog_quiet switch (migration 0026) that moves_once turns on.

An import writes each item and its options one statement at a time, and each written
row fires its table's trigger. Without the switch every trigger runs an UPDATE of the
shop row (on PostgreSQL a new version of that row each time, all in one transaction);
with it, a key probe of catalog_quiet, and one write of it at the first row. Three runs
of the same writes, each in a transaction rolled back afterwards: with the triggers
dropped (the baseline), as they are, and inside moves_once. The trigger's cost per row
is a run's time less the baseline's, over the rows written.

Run with ``python -m benchmarks.import_triggers [--rows 2000] [--database-url
postgresql+psycopg://.../vitrina_bench]`` (a fresh SQLite file by default; a PostgreSQL
database must have "bench" in its name: it is emptied first).
"""

from __future__ import annotations

import argparse
import statistics
import time

from .workspace import Workspace, create_app

REPEAT = 3


def _setup(app) -> int:
    """Migrate, and make the shop the rows belong to; its id."""
    from flask_migrate import upgrade

    from shop.extensions import db
    from shop.models import Shop, User

    with app.app_context():
        upgrade()
        user = User(oidc_issuer="bench", oidc_subject="triggers", email="t@x.test", name="T")
        shop = Shop(owner=user, slug="triggers", name="Triggers", whatsapp="+34612345678",
                    currency="EUR", language="es")  # fmt: skip
        db.session.add_all([user, shop])
        db.session.commit()
        return shop.id


def _writes(session, shop_id: int, rows: int) -> None:
    """Per row as an import writes it: an item, then a change to it, and a choice of an
    option group (a row that names its shop through two joins)."""
    from sqlalchemy import text

    group = session.execute(
        text("INSERT INTO item (shop_id, name, description, price_minor, code, availability,"
             " is_service, position, created_at, updated_at) VALUES (:shop, 'G', '', 1, '',"
             " 'available', false, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"),
        {"shop": shop_id},
    ).scalar_one()  # fmt: skip
    group_id = session.execute(
        text("INSERT INTO option_group (item_id, name, kind, is_variant, min_choices,"
             " max_choices, position) VALUES (:item, 'Talla', 'size', true, 1, 1, 0)"
             " RETURNING id"),
        {"item": group},
    ).scalar_one()  # fmt: skip
    for n in range(rows):
        item = session.execute(
            text("INSERT INTO item (shop_id, name, description, price_minor, code,"
                 " availability, is_service, position, created_at, updated_at) VALUES"
                 " (:shop, :name, '', :price, '', 'available', false, :n,"
                 " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"),
            {"shop": shop_id, "name": f"Producto {n} ñ", "price": 500 + n, "n": n},
        ).scalar_one()  # fmt: skip
        session.execute(text("UPDATE item SET price_minor = price_minor + 1 WHERE id = :id"),
                        {"id": item})  # fmt: skip
        session.execute(
            text("INSERT INTO option_choice (group_id, name, price_delta_minor, position)"
                 " VALUES (:group, :name, 0, :n)"),
            {"group": group_id, "name": f"C{n}", "n": n},
        )  # fmt: skip


def _run(app, shop_id: int, rows: int, mode: str) -> float:
    """Seconds for the writes in `mode` ("none", "triggers", "quiet"), rolled back."""
    from sqlalchemy.orm import Session

    from shop.extensions import db
    from shop.models.catalog_version import (
        PUBLIC_TABLES,
        create_triggers,
        drop_triggers,
        moves_once,
        shop_public_columns,
    )

    with app.app_context(), db.engine.connect() as conn:
        session = Session(bind=conn)
        try:
            if mode == "none":
                drop_triggers(conn, PUBLIC_TABLES)  # rolled back with the rest (PostgreSQL)
            start = time.perf_counter()
            if mode == "quiet":
                with moves_once(session, shop_id):
                    _writes(session, shop_id, rows)
            else:
                _writes(session, shop_id, rows)
            session.flush()
            return time.perf_counter() - start
        finally:
            session.rollback()
            session.close()
            if mode == "none" and conn.dialect.name == "sqlite":
                # pysqlite runs DDL outside the transaction: the drop was not rolled back.
                create_triggers(conn, PUBLIC_TABLES, shop_public_columns(), quiet=True)
                conn.commit()


def measure(app, shop_id: int, rows: int) -> dict[str, float]:
    """Median seconds of REPEAT runs of each mode, interleaved."""
    runs: dict[str, list[float]] = {"none": [], "triggers": [], "quiet": []}
    for _ in range(REPEAT):
        for mode in runs:
            runs[mode].append(_run(app, shop_id, rows, mode))
    return {mode: statistics.median(times) for mode, times in runs.items()}


def report(found: dict[str, float], rows: int, database: str) -> str:
    written = rows * 3 + 2  # rows fired: an item, its update and a choice per row
    lines = [
        f"Catalog triggers per written row ({database}, {rows:,} import rows = "
        f"{written:,} trigger firings, median of {REPEAT})",
        f"{'mode':<34}{'total ms':>10}{'us/row':>10}{'trigger us/row':>16}",
    ]
    labels = {
        "none": "no triggers (baseline)",
        "triggers": "triggers, one bump per row",
        "quiet": "triggers inside moves_once (quiet)",
    }
    for mode, seconds in found.items():
        per_row = seconds / written * 1e6
        cost = (seconds - found["none"]) / written * 1e6
        lines.append(f"{labels[mode]:<34}{seconds * 1e3:>10.1f}{per_row:>10.1f}{cost:>16.1f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.import_triggers")
    parser.add_argument("--database-url", help="PostgreSQL database to use (it is emptied)")
    parser.add_argument("--rows", type=int, default=2_000)
    args = parser.parse_args()
    workspace = Workspace.create(args.database_url)
    try:
        app = create_app(workspace)
        shop_id = _setup(app)
        found = measure(app, shop_id, args.rows)
    finally:
        workspace.remove()
    print(report(found, args.rows, workspace.database_url.split(":", 1)[0].split("+")[0]))


if __name__ == "__main__":
    main()
