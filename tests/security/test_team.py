"""The team's pages and forms under attack (issue 26): hostile names and addresses come
out inert, hostile invitation forms and links are refused without a 500, and tokens are
unguessable, single-use and never stored in clear."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import Invitation, Membership, Role, Shop
from shop.shops import team
from tests import factories
from tests.security.hostile import IMG, PAYLOADS, SCRIPT, TEMPLATE
from tests.security.html import executable_bits

RAW = ["<script>alert", "<img src=x"]


@pytest.fixture
def hostile_team(app, client, sign_in_as):
    """A shop named with markup whose staff member's name and e-mail are attacks."""
    with app.test_request_context():
        owner = factories.make_user(f"Owner {SCRIPT}")
        shop = factories.make_shop(owner, name=f"Sol {IMG} {TEMPLATE}")
        member = factories.make_user(f"Pedro {IMG}", email=f"x{SCRIPT}@example.com")
        db.session.add(Membership(shop=shop, user=member, role=Role.STAFF))
        _, token = team.invite(shop, Role.MANAGER, owner, email=f"{IMG}@example.com")
        newcomer = factories.make_user("Nuevo", email="nuevo@example.com")
        db.session.commit()
        ids = {"owner": owner.id, "shop": shop.id, "newcomer": newcomer.id, "token": token}
    sign_in_as(client, ids["owner"])
    return ids


def test_hostile_names_on_the_team_and_join_pages_are_inert(app, client, hostile_team, sign_in_as):
    page = client.get("/dashboard/team").get_data(as_text=True)
    assert executable_bits(page) == []
    assert not any(raw in page for raw in RAW)
    assert "{{ 7*7 }}" in page  # shown as typed, never evaluated
    visitor = app.test_client()
    sign_in_as(visitor, hostile_team["newcomer"])
    joined = visitor.get(f"/dashboard/join/{hostile_team['token']}").get_data(as_text=True)
    assert executable_bits(joined) == []
    assert not any(raw in joined for raw in RAW)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_invitation_forms_are_refused_or_kept_as_text(app, client, hostile_team, payload):
    answer = client.post("/dashboard/team/invite", data={"role": payload, "email": payload})
    assert answer.status_code == 422
    answer = client.post("/dashboard/team/invite", data={"role": "staff", "email": payload * 50})
    assert answer.status_code in (201, 422)
    assert executable_bits(answer.get_data(as_text=True)) == []


@pytest.mark.parametrize("token", ["", "a", "x" * 43, "%00", "../../etc", "😀" * 20, "y" * 5000])
def test_made_up_invitation_links_join_nothing(app, client, hostile_team, sign_in_as, token):
    visitor = app.test_client()
    sign_in_as(visitor, hostile_team["newcomer"])
    answer = visitor.post(f"/dashboard/join/{token}", data={})
    assert answer.status_code in (404, 410)
    with app.app_context():
        assert team.membership_of(hostile_team["shop"], hostile_team["newcomer"]) is None


def test_tokens_are_long_random_and_stored_only_hashed(app, hostile_team):
    with app.test_request_context():
        shop = db.session.get(Shop, hostile_team["shop"])
        tokens = {team.invite(shop, Role.STAFF, shop.owner)[1] for _ in range(20)}
        db.session.commit()
        stored = set(db.session.scalars(select(Invitation.token_hash)))
    assert len(tokens) == 20
    assert all(len(token) >= 43 for token in tokens)
    assert not tokens & stored
    assert hostile_team["token"] not in stored


def test_a_role_field_cannot_be_smuggled_into_a_join(app, hostile_team, sign_in_as):
    """Mass assignment: the role comes from the invitation, never from the form."""
    visitor = app.test_client()
    sign_in_as(visitor, hostile_team["newcomer"])
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        invitation.email = ""
        db.session.commit()
    answer = visitor.post(
        f"/dashboard/join/{hostile_team['token']}",
        data={"role": "owner", "shop_id": "1", "user_id": str(hostile_team["owner"])},
    )
    assert answer.status_code == 302
    with app.app_context():
        joined = team.membership_of(hostile_team["shop"], hostile_team["newcomer"])
        assert joined.role is Role.MANAGER
        owners = db.session.scalars(
            select(Membership).where(
                Membership.shop_id == hostile_team["shop"], Membership.role == Role.OWNER
            )
        ).all()
        assert [m.user_id for m in owners] == [hostile_team["owner"]]
