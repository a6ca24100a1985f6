"""What issues 6 and 7 added, fuzzed beyond the form list (ASVS V1 encoding, V2
validation and business logic, V4 API).

test_fuzz_dashboard.FORMS posts hostile values to the option, stock, rules and
payment forms; this module adds what a form list cannot say:
- a form with one bad field saves none of the good ones (rules, option groups);
- the live message preview (JSON) answers JSON, never a 5xx, and writes nothing;
- the operator's forms and search take anything an operator could paste;
- the bugs this suite found stay fixed.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.extensions import db
from shop.models import Item, OptionChoice, Shop
from tests import factories
from tests.security.hostile import FUZZ, IMG, SCRIPT, TEMPLATE, hostile_text, json_value
from tests.security.test_fuzz_dashboard import (
    GROUP,
    RULES,
    _message_text,
    one_of_or_hostile,
    text_with_nul,
)

# -- Whole or nothing ---------------------------------------------------------------

BAD_RULES = {
    "min_order": "-5",
    "time_zone": "Mars/Base",
    "closed_policy": "ignore",
    "ask_phone": "always",
    "greeting": "{shop.__class__}",
    "closing": "x" * 301,
    "day_3": "25:00-26:00",
    "day_4": "9-12, 10-13",
    "update_confirmed": "{name.__init__.__globals__}",
    "update_delivered": "🛵" * 301,
}


@pytest.mark.parametrize("field", sorted(BAD_RULES))
def test_a_rules_form_with_one_bad_field_changes_nothing(client, world, snapshot, field):
    before = snapshot()
    response = client.post("/dashboard/rules", data=RULES | {field: BAD_RULES[field]})
    assert response.status_code == 422, field
    assert snapshot() == before, field
    assert client.post("/dashboard/rules", data=RULES).status_code == 302  # the rest is good


BAD_CHOICES = [
    "S\nM | +abc",
    "S\n | +1",
    "S\nM | +99999999999999999999",
    "S\ns",  # twice, whatever the case
    "\n".join(f"c{n}" for n in range(51)),
    "S\n" + "x" * 61,
]


@pytest.mark.parametrize("choices", BAD_CHOICES, ids=range(len(BAD_CHOICES)))
def test_an_option_group_with_one_bad_choice_saves_nothing(app, client, world, snapshot, choices):
    before = snapshot()
    url = f"/dashboard/items/{world.cap}/options"
    new = client.post(url, data=GROUP | {"new-choices": choices})
    assert new.status_code == 422
    edit = {f"g{world.group}-{key[4:]}": value for key, value in GROUP.items()}
    edit |= {f"g{world.group}-kind": "size", f"g{world.group}-max_choices": "1"}
    edited = client.post(
        f"/dashboard/items/{world.cap}/options/{world.group}",
        data=edit | {f"g{world.group}-choices": choices},
    )
    assert edited.status_code == 422
    assert snapshot() == before


def test_stock_with_one_bad_value_saves_none(app, client, world, snapshot):
    small, medium = world.choices
    before = snapshot()
    data = {f"stock-{small}": "5", f"stock-{medium}": "9" * 400}
    assert client.post(f"/dashboard/items/{world.cap}/variant-stock", data=data).status_code == 422
    data = {f"stock-{small}": "5", f"stock-{world.rival_item}": "3"}  # a key it does not have
    assert client.post(f"/dashboard/items/{world.cap}/variant-stock", data=data).status_code == 422
    assert snapshot() == before


# -- Regressions: what the fuzzing found ----------------------------------------------


@pytest.mark.parametrize("count", ["9" * 400, "9" * 20, "1e9", "-1", "\u0661", "\uff11", "0x1"])
def test_option_counts_past_any_limit_are_refused_not_a_500(client, world, snapshot, count):
    """400 nines overflowed WTForms' NumberRange (a float comparison): a 500."""
    before = snapshot()
    for field in ("new-min_choices", "new-max_choices"):
        response = client.post(f"/dashboard/items/{world.cap}/options", data=GROUP | {field: count})
        assert response.status_code == 422, field
        assert "Write a whole number." in response.text or "From " in response.text
    assert snapshot() == before


def test_message_texts_drop_control_characters(app, client, world):
    """A NUL in the greeting was stored as typed (PostgreSQL refuses it: a 500)."""
    data = RULES | {"greeting": "Hola\x00 {shop}\x1b", "closing": "a\x00b\u202e"}
    assert client.post("/dashboard/rules", data=data).status_code == 302
    with app.app_context():
        shop = db.session.get(Shop, world.shop)
        assert (shop.greeting_text, shop.closing_text) == ("Hola {shop}", "ab")
    assert text_with_nul(app) == []


# -- The live preview ------------------------------------------------------------------


def preview_body():
    texts = _message_text() | json_value
    return st.one_of(
        st.fixed_dictionaries(
            {},
            optional={
                "greeting": texts,
                "closing": texts,
                "update_confirmed": texts,
                "update_picked_up": texts,
            },
        ),
        st.dictionaries(hostile_text, json_value, max_size=3),
        json_value,
    )


def test_fuzzed_preview_answers_json_and_writes_nothing(app, client, world, snapshot):
    before = snapshot()
    token = client.csrf_token()

    @FUZZ
    @given(body=preview_body())
    def preview(body):
        response = client.post(
            "/dashboard/rules/preview",
            data=json.dumps(body),
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        assert response.status_code in {200, 400, 422}, response.text[:300]
        assert response.is_json
        answer = response.get_json()
        if response.status_code == 200:
            assert isinstance(answer["text"], str)
            assert "<class" not in answer["text"]
            assert all("<class" not in text for text in answer["updates"].values())
        else:
            assert answer["error"]

    preview()
    assert snapshot() == before


@pytest.mark.parametrize(
    "raw",
    [b"", b"null", b"[]", b"\xff\xfe", b'{"greeting": ' * 5000, b'{"greeting": "\\u0000"}'],
    ids=["empty", "null", "list", "binary", "deep", "nul"],
)
def test_malformed_preview_bodies_are_refused_as_json(client, world, raw):
    response = client.post(
        "/dashboard/rules/preview",
        data=raw,
        content_type="application/json",
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code in {200, 400}
    assert response.is_json


@pytest.mark.parametrize(
    "greeting",
    [
        "{shop.__class__}",
        "{shop.__init__.__globals__[SECRET_KEY]}",
        "{number[0]}",
        "{0}",
        "{}",
        "{shop!r}",
        "{total:>99999999}",
        "{name.upper}",
    ],
)
def test_the_preview_refuses_format_string_attacks(client, world, greeting):
    for field in ("greeting", "update_confirmed", "update_cancelled"):
        response = client.post(
            "/dashboard/rules/preview",
            json={"greeting": "", field: greeting, "closing": ""},
            headers={"X-CSRFToken": client.csrf_token()},
        )
        assert response.status_code == 422
        assert response.get_json()["field"] == field
        assert "is not a placeholder we know" in response.get_json()["error"]


def test_the_preview_shows_hostile_text_as_typed(client, world):
    response = client.post(
        "/dashboard/rules/preview",
        json={"greeting": "{{" + "{shop}" + "}}", "closing": f"{SCRIPT} {IMG} {{{{ 7*7 }}}}"},
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code == 200
    preview = response.get_json()["text"]
    assert preview.startswith("{Tienda Sol}")  # doubled braces are literal braces
    assert preview.endswith(f"{SCRIPT} {IMG} {{ 7*7 }}")  # never evaluated
    templated = {"greeting": TEMPLATE, "closing": ""}  # "{%" is a placeholder it refuses
    refused = client.post(
        "/dashboard/rules/preview", json=templated, headers={"X-CSRFToken": client.csrf_token()}
    )
    assert refused.status_code == 422


# -- The operator's forms --------------------------------------------------------------


@pytest.fixture
def operator(app, client, world, sign_in_as) -> int:
    """The world's merchant made an operator (the client stays signed in as them)."""
    with app.app_context():
        user = db.session.get(factories.User, world.user)
        user.is_operator = True
        db.session.commit()
    return world.user


def test_fuzzed_operator_forms_never_fail_and_never_half_save(
    app, client, world, operator, snapshot
):
    @FUZZ
    @given(
        action=st.sampled_from(["suspend", "lift"]),
        shop=st.sampled_from([world.rival_shop, world.shop]),
        form=st.fixed_dictionaries(
            {},
            optional={
                "reason": hostile_text | st.lists(hostile_text, min_size=2, max_size=3),
                "suspended_at": hostile_text,
                "suspended_by": hostile_text,
                "is_operator": one_of_or_hostile("y", "0"),
                "owner_id": st.integers().map(str),
            },
        ),
        content_type=st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data"]),
    )
    def post_anything(action, shop, form, content_type):
        before = snapshot()
        response = client.post(
            f"/operator/shops/{shop}/{action}", data=form, content_type=content_type
        )
        assert response.status_code < 500, response.text[:500]
        if response.status_code >= 400:
            assert snapshot() == before
        with app.app_context():
            row = db.session.get(Shop, shop)
            assert (row.suspended_at is None) == (row.suspension_reason == "")
            assert len(row.suspension_reason) <= 1000

    post_anything()
    assert text_with_nul(app) == []


def test_fuzzed_operator_search_never_fails(app, client, world, operator, snapshot):
    before = snapshot()

    @FUZZ
    @given(
        query=st.fixed_dictionaries(
            {},
            optional={
                "q": hostile_text | st.sampled_from(["%", "_", "/", "\\", "%_/", "tienda"]),
                "status": one_of_or_hostile("all", "active", "suspended"),
                "page": one_of_or_hostile("1", "-1", "0", "9" * 30, "abc"),
            },
        )
    )
    def search(query):
        response = client.get("/operator/", query_string=query)
        assert response.status_code == 200, response.text[:300]

    search()
    for shop_id in ("0", "-1", "2147483648", "9" * 30):
        assert client.get(f"/operator/shops/{shop_id}").status_code == 404
    assert snapshot() == before


def test_a_suspension_reason_with_control_characters_is_stored_clean(app, client, world, operator):
    reason = "Spam\x00 <script>\u202e\x1b"
    response = client.post(f"/operator/shops/{world.rival_shop}/suspend", data={"reason": reason})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Shop, world.rival_shop).suspension_reason == "Spam <script>"


def test_choices_keep_their_ids_and_prices_after_a_hostile_rename(app, client, world):
    """A refused edit leaves the choices (and the carts holding their ids) as they were."""
    with app.app_context():
        before = [
            (c.id, c.name, c.price_delta_minor)
            for c in db.session.get(Item, world.cap).option_groups[0].choices
        ]
    prefix = f"g{world.group}"
    data = {
        f"{prefix}-name": "Talla",
        f"{prefix}-kind": "size",
        f"{prefix}-min_choices": "1",
        f"{prefix}-max_choices": "1",
        f"{prefix}-choices": "S\nM | -99999999999999",
    }
    client.post(f"/dashboard/items/{world.cap}/options/{world.group}", data=data)
    with app.app_context():
        choices = db.session.scalars(
            db.select(OptionChoice).where(OptionChoice.group_id == world.group)
        ).all()
        assert [(c.id, c.name, c.price_delta_minor) for c in choices] == before
