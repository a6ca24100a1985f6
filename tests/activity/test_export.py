"""The export ZIP holds the activity log as activity.csv and activity.json, every row with
its person, CSV cells made inert; the manager, who may not export, gets nothing."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from shop.activity import record
from shop.extensions import db
from shop.models import Activity, ActivityKind

EN = {"Accept-Language": "en"}


def test_the_zip_holds_the_log_with_its_people_and_inert_cells(app, team, as_member):
    with app.app_context():
        record(team.shop, ActivityKind.ITEM, "=HYPERLINK(\"http://evil\")", by=team.manager,
               details={"name": ["+cmd", "Pan 🥖"]})  # fmt: skip
        db.session.commit()
    answer = as_member("owner").post("/dashboard/data/export", data={}, headers=EN)
    assert answer.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(answer.get_data()))
    records = json.loads(archive.read("activity.json"))
    table = list(csv.DictReader(io.StringIO(archive.read("activity.csv").decode("utf-8-sig"))))
    columns = [c.name for c in Activity.__table__.columns]
    assert list(table[0]) == [*columns, "changed_by_name", "changed_by_email"]
    # The order's arrival (its history) and the item change, oldest first.
    assert [r["kind"] for r in records] == ["status", "item"]
    item = records[-1]
    assert (item["changed_by_name"], item["changed_by_email"]) == (
        "Mario 🧑‍🍳",
        "mario@example.com",
    )
    assert item["subject"] == '=HYPERLINK("http://evil")'  # JSON keeps it as it was
    assert item["details"] == {"name": ["+cmd", "Pan 🥖"]}
    row = table[-1]
    assert row["subject"].startswith("'=")  # never a formula in a spreadsheet
    assert json.loads(row["details"]) == {"name": ["+cmd", "Pan 🥖"]}
    assert "activity" in archive.read("README.txt").decode()


def test_another_shops_rows_never_travel(app, team, as_member):
    from tests import factories

    with app.app_context():
        other = factories.make_shop(factories.make_user("Bea"))
        record(other.id, ActivityKind.ITEM, "De otra tienda")
        db.session.commit()
    answer = as_member("owner").post("/dashboard/data/export", data={}, headers=EN)
    archive = zipfile.ZipFile(io.BytesIO(answer.get_data()))
    assert "De otra tienda" not in archive.read("activity.json").decode()


def test_a_manager_cannot_export_the_log(app, team, as_member):
    assert as_member("manager").post("/dashboard/data/export", data={}).status_code == 403
