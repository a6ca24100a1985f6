"""The import's column and sheet steps fuzzed (ASVS V5 validation, V11 business logic):
whatever a post says each column holds (unknown fields, a field twice, huge or unicode
values, more or fewer columns than the file has, a sheet that is not there), the answer
is the preview again with a clear message or a redirect, never a 5xx, and nothing in
the catalog is written."""

from __future__ import annotations

import html
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from shop.extensions import db
from shop.models import Job
from shop.shops.imports.columns import LABELS
from shop.shops.imports.staging import stage_upload, staged_mapping, staged_path
from tests.security.hostile import FUZZ, PAYLOADS, SCRIPT, hostile_text

EN = {"Accept-Language": "en"}
# Headers nobody recognises: the preview is the column step alone.
SHEET = "Artículo 🛍️;Importe;Familia\nTaza;4,50;Cocina\nVaso;2;Cocina\n"
WRITTEN = ("job", "job_step", "auth_session")  # a valid choice may start the job


@pytest.fixture
def upload(app, world) -> str:
    """The world's shop has a plain sheet waiting at its column step; its preview URL."""
    with app.app_context():
        token = stage_upload(world.shop, io.BytesIO(SHEET.encode()))
    return f"/dashboard/data/import/{token}"


def _catalog(snapshot) -> dict:
    return {table: rows for table, rows in snapshot().items() if table not in WRITTEN}


def _jobs(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Job))


field = st.one_of(st.sampled_from(sorted(LABELS)), hostile_text)


@FUZZ
@given(
    choice=st.lists(field, max_size=6),
    action=st.sampled_from(["columns", "import", "", SCRIPT]),
)
def test_any_mapping_post_is_a_message_or_a_redirect_and_writes_nothing(
    app, client, world, snapshot, upload, choice, action
):
    before = _catalog(snapshot)
    response = client.post(upload, data={"column": choice, "action": action}, headers=EN)
    assert response.status_code in (303, 422), response.status_code
    if response.status_code == 422:
        body = response.get_data(as_text=True)
        assert 'id="import-problem"' in body  # a message saying what to do
        assert SCRIPT not in body  # whatever was posted comes back as text
    assert _catalog(snapshot) == before


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        (["name", "price", "hack"], "Choose what each column holds."),
        (["name", "price", "__class__"], "Choose what each column holds."),
        (["name", "price", "name\x00"], "Choose what each column holds."),
        (["name", "price", "precio💶"], "Choose what each column holds."),
        (["name", "price", "x" * 100_000], "Choose what each column holds."),
        (["name", "price"], "Choose what each column holds."),  # fewer than the file's
        (["name", "price", "ignore", "ignore"], "Choose what each column holds."),  # more
        (["name"] * 10_000, "Choose what each column holds."),
        (["name", "name", "price"], "Columns 1 and 2 are both set to"),
        (["price", "category", "price"], "Columns 1 and 3 are both set to"),
        (["ignore", "ignore", "ignore"], "Choose the column that holds: Name, Price"),
        (["description", "price", "category"], "Choose the column that holds: Name"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,
)
def test_a_hostile_mapping_gets_a_clear_message_and_nothing_is_written(
    app, client, world, snapshot, upload, choice, message
):
    before, jobs = snapshot(), _jobs(app)
    response = client.post(upload, data={"column": choice, "action": "import"}, headers=EN)
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    assert snapshot() == before
    assert _jobs(app) == jobs  # no import started
    token = upload.rsplit("/", 1)[1]
    with app.app_context():
        assert staged_path(world.shop, token) is not None  # the upload is kept
        assert staged_mapping(world.shop, token) is None  # and no bad choice saved


def test_the_same_hostile_post_twice_is_refused_twice(app, client, world, snapshot, upload):
    before = snapshot()
    for _ in range(2):
        data = {"column": ["name", "name", "price"], "action": "import"}
        assert client.post(upload, data=data, headers=EN).status_code == 422
    assert snapshot() == before


@FUZZ
@given(sheet=st.one_of(hostile_text, st.sampled_from([*PAYLOADS, "0", "1", "99999", "-0"])))
def test_any_sheet_post_on_a_csv_is_a_redirect_or_a_message(
    app, client, world, snapshot, upload, sheet
):
    before = _catalog(snapshot)
    response = client.post(upload, data={"action": "sheet", "sheet": sheet}, headers=EN)
    assert response.status_code in (303, 422)
    assert _catalog(snapshot) == before


def test_another_shops_upload_cannot_be_mapped(app, client, world, snapshot, other_merchant):
    with app.app_context():
        token = stage_upload(world.rival_shop, io.BytesIO(SHEET.encode()))
    before = snapshot()
    data = {"column": ["name", "price", "ignore"], "action": "columns"}
    response = client.post(f"/dashboard/data/import/{token}", data=data, headers=EN)
    assert response.status_code == 404
    assert snapshot() == before
    with app.app_context():
        assert staged_mapping(world.rival_shop, token) is None
