"""An import, run by the job queue, is recorded for the member who confirmed it; its undo
for the member who undid it."""

from __future__ import annotations

from sqlalchemy import select

from shop.extensions import db
from shop.models import ActivityKind, Job
from tests.activity.conftest import rows
from tests.dashboard.importing import EN, import_file

SHEET = "id,title,price,inventory\nA,Uno 🌻,1 EUR,5\nB,Dos,2 EUR,7\n"


def test_an_import_and_its_undo_name_their_people(app, team, as_member):
    manager = as_member("manager")
    import_file(app, manager, SHEET.encode(), "catalog.csv")
    (done,) = rows(app, team.shop, kind=ActivityKind.IMPORT)
    assert done.changed_by_id == team.manager
    assert all(type(value) is int for value in done.details.values())
    assert sum(done.details.values()) > 0
    with app.app_context():
        token = db.session.scalars(select(Job.token).order_by(Job.id.desc())).first()
    owner = as_member("owner")
    assert owner.post(f"/dashboard/jobs/{token}/undo", data={}, headers=EN).status_code == 303
    undone = rows(app, team.shop, kind=ActivityKind.IMPORT)[-1]
    assert undone.changed_by_id == team.owner
    assert undone.details["undone"] is True
