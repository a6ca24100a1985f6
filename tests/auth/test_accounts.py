"""Who a signed-in person is: one merchant per (issuer, subject), whatever the e-mail says."""

from __future__ import annotations

from sqlalchemy import select

from shop.auth import sessions
from shop.auth.oidc import Identity
from shop.extensions import db
from shop.models import User
from tests import factories


def _identity(subject="sub-1", email="ana@example.com", issuer="https://issuer.test"):
    return Identity(issuer=issuer, subject=subject, email=email, name="Ana")


def test_creates_a_merchant_once_per_identity(app):
    with app.app_context():
        first = sessions.user_for_identity(_identity())
        again = sessions.user_for_identity(_identity(email="new@example.com"))
        db.session.commit()

        assert first.id == again.id
        assert db.session.scalars(select(User.email)).all() == ["new@example.com"]


def test_the_same_subject_at_another_issuer_is_another_merchant(app):
    with app.app_context():
        a = sessions.user_for_identity(_identity(issuer="https://accounts.google.com"))
        b = sessions.user_for_identity(_identity(issuer="http://127.0.0.1:9400"))

        assert a.id != b.id


def test_two_sign_ins_racing_for_a_new_merchant_make_one(app, monkeypatch):
    """The second request does not see the first's row until its insert collides with it."""
    with app.app_context():
        existing = factories.make_user()
        existing_id = existing.id
        identity = _identity(subject=existing.oidc_subject, issuer=existing.oidc_issuer)
        db.session.commit()
        real_lookup = sessions._user_by_identity
        calls = []

        def lookup(identity):
            calls.append(identity)  # the first look misses, as if the other commit came after
            return None if len(calls) == 1 else real_lookup(identity)

        monkeypatch.setattr(sessions, "_user_by_identity", lookup)

        user = sessions.user_for_identity(identity)
        db.session.commit()

        assert user.id == existing_id
        assert db.session.scalars(select(User.id)).all() == [existing_id]
        assert user.last_sign_in_at is not None
        assert len(calls) == 2  # the insert collided and the second look found the winner
