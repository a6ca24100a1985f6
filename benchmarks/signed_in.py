"""A signed-in merchant's dashboard requests, measured in this process.

Dashboard pages are private (never cached by anyone), so what a merchant waits for is
the whole request: the Flask test client drives it in process, and the SQL statements
it sends are counted on the engine. Shared by the dashboard benchmarks.
"""

from __future__ import annotations

import statistics
import time

from sqlalchemy import event

BASE = "https://bench.vitrina.test"


def client_for(app, user_id: int):
    """A test client signed in as the user, as the real sign-in leaves a session."""
    from shop.auth.sessions import start_session
    from shop.extensions import db
    from shop.models import User

    with app.app_context():
        token = start_session(db.session.get(User, user_id))
        db.session.commit()
    client = app.test_client()
    with client.session_transaction(base_url=BASE) as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def measure(app, client, path: str, rounds: int) -> dict:
    """Statements of one request; p50 / p99 of the whole request and of its time in
    the database, in µs, after three warm-up requests (templates compiled, plans cached)."""
    from shop.extensions import db

    with app.app_context():
        engine = db.engine
    seen: list[str] = []
    in_database = [0.0]

    def record(conn, cursor, statement, *args) -> None:
        seen.append(statement)
        conn.info["began"] = time.perf_counter()

    def done(conn, cursor, statement, *args) -> None:
        in_database[0] += time.perf_counter() - conn.info.pop("began", time.perf_counter())

    for _ in range(3):
        assert client.get(path, base_url=BASE).status_code == 200, path
    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "after_cursor_execute", done)
    try:
        status = client.get(path, base_url=BASE).status_code
        statements = len(seen)
        times, sql = [], []
        for _ in range(rounds):
            in_database[0] = 0.0
            began = time.perf_counter()
            client.get(path, base_url=BASE)
            times.append((time.perf_counter() - began) * 1_000_000)
            sql.append(in_database[0] * 1_000_000)
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "after_cursor_execute", done)
    return {
        "status": status,
        "statements": statements,
        "p50_us": pick(times, 0.5),
        "p99_us": pick(times, 0.99),
        "sql_p50_us": pick(sql, 0.5),
        "sql_p99_us": pick(sql, 0.99),
    }


def pick(values: list[float], share: float) -> float:
    """The median, or the value at `share` of the sorted list (p99)."""
    ordered = sorted(values)
    if share == 0.5:
        return statistics.median(ordered)
    return ordered[round(share * (len(ordered) - 1))]
