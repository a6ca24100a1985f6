"""/dashboard/activity: the owner's only; filters by person, kind and dates; keyset pages."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from shop.activity import record
from shop.extensions import db
from shop.models import ActivityKind
from tests import factories

EN = {"Accept-Language": "en"}
PAGE = "/dashboard/activity"


def fill(app, team, count: int, **fields) -> None:
    with app.app_context():
        for n in range(count):
            record(
                team.shop,
                fields.get("kind", ActivityKind.ITEM),
                f"Cosa {n}",
                **{k: v for k, v in fields.items() if k != "kind"},
            )
        db.session.commit()


def test_the_owner_reads_who_changed_what(app, team, as_member):
    fill(app, team, 1, kind=ActivityKind.PRICE, by=team.manager,
         details={"price_minor": [2000, 2500]})  # fmt: skip
    page = as_member("owner").get(PAGE, headers=EN)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Mario 🧑‍🍳" in text
    assert "Cosa 0" in text
    assert "€20.00" in text
    assert "€25.00" in text
    assert 'href="/dashboard/activity"' in text  # in the phone's menu
    team_page = as_member("owner").get("/dashboard/team", headers=EN).get_data(as_text=True)
    assert "Activity: who changed what, and when" in team_page  # the wide bar's way there


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_another_role_gets_403_and_sees_nothing(app, team, as_member, role):
    fill(app, team, 1, kind=ActivityKind.TEAM, by=team.owner)
    assert 'href="/dashboard/activity"' not in as_member(role).get("/dashboard").get_data(
        as_text=True
    )
    client = as_member(role)
    answer = client.get(PAGE, headers=EN)
    assert answer.status_code == 403
    assert "Cosa 0" not in answer.get_data(as_text=True)
    home = client.get("/dashboard", headers=EN).get_data(as_text=True)
    assert 'href="/dashboard/activity"' not in home  # not offered in the menu either


def test_another_shops_owner_never_sees_this_shops_rows(app, team, sign_in_as):
    fill(app, team, 1, by=team.manager)
    with app.app_context():
        stranger = factories.make_user("Bea")
        factories.make_shop(stranger, language="en")
        db.session.commit()
        stranger_id = stranger.id
    client = app.test_client()
    sign_in_as(client, stranger_id)
    text = client.get(f"{PAGE}?person={team.manager}", headers=EN).get_data(as_text=True)
    assert "Cosa 0" not in text
    assert "Mario" not in text


def test_filters_by_person_kind_and_dates(app, team, as_member):
    now = datetime(2026, 12, 6, 12, 0)
    with app.app_context():
        record(team.shop, ActivityKind.PRICE, "Precio", by=team.manager, at=now)
        record(team.shop, ActivityKind.STOCK, "Stock", by=team.staff, at=now)
        record(team.shop, ActivityKind.STOCK, "Viejo", by=team.staff, at=now - timedelta(days=40))
        db.session.commit()
    owner = as_member("owner")

    def subjects(query: str) -> set[str]:
        text = owner.get(f"{PAGE}?{query}", headers=EN).get_data(as_text=True)
        return {s for s in ("Precio", "Stock", "Viejo") if f"data-subject>{s}<" in text}

    assert subjects("") == {"Precio", "Stock", "Viejo"}
    assert subjects(f"person={team.manager}") == {"Precio"}
    assert subjects("kind=stock") == {"Stock", "Viejo"}
    assert subjects("kind=stock&since=2026-12-01") == {"Stock"}
    assert subjects("until=2026-11-30") == {"Viejo"}
    assert subjects("since=2026-12-07") == set()


@pytest.mark.parametrize(
    "query",
    [
        "person=abc",
        "person=99999999999999999999",
        "kind=<script>",
        "since=2026-13-45&until=yesterday",
        "before=-1",
        "since=0001-01-01",
    ],
)
def test_malformed_filters_are_ignored_never_an_error(app, team, as_member, query):
    fill(app, team, 1)
    answer = as_member("owner").get(f"{PAGE}?{query}", headers=EN)
    assert answer.status_code == 200
    assert "Cosa 0" in answer.get_data(as_text=True)


def test_pages_are_keyset_pages_of_fifty(app, team, as_member):
    fill(app, team, 60)
    owner = as_member("owner")
    first = owner.get(f"{PAGE}?kind=item", headers=EN).get_data(as_text=True)
    assert first.count('data-activity="item"') == 50
    assert "Cosa 59" in first
    assert "Cosa 10<" in first
    assert "Cosa 9<" not in first
    older = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert "kind=item" in older
    assert "before=" in older
    second = owner.get(older, headers=EN).get_data(as_text=True)
    assert second.count('data-activity="item"') == 10
    assert "Cosa 9<" in second
    assert "Cosa 0<" in second
    assert "Cosa 10<" not in second
    assert 'rel="next"' not in second


def test_what_a_person_typed_is_shown_as_text_never_as_markup(app, team, as_member):
    fill(app, team, 1, kind=ActivityKind.ITEM, by=team.manager,
         details={"name": ["<b>x</b>", "<script>alert(1)</script>"]})  # fmt: skip
    text = as_member("owner").get(PAGE, headers=EN).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.parametrize(
    ("language", "title", "kind"),
    [("es", "Actividad", "Precios"), ("pt-BR", "Atividade", "Preços")],
)
def test_the_page_speaks_spanish_and_brazilian_portuguese(
    app, team, as_member, language, title, kind
):
    fill(app, team, 1, kind=ActivityKind.PRICE, by=team.manager)
    text = (
        as_member("owner").get(PAGE, headers={"Accept-Language": language}).get_data(as_text=True)
    )
    assert f"<h1>{title}</h1>" in text
    assert kind in text
