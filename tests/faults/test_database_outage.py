"""The database goes away mid-run (ASVS V16.5 error handling, issue 5 "Faults").

While it is away every page answers 503 with the friendly page, never 500; a checkout
records nothing half-way and sends nobody to WhatsApp; when it is back, the very next
request works, with no restart (pool_pre_ping, and the fast path drops its dead
connection). PostgreSQL only, through a relay the test switches off (conftest.py);
SQLite's stand-in is a database file that cannot be opened.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from shop import create_app
from shop.extensions import db
from tests.conftest import VitrinaClient, _test_config
from tests.faults.conftest import postgres_only, terminate_other_backends
from tests.storefront.shopper import build_shop, cart

EN = {"Accept-Language": "en"}
FRIENDLY = "We will be right back"


def public_urls(ids, token: str | None = None) -> list[str]:
    urls = [
        f"/s/{ids.slug}",
        f"/s/{ids.slug}/p/{ids.shirt}",
        f"/s/{ids.slug}/cart",
        f"/s/{ids.slug}/p/{ids.shirt}/order",
        f"/s/{ids.slug}/catalog.csv",
        "/sitemap.xml",
    ]
    return urls + ([f"/o/{token}"] if token else [])


def dashboard_urls() -> list[str]:
    return ["/dashboard", "/dashboard/items", "/dashboard/orders", "/dashboard/settings"]


def row_counts(admin) -> dict[str, int]:
    return {
        table: admin.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
        for table in ("shop_order", "order_line", "activity")
    }


def next_number(admin, shop_id: int) -> int:
    return admin.execute(
        text("SELECT next_order_number FROM shop WHERE id = :id"), {"id": shop_id}
    ).scalar_one()


def assert_friendly_503(response, url: str) -> None:
    assert response.status_code == 503, (url, response.status_code)
    body = response.get_data(as_text=True)
    assert FRIENDLY in body, url
    assert "Traceback" not in body, url
    assert "psycopg" not in body, url


@pytest.fixture
def shop_ids(app):
    return build_shop(app)


@pytest.fixture
def signed_in(app, client, sign_in_as, shop_ids):
    from shop.models import Shop

    with app.app_context():
        owner_id = db.session.get(Shop, shop_ids.shop).owner_id
    sign_in_as(client, owner_id)
    return client


@postgres_only
def test_pages_answer_503_while_the_database_is_away_and_work_the_next_request(
    app, relay, shop_ids, signed_in
):
    shopper = app.test_client()
    placed = shopper.post(f"/s/{shop_ids.slug}/checkout", json=cart(shop_ids))
    token = placed.json["order_url"].rsplit("/", 1)[1]
    for url in public_urls(shop_ids, token):
        assert shopper.get(url, headers=EN).status_code == 200, url
    for url in dashboard_urls():
        assert signed_in.get(url, headers=EN).status_code == 200, url

    relay.stop()
    for url in public_urls(shop_ids, token):
        assert_friendly_503(shopper.get(url, headers=EN), url)
        assert "Set-Cookie" not in shopper.get(url).headers, url
    for url in dashboard_urls():
        assert_friendly_503(signed_in.get(url, headers=EN), url)
    assert signed_in.get("/readyz").status_code == 503
    assert shopper.get("/healthz").status_code == 200  # the process itself is fine

    relay.start()
    for url in public_urls(shop_ids, token):
        assert shopper.get(url, headers=EN).status_code == 200, url
    for url in dashboard_urls():
        assert signed_in.get(url, headers=EN).status_code == 200, url


@postgres_only
def test_a_checkout_while_the_database_is_away_records_nothing_and_opens_no_whatsapp(
    app, relay, admin, shop_ids
):
    shopper = app.test_client()
    assert shopper.get(f"/s/{shop_ids.slug}").status_code == 200
    before = row_counts(admin)
    body = cart(shop_ids)

    relay.stop()
    as_json = shopper.post(f"/s/{shop_ids.slug}/checkout", json=body)
    assert as_json.status_code == 503
    assert as_json.json["error"]
    assert "wa.me" not in as_json.get_data(as_text=True)
    form = {
        "item_id": str(shop_ids.shirt),
        "quantity": "1",
        "shipping_method_id": str(shop_ids.pickup),
        "name": "Ana",
        "idempotency_key": body["idempotency_key"],
    }
    as_form = shopper.post(f"/s/{shop_ids.slug}/checkout", data=form, csrf=False)
    assert_friendly_503(as_form, "form checkout")
    assert "Location" not in as_form.headers
    assert row_counts(admin) == before
    assert next_number(admin, shop_ids.shop) == 1

    relay.start()
    retried = shopper.post(f"/s/{shop_ids.slug}/checkout", json=body)
    assert retried.status_code == 200
    assert retried.json["number"] == 1
    assert retried.json["whatsapp_url"].startswith("https://wa.me/")
    assert row_counts(admin) == {"shop_order": 1, "order_line": 2, "activity": 1}


@postgres_only
def test_a_connection_cut_in_the_middle_of_a_checkout_leaves_no_half_order(app, admin, shop_ids):
    """The server ends the app's connection between the order row and its lines."""
    cut = []

    def cut_before_the_lines(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO ORDER_LINE") and not cut:
            pid = cursor.connection.info.backend_pid
            cut.append(admin.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", cut_before_the_lines)
    shopper = app.test_client()
    body = cart(shop_ids)
    try:
        response = shopper.post(f"/s/{shop_ids.slug}/checkout", json=body)
    finally:
        event.remove(engine, "before_cursor_execute", cut_before_the_lines)

    assert cut, "the checkout never reached its lines"
    assert response.status_code == 503
    assert "wa.me" not in response.get_data(as_text=True)
    assert row_counts(admin) == {"shop_order": 0, "order_line": 0, "activity": 0}
    assert next_number(admin, shop_ids.shop) == 1  # the number taken was given back

    again = shopper.post(f"/s/{shop_ids.slug}/checkout", json=body)
    assert again.status_code == 200
    assert again.json["number"] == 1
    assert row_counts(admin) == {"shop_order": 1, "order_line": 2, "activity": 1}


@postgres_only
def test_connections_ended_by_the_server_are_replaced_on_the_next_request(
    app, admin, shop_ids, signed_in
):
    shopper = app.test_client()
    for _ in range(3):  # connections in the pool
        assert shopper.get(f"/s/{shop_ids.slug}").status_code == 200
        assert signed_in.get("/dashboard").status_code == 200
    assert terminate_other_backends(admin) >= 1
    assert shopper.get(f"/s/{shop_ids.slug}").status_code == 200
    assert signed_in.get("/dashboard/orders").status_code == 200
    assert shopper.post(f"/s/{shop_ids.slug}/checkout", json=cart(shop_ids)).status_code == 200


@pytest.fixture
def app_config(request) -> dict:
    """The fast-path test runs with the page cache on (off in other test apps)."""
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE": "local"}], indirect=True)
@postgres_only
def test_the_fast_path_and_page_cache_turn_an_outage_into_503_not_500(app, relay, admin, shop_ids):
    app.testing = False  # the fast path keeps its own connection per thread, as in production
    shopper = app.test_client()
    urls = [f"/s/{shop_ids.slug}", f"/s/{shop_ids.slug}/p/{shop_ids.shirt}"]
    for _ in range(2):  # rendered and kept, then answered by the fast path
        for url in urls:
            assert shopper.get(url).status_code == 200
    etag = shopper.get(urls[0]).headers["ETag"]

    relay.stop()
    for url in urls:
        assert_friendly_503(shopper.get(url, headers=EN), url)
    revalidation = shopper.get(urls[0], headers={"If-None-Match": etag, **EN})
    assert_friendly_503(revalidation, "304 path")

    relay.start()
    for url in urls:
        assert shopper.get(url).status_code == 200
    assert shopper.get(urls[0], headers={"If-None-Match": etag}).status_code == 304
    # And when the server ends the kept connection instead.
    terminate_other_backends(admin)
    assert shopper.get(urls[0]).status_code == 200


@pytest.fixture
def unopenable_app(tmp_path):
    """An app whose SQLite database file cannot be opened (its folder does not exist)."""
    url = f"sqlite:///{tmp_path / 'missing-folder' / 'vitrina.sqlite3'}"
    app = create_app(_test_config(url, tmp_path / "media"))
    app.test_client_class = VitrinaClient
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_database_that_cannot_be_opened_gives_the_friendly_503(unopenable_app):
    """Runs on every database: the stand-in for an outage where there is no server."""
    client = unopenable_app.test_client()
    for url in ["/s/tienda-sol", "/s/tienda-sol/p/1", "/s/tienda-sol/cart", "/o/" + "a" * 43]:
        assert_friendly_503(client.get(url, headers=EN), url)
    checkout = client.post(
        "/s/tienda-sol/checkout",
        json={"lines": [{"item_id": 1, "quantity": 1}], "name": "Ana", "idempotency_key": "k" * 20},
    )
    assert checkout.status_code == 503
    assert "wa.me" not in checkout.get_data(as_text=True)
    # The cart script shows the error and keeps the cart (same key) for a retry.
    assert checkout.json["error"] == (
        "The shop is briefly unavailable. Please try again in a minute."
    )
    assert checkout.json["reference"] == checkout.headers["X-Request-ID"]
    assert checkout.headers["Retry-After"] == "30"
    assert client.get("/readyz").status_code == 503
