"""Issue 26: an invitation link, end to end through the real sign-in (oidc-provider-mock),
for each role: the invitee signs in, joins with the role, and may do what it allows; and
the e-mailed link, delivered by the job queue to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from shop import jobs
from shop.extensions import db
from shop.models import Invitation, Membership, Role, User
from tests import factories
from tests.jobs.test_mail import inbox  # noqa: F401  (the fixture: a real SMTP server)


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


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("es", "Únete a Tienda Sol en Vitrina", "te invita a trabajar en Tienda Sol"),
        ("pt_BR", "Entre em Tienda Sol no Vitrina", "convida você para trabalhar em Tienda Sol"),
    ],
)
def test_an_emailed_invitation_is_sent_by_the_queue_and_joins_the_right_account(
    app,
    inbox,  # noqa: F811  (the imported fixture)
    provider,
    sign_in_via_provider,
    sign_in_as,
    language,
    subject,
    words,
):
    """The owner invites by e-mail; the queue delivers the mail to a real SMTP server;
    the link read out of it refuses the wrong account and lets the right one join."""
    with app.app_context():
        owner = factories.make_user("Olga")
        shop = factories.make_shop(owner, name="Tienda Sol", language=language)
        db.session.commit()
        owner_id, shop_id = owner.id, shop.id
    owner_client = app.test_client()
    sign_in_as(owner_client, owner_id)
    made = owner_client.post(
        "/dashboard/team/invite",
        data={"role": "staff", "email": "eva@example.com"},
        headers={"Accept-Language": "en"},
    )
    assert made.status_code == 201
    assert "The invitation was sent to eva@example.com." in made.get_data(as_text=True)
    assert inbox.received == []  # queued, not sent while the owner waited
    with app.app_context():
        assert jobs.drain() == 1

    (envelope,) = inbox.received
    assert envelope.rcpt_tos == ["eva@example.com"]
    (message,) = inbox.messages()
    assert message["Subject"] == subject
    assert message["Content-Language"] == language
    body = message.get_content()
    assert words in body
    assert "Olga" in body
    link = re.search(r"https?://\S+/dashboard/join/[A-Za-z0-9_-]+", body)
    assert link is not None, body
    path = urlsplit(link.group(0)).path
    assert path == invitation_path(made.get_data(as_text=True))  # the link the owner saw

    wrong = app.test_client()
    sign_in_via_provider(wrong, provider.add_person(email="mallory@example.com"), next_path=path)
    refused = wrong.post(path, data={}, headers={"Accept-Language": "en"})
    assert refused.status_code == 410
    assert "eva@example.com" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Membership)).all()[0].user_id == owner_id
        assert len(db.session.scalars(select(Membership)).all()) == 1

    invitee = app.test_client()
    subject_id = provider.add_person(email="eva@example.com", name="Eva")
    assert sign_in_via_provider(invitee, subject_id, next_path=path).location == path
    assert invitee.post(path, data={}).status_code == 302
    with app.app_context():
        eva = db.session.scalar(select(User).where(User.oidc_subject == subject_id))
        joined = db.session.scalar(select(Membership).where(Membership.user_id == eva.id))
        assert (joined.shop_id, joined.role) == (shop_id, Role.STAFF)
    assert invitee.get("/dashboard/stock").status_code == 200  # staff count units...
    assert invitee.get("/dashboard/items").status_code == 403  # ...but edit no items
    assert invitee.post(path, data={}).status_code == 410  # and the link worked once
