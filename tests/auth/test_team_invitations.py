"""Issue 26: an invitation link, end to end through the real sign-in (oidc-provider-mock),
for each role: the invitee signs in, joins with the role, and may do what it allows."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Invitation, Membership, Role, User
from tests import factories


def invitation_path(page: str) -> str:
    """The path of the link the team page shows once."""
    link = re.search(r'value="(http[^"]*/dashboard/join/[^"]+)"', page)
    assert link is not None, page
    return urlsplit(unescape(link.group(1))).path


@pytest.fixture
def owner_client(app, sign_in_as):
    with app.app_context():
        owner = factories.make_user("Olga")
        shop = factories.make_shop(owner, name="Tienda Sol")
        db.session.commit()
        ids = (owner.id, shop.id)
    client = app.test_client()
    sign_in_as(client, ids[0])
    return client, ids[1]


@pytest.mark.parametrize(
    ("role", "allowed", "forbidden"),
    [
        (Role.MANAGER, "/dashboard/settings", "/dashboard/team"),
        (Role.STAFF, "/dashboard/orders", "/dashboard/items"),
    ],
)
def test_an_invitee_signs_in_and_joins_with_the_role(
    app, owner_client, provider, sign_in_via_provider, role, allowed, forbidden
):
    owner, shop_id = owner_client
    made = owner.post("/dashboard/team/invite", data={"role": role.value, "email": ""})
    assert made.status_code == 201
    path = invitation_path(made.get_data(as_text=True))
    assert path.startswith("/dashboard/join/")

    invitee = app.test_client()
    opened = invitee.get(path)
    assert opened.status_code == 302
    assert opened.location.startswith("/login")
    subject = provider.add_person(email="carla@example.com", name="Carla")
    signed_in = sign_in_via_provider(invitee, subject, next_path=path)
    assert signed_in.location == path
    page = invitee.get(path)
    assert "Tienda Sol" in page.get_data(as_text=True)
    joined = invitee.post(path, data={})
    assert joined.status_code == 302

    with app.app_context():
        user = db.session.scalar(select(User).where(User.oidc_subject == subject))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        assert (membership.shop_id, membership.role) == (shop_id, role)
        invitation = db.session.scalar(select(Invitation))
        assert invitation.used_by_id == user.id
    assert invitee.get(allowed).status_code == 200
    assert invitee.get(forbidden).status_code == 403

    # The link worked once: someone else signing in with it joins nothing.
    other = app.test_client()
    sign_in_via_provider(other, provider.add_person(email="dani@example.com"), next_path=path)
    again = other.post(path, data={})
    assert again.status_code == 410
    assert "already used" in again.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(Membership)).all()) == 2


def test_the_wrong_account_is_told_so_and_joins_nothing(
    app, owner_client, provider, sign_in_via_provider
):
    owner, _shop_id = owner_client
    made = owner.post("/dashboard/team/invite", data={"role": "staff", "email": "eva@example.com"})
    path = invitation_path(made.get_data(as_text=True))
    wrong = app.test_client()
    sign_in_via_provider(wrong, provider.add_person(email="mallory@example.com"), next_path=path)
    answer = wrong.post(path, data={})
    assert answer.status_code == 410
    text = answer.get_data(as_text=True)
    assert "eva@example.com" in text
    assert "mallory@example.com" in text
    right = app.test_client()
    sign_in_via_provider(right, provider.add_person(email="Eva@Example.com"), next_path=path)
    assert right.post(path, data={}).status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(Membership)).all()) == 2
