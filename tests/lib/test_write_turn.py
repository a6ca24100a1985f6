"""SQLite writers wait for their turn on a file lock (shop.lib.write_turn).

Writers here connect with a busy timeout of zero: one that reached SQLite's lock while
another held it would fail at once with "database is locked", so a second writer that
succeeds after waiting waited for the turn, not in SQLite's busy handler.
"""

from __future__ import annotations

import fcntl
import gc
import os
import sqlite3
import subprocess
import sys
import threading

import pytest

from shop.extensions import db
from shop.lib.write_turn import TURN_SUFFIX, TurnTakingConnection, engine_options, starts_write
from tests.storefront.shopper import build_shop, cart, next_number, orders, post_json_at_once

HOLDER = """
import sqlite3, sys
from shop.lib.write_turn import TurnTakingConnection
connection = sqlite3.connect(sys.argv[1], factory=TurnTakingConnection, timeout=0)
# A read first opens SQLite's -wal and -shm before the turn's file: a process that dies
# closes its files in that order, so SQLite's lock is gone before the turn is handed on
# (the waiters here have no busy timeout).
connection.execute("SELECT count(*) FROM orders").fetchone()
connection.execute("INSERT INTO orders VALUES (1)")
print("holding", flush=True)
if sys.stdin.readline().strip() == "commit":
    connection.commit()
    print("committed", flush=True)
"""


def connect(path: str, timeout: float = 0) -> sqlite3.Connection:
    return sqlite3.connect(
        path, factory=TurnTakingConnection, timeout=timeout, check_same_thread=False
    )


@pytest.fixture
def database(tmp_path) -> str:
    path = str(tmp_path / "shop.sqlite3")
    connection = connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE orders (number INTEGER)")
    connection.commit()
    connection.close()
    return path


def turn_is_free(path: str) -> bool:
    fd = os.open(path + TURN_SUFFIX, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # releases it again
    return True


def count(path: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM orders").fetchone()[0]
    finally:
        connection.close()


class Writer(threading.Thread):
    """Inserts a row and commits on a connection of its own, in the background."""

    def __init__(self, path: str):
        super().__init__(daemon=True)
        self.path, self.error, self.done = path, None, threading.Event()

    def run(self) -> None:
        connection = connect(self.path)
        try:
            connection.execute("INSERT INTO orders VALUES (2)")
            connection.commit()
        except Exception as error:  # reported to the test
            self.error = error
        finally:
            connection.close()
            self.done.set()


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ("INSERT INTO orders VALUES (1)", True),
        ("  update orders SET number = 2", True),
        ("\nDELETE FROM orders", True),
        ("REPLACE INTO orders VALUES (1)", True),
        ("SELECT * FROM orders", False),
        ("PRAGMA journal_mode=WAL", False),
        ("CREATE TABLE x (y)", False),
        ("", False),
    ],
)
def test_the_statements_that_begin_a_write(sql, writes):
    assert starts_write(sql) is writes


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_a_write_holds_the_turn_until_its_transaction_ends(database, end):
    connection = connect(database)
    connection.execute("INSERT INTO orders VALUES (1)")
    connection.execute("INSERT INTO orders VALUES (2)")  # the same turn, not a second one
    assert not turn_is_free(database)
    getattr(connection, end)()
    assert turn_is_free(database)
    assert count(database) == (2 if end == "commit" else 0)
    connection.close()


def test_a_connection_dropped_without_closing_gives_the_turn_back(database):
    connection = connect(database)
    connection.execute("INSERT INTO orders VALUES (1)")
    assert not turn_is_free(database)
    del connection
    gc.collect()  # a sqlite3 connection sits in a cycle with its statement cache
    assert turn_is_free(database)
    assert count(database) == 0


def test_reads_and_autocommit_writes_take_no_turn(database):
    reader = connect(database)
    reader.execute("SELECT count(*) FROM orders").fetchone()
    assert turn_is_free(database)
    autocommit = connect(database)
    autocommit.isolation_level = None  # each statement its own transaction
    autocommit.execute("INSERT INTO orders VALUES (1)")
    assert turn_is_free(database)
    assert count(database) == 1
    reader.close()
    autocommit.close()


def test_a_second_writer_waits_for_the_turn_and_then_writes(database):
    first = connect(database)
    first.execute("INSERT INTO orders VALUES (1)")
    second = Writer(database)
    second.start()
    assert not second.done.wait(0.3)  # waiting: with a zero busy timeout, only on the turn
    first.commit()
    assert second.done.wait(10)
    assert second.error is None
    assert count(database) == 2
    first.close()


def _holder(database: str) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, database],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    return holder


def test_writers_in_other_processes_take_turns(database):
    holder = _holder(database)
    writer = Writer(database)
    writer.start()
    assert not writer.done.wait(0.3)
    holder.stdin.write("commit\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == "committed"
    assert writer.done.wait(10)
    assert writer.error is None
    holder.wait(10)
    assert count(database) == 2


def test_a_process_that_dies_holding_the_turn_blocks_nobody(database):
    holder = _holder(database)
    writer = Writer(database)
    writer.start()
    assert not writer.done.wait(0.3)
    holder.kill()  # a worker killed mid-checkout: the kernel releases its lock
    holder.wait(10)
    assert writer.done.wait(10)
    assert writer.error is None
    assert count(database) == 1  # the dead process's write is gone, the waiter's kept


def test_engine_options_give_turns_to_sqlite_files_only(tmp_path):
    options = {"pool_pre_ping": True, "connect_args": {"timeout": 5}}
    on_file = engine_options(f"sqlite:///{tmp_path / 'x.sqlite3'}", options)
    assert on_file["connect_args"] == {"timeout": 5, "factory": TurnTakingConnection}
    assert on_file["pool_pre_ping"] is True
    assert options["connect_args"] == {"timeout": 5}  # the caller's dict is left alone
    for uri in ("sqlite://", "sqlite:///:memory:", "postgresql+psycopg://u@localhost/shop"):
        assert engine_options(uri, options) is options


# Through the app: shoppers ordering at the same moment on the embedded default.

SHOPPERS = 12


def test_simultaneous_checkouts_on_sqlite_take_turns(app, live_server):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the write turn is SQLite's (PostgreSQL queues on the shop's row)")
        path = db.engine.url.database
    ids = build_shop(app)
    bodies = [cart(ids, name=f"Compradora {n} 🛍️") for n in range(SHOPPERS)]
    results = post_json_at_once(f"{live_server}/s/{ids.slug}/checkout", bodies)
    assert [status for status, _body in results] == [200] * SHOPPERS
    assert sorted(body["number"] for _status, body in results) == list(range(1, SHOPPERS + 1))
    recorded = orders(app, ids.shop)
    assert {order.customer_name for order in recorded} == {b["name"] for b in bodies}
    assert next_number(app, ids.shop) == SHOPPERS + 1
    assert turn_is_free(path)  # every checkout gave it back
    with app.app_context():
        connection = db.engine.raw_connection()
        assert isinstance(connection.dbapi_connection, TurnTakingConnection)
        connection.close()
