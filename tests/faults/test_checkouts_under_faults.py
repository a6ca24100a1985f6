"""Many shoppers check out at once while the server cuts some of their connections in the
middle of the order: every order a shopper was given is complete and on record, no
number is used twice or skipped, and the shoppers whose checkout failed get their
order by trying again with the same key. PostgreSQL, real HTTP, a thread per request."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event, text

from shop.extensions import db
from tests.faults.conftest import postgres_only
from tests.storefront.shopper import build_shop, cart

SHOPPERS = 18
CUT_EVERY = 3  # the server ends every third connection that starts writing order lines


def post(url: str, body: dict) -> tuple[int, dict | None]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None


def post_all(url: str, bodies: list[dict]) -> list[tuple[int, dict | None]]:
    barrier = threading.Barrier(len(bodies))

    def one(body):
        barrier.wait(timeout=30)
        return post(url, body)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(one, bodies))


def recorded(admin, shop_id: int) -> dict[int, tuple[str, int, int]]:
    rows = admin.execute(
        text(
            "SELECT o.number, o.token,"
            " (SELECT count(*) FROM order_line l WHERE l.order_id = o.id),"
            " (SELECT count(*) FROM activity c WHERE c.order_id = o.id)"
            " FROM shop_order o WHERE o.shop_id = :shop"
        ),
        {"shop": shop_id},
    ).all()
    assert len(rows) == len({number for number, *_ in rows})  # no number twice
    return {number: (token, lines, changes) for number, token, lines, changes in rows}


@postgres_only
def test_cut_connections_lose_no_order_and_reuse_no_number(app, admin, live_server):
    ids = build_shop(app)
    lock = threading.Lock()
    seen = []

    def cut_some(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith("INSERT INTO ORDER_LINE"):
            return
        with lock:
            seen.append(1)
            cut = len(seen) % CUT_EVERY == 0
        if cut:
            pid = cursor.connection.info.backend_pid
            with lock:  # one statement at a time on the test's own connection
                admin.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", cut_some)
    bodies = [cart(ids, name=f"Shopper {n}") for n in range(SHOPPERS)]
    url = f"{live_server}/s/{ids.slug}/checkout"
    try:
        results = post_all(url, bodies)
    finally:
        event.remove(engine, "before_cursor_execute", cut_some)

    given = [body for status, body in results if status == 200]
    failed = [bodies[n] for n, (status, _body) in enumerate(results) if status != 200]
    assert {status for status, _body in results} <= {200, 503}
    assert failed, "no connection was cut: the test did not test anything"
    on_record = recorded(admin, ids.shop)
    # Every order a shopper was sent on with is there, whole; nothing else is.
    assert sorted(on_record) == list(range(1, len(given) + 1))
    for body in given:
        token, lines, changes = on_record[body["number"]]
        assert body["order_url"].endswith(f"/o/{token}")
        assert (lines, changes) == (2, 1)

    retried = [post(url, body) for body in failed]
    assert [status for status, _body in retried] == [200] * len(failed)
    on_record = recorded(admin, ids.shop)
    assert sorted(on_record) == list(range(1, SHOPPERS + 1))
    assert all(value[1:] == (2, 1) for value in on_record.values())
    # Asking again with any key gives the same order back, never a new number.
    again = post(url, bodies[0])
    assert again[0] == 200
    assert len(recorded(admin, ids.shop)) == SHOPPERS
