"""Sessions end after an idle period and after an absolute lifetime, whatever the cookie says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from shop.auth.sessions import start_session
from shop.extensions import db
from shop.models import AuthSession, utcnow
from tests import factories


def _age(app, **ages: timedelta) -> None:
    """Move the session's timestamps into the past, as if time had passed."""
    now = utcnow()
    with app.app_context():
        db.session.execute(update(AuthSession).values({k: now - v for k, v in ages.items()}))
        db.session.commit()


def _rows(app) -> list[AuthSession]:
    with app.app_context():
        return list(db.session.scalars(select(AuthSession)))


def test_an_idle_session_ends(app, client, merchant):
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    _age(app, last_seen_at=idle + timedelta(minutes=1), created_at=idle + timedelta(minutes=1))

    response = client.get("/dashboard")

    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert _rows(app) == []  # the ended session is deleted, not just ignored


def test_a_session_used_within_the_idle_time_stays(app, client, merchant):
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    _age(app, last_seen_at=idle - timedelta(minutes=1), created_at=idle - timedelta(minutes=1))

    assert client.get("/dashboard").status_code == 200

    [row] = _rows(app)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)  # using it resets the idle clock


def test_an_active_session_still_ends_at_its_absolute_lifetime(app, client, merchant):
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    _age(app, created_at=lifetime + timedelta(minutes=1), last_seen_at=timedelta(0))

    response = client.get("/dashboard")

    assert response.location.startswith("/login")
    assert _rows(app) == []


def test_a_session_just_within_its_lifetime_stays(app, client, merchant):
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    _age(app, created_at=lifetime - timedelta(minutes=1), last_seen_at=timedelta(0))

    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("minutes", [1, 60 * 24])
def test_idle_timeout_follows_the_setting(make_app, minutes):
    app = make_app(SESSION_IDLE_TIMEOUT=timedelta(minutes=minutes))
    client = app.test_client()
    with app.app_context():
        user = factories.make_user()
        factories.make_shop(user)
        token = start_session(user)
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
    assert client.get("/dashboard").status_code == 200

    _age(app, last_seen_at=timedelta(minutes=minutes, seconds=30))

    assert client.get("/dashboard").location.startswith("/login")
    assert _rows(app) == []
