"""The log is kept ACTIVITY_KEEP_DAYS, then pruned by the job queue's periodic task; an
order's history stays as long as the order."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shop.activity import record
from shop.activity.pruning import prune_activity
from shop.extensions import db
from shop.jobs.kinds import PERIODIC
from shop.jobs.running import start_periodic
from shop.models import Activity, ActivityKind, Job, JobState, Order, utcnow
from tests.activity.conftest import rows


def _fill(app, team, keep_days: int) -> None:
    now = utcnow()
    with app.app_context():
        order = db.session.get(Order, team.order)
        old = now - timedelta(days=keep_days + 1)
        record(team.shop, ActivityKind.PRICE, "Viejo", by=team.owner, at=old)
        record(team.shop, ActivityKind.TEAM, "Reciente", by=team.owner, at=now - timedelta(days=1))
        record(team.shop, ActivityKind.PAYMENT, by=team.owner, order=order, at=old)
        db.session.commit()


def test_the_periodic_task_prunes_rows_older_than_the_setting(app, team):
    app.config["ACTIVITY_KEEP_DAYS"] = 30
    _fill(app, team, 30)
    assert "activity-prune" in PERIODIC
    with app.app_context():
        start_periodic("activity-prune")
        job = db.session.scalar(select(Job).where(Job.kind == "activity-prune"))
        assert job.state is JobState.DONE
        assert job.result == {"deleted": 1}
    left = {row.subject for row in rows(app, team.shop) if row.order_id is None}
    assert left == {"Reciente"}
    # The order's paid mark and arrival are its history: they stay with the order.
    assert len(rows(app, team.shop, kind=ActivityKind.PAYMENT)) == 1


def test_a_longer_setting_keeps_them(app, team):
    _fill(app, team, 30)
    with app.app_context():
        assert prune_activity(app.config["ACTIVITY_KEEP_DAYS"]) == 0  # 365 by default
        assert app.config["ACTIVITY_KEEP_DAYS"] == 365


def test_a_large_backlog_goes_in_batches(app, team, monkeypatch):
    from shop.activity import pruning

    monkeypatch.setattr(pruning, "BATCH", 7)
    old = utcnow() - timedelta(days=400)
    with app.app_context():
        for n in range(20):
            record(team.shop, ActivityKind.ITEM, f"n{n}", at=old)
        db.session.commit()
        assert prune_activity(365) == 20
        assert db.session.scalar(select(Activity.id).where(Activity.order_id.is_(None))) is None


def test_the_setting_is_read_from_the_environment(tmp_path):
    from shop.config import load_config

    assert load_config(str(tmp_path), {"ACTIVITY_KEEP_DAYS": "90"})["ACTIVITY_KEEP_DAYS"] == 90
    assert load_config(str(tmp_path), {})["ACTIVITY_KEEP_DAYS"] == 365
