"""Logs: JSON lines with a request id, the 500 page's reference, and nothing that must
not be there (cookies, tokens, secrets, phone numbers, what shoppers typed)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from shop import create_app
from shop.config import ConfigError, load_config
from shop.extensions import db
from shop.web.logs import scrub
from tests.conftest import TEST_SECRET, VitrinaClient, _test_config
from tests.storefront.shopper import build_shop, cart
from tests.test_config import PRODUCTION

ADDRESS = "Calle Mayor 1, 3º izq, Madrid 🏠"
PHONE = "+34612345678"


@pytest.fixture
def json_app(migrated, tmp_path):
    app = create_app(_test_config(migrated, tmp_path / "media") | {"LOG_FORMAT": "json"})
    app.test_client_class = VitrinaClient
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page, not a raise
    yield app
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def log_lines(capsys) -> list[dict]:
    """Every line the app logged to stderr since the last call, each parsed as JSON."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_every_response_carries_a_fresh_request_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/no/such/page").headers["X-Request-ID"]
    assert len(first) == 32
    assert first != second


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("req-8f14e45f-ceea-467f", True),
        ("0123456789abcdef0123456789abcdef", True),
        ("short", False),
        ("x" * 129, False),
        ("two words here", False),
        ('forged" "level": "INFO', False),
        ("ok-prefix\tFAKE-LOG-LINE", False),
        ("ñandú-12345678", False),
    ],
)
def test_a_sane_request_id_from_the_proxy_is_kept(app, given, kept):
    app.config["TRUST_PROXY_HEADERS"] = True
    response = app.test_client().get("/healthz", headers={"X-Request-ID": given})
    assert (response.headers["X-Request-ID"] == given) is kept


def test_request_ids_from_untrusted_clients_are_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "req-8f14e45f-ceea-467f"})
    assert response.headers["X-Request-ID"] != "req-8f14e45f-ceea-467f"


def test_kept_pages_from_the_fast_path_carry_an_id_too(app):
    from shop.storefront.fast.page_cache import EXTENSION, LocalPages

    build_shop(app)
    app.extensions[EXTENSION] = LocalPages()
    client = app.test_client()
    client.get("/s/tienda-sol")
    ids = {client.get("/s/tienda-sol").headers.get("X-Request-ID") for _ in range(2)}
    assert None not in ids
    assert len(ids) == 2


def test_an_unexpected_error_shows_a_reference_that_is_in_the_log(json_app, capsys):
    @json_app.get("/_test/boom")
    def boom():
        raise RuntimeError(f"boom for {PHONE} token=abcdef123456 at {ADDRESS}")

    capsys.readouterr()
    response = json_app.test_client().get("/_test/boom")
    page = response.get_data(as_text=True)
    rid = response.headers["X-Request-ID"]
    assert response.status_code == 500
    assert f"Reference: {rid}" in page
    assert "Traceback" not in page
    assert "boom" not in page
    (line,) = [entry for entry in log_lines(capsys) if entry["level"] == "ERROR"]
    assert line["request_id"] == rid
    assert line["path"] == "/_test/boom"
    assert "RuntimeError" in line["traceback"]
    assert "boom" in line["traceback"]
    assert PHONE not in json.dumps(line)
    assert "+34*******78" in line["traceback"]
    assert "abcdef123456" not in json.dumps(line)


def test_sql_parameters_never_reach_the_log(json_app, capsys):
    """What shoppers type travels in SQL parameters; an error prints them, the log not."""

    @json_app.get("/_test/bad-sql")
    def bad_sql():
        db.session.execute(
            text("SELECT * FROM no_such_table WHERE address = :a AND phone = :p"),
            {"a": ADDRESS, "p": PHONE},
        )
        return "unreachable"

    capsys.readouterr()
    response = json_app.test_client().get("/_test/bad-sql")
    assert response.status_code in (500, 503)
    assert f"Reference: {response.headers['X-Request-ID']}" in response.get_data(as_text=True)
    logged = capsys.readouterr().err
    assert "no_such_table" in logged
    assert "Calle Mayor" not in logged
    assert "612345678" not in logged
    assert "[parameters: [redacted]]" in logged


def test_a_checkout_logs_nothing_personal(json_app, capsys):
    ids = build_shop(json_app)
    client = json_app.test_client()
    capsys.readouterr()
    body = cart(ids, name=f"Ana {PHONE}", address=ADDRESS, notes=f"Llamar al {PHONE}")
    assert client.post("/s/tienda-sol/checkout", json=body).status_code == 200
    # A refused one too (a price changed under the cart: logged as a warning, say).
    client.post("/s/tienda-sol/checkout", json={**body, "lines": "nonsense"})
    logged = capsys.readouterr().err
    assert "Calle Mayor" not in logged
    assert "612345678" not in logged


def test_plain_text_lines_carry_the_request_id(app, capsys):
    @app.get("/_test/log")
    def log_something():
        app.logger.warning("hello from a view")
        return "ok"

    capsys.readouterr()
    response = app.test_client().get("/_test/log")
    err = capsys.readouterr().err
    assert f"[{response.headers['X-Request-ID']}] hello from a view" in err


@pytest.mark.parametrize(
    ("raw", "must_not_remain"),
    [
        ("Cookie: __Host-vitrina=eyJhbGciOi.secret.value", "eyJhbGciOi"),
        ("set-cookie: session=.eJwlzjEOwzAIAMC_sGbQ", ".eJwlzjEO"),
        ("sent session=.eJwlzjEOwzAIAMC_sGbQ; Path=/", ".eJwlzjEO"),
        ("Authorization: Bearer ya29.a0AfH6SMBx", "ya29"),
        ("GET /login/callback?code=4/0AX4XfWg&state=Zt9Xh2", "0AX4XfWg"),
        ("GET /login/callback?code=4/0AX4XfWg&state=Zt9Xh2", "Zt9Xh2"),
        ("{'id_token': 'eyJhbGciOiJSUzI1NiJ9.x.y'}", "eyJhbGciOiJSUzI1NiJ9"),
        ("order page /o/Gq3ZkQ0pX9m2L8vN4rT6yB1cD5eF7hJ0kMnPqRsTuVw viewed", "Gq3ZkQ0pX9"),
        ("connect postgresql+psycopg://vitrina:hunter2pass@db/vitrina", "hunter2pass"),
        ("redis://:s3cr3t-pw@10.0.0.5:6379/0 is down", "s3cr3t-pw"),
        ("Ana, +34 612 34 56 78", "612 34 56"),
        ("Ana, +34612345678", "4612345"),
        ("call 612 345 678 please", "345"),
        ("wa.me/34612345678?text=hola", "4612345"),
        # A shopper's number as an order keeps it (E.164) and as pages show it (issue 17).
        ("customer_phone='+525512345678'", "5512345"),
        ("WhatsApp +52 55 1234 5678", "1234"),
        ("WhatsApp +1 201-555-0123", "555-01"),
        ("WhatsApp +54 9 11 1234-5678", "1234"),
    ],
)
def test_scrub(raw, must_not_remain):
    assert must_not_remain not in scrub(raw)


@pytest.mark.parametrize(
    "harmless",
    [
        "2026-12-02 10:00:00,123 INFO shop GET /s/tienda-sol 200",
        'File "/srv/vitrina/app/shop/ordering.py", line 123, in checkout',
        "order #1042 for 5150 minor units, shop 17",
        "catalog_version=12 item 4096",
    ],
)
def test_scrub_leaves_ordinary_lines_alone(harmless):
    assert scrub(harmless) == harmless


def test_configured_secrets_are_scrubbed(app):
    from shop.web.logs import configured_secrets

    assert TEST_SECRET in configured_secrets(app)
    assert scrub(f"key is {TEST_SECRET}!", configured_secrets(app)) == "key is [redacted]!"


def test_production_refuses_the_debugger(tmp_path):
    with pytest.raises(ConfigError, match="FLASK_DEBUG"):
        load_config(str(tmp_path), environ={**PRODUCTION, "FLASK_DEBUG": "1"})


def test_log_format_must_be_known(tmp_path):
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        load_config(str(tmp_path), environ={"LOG_FORMAT": "xml"})
    assert load_config(str(tmp_path), environ={"LOG_FORMAT": "JSON"})["LOG_FORMAT"] == "json"


def test_gunicorn_access_lines_are_scrubbed_json():
    from types import SimpleNamespace

    from gunicorn.config import Config

    from shop.web.gunicorn_logging import JSON_ACCESS_FORMAT, ScrubbingLogger

    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", JSON_ACCESS_FORMAT)
    logger = ScrubbingLogger(config)
    token = "Gq3ZkQ0pX9m2L8vN4rT6yB1cD5eF7hJ0kMnPqRsTuVw"
    response = SimpleNamespace(
        status="200 OK", headers=[("X-Request-ID", "abc123abc123")], sent=10, response_length=10
    )
    request = SimpleNamespace(
        method="GET", path=f"/o/{token}", query="", uri=f"/o/{token}", version=(1, 1),
        headers=[("USER-AGENT", 'curl "8"')], remote_addr="10.0.0.1",
    )  # fmt: skip
    environ = {
        "REMOTE_ADDR": "10.0.0.1",
        "RAW_URI": f"/o/{token}",
        "PATH_INFO": f"/o/{token}",
        "REQUEST_METHOD": "GET",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": "",
    }
    from datetime import timedelta

    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=3))
    line = JSON_ACCESS_FORMAT % logger.atoms_wrapper_class(atoms)
    entry = json.loads(line)
    assert entry["request_id"] == "abc123abc123"
    assert entry["path"] == "/o/[redacted]"
    assert token not in line


def test_a_modules_own_logger_is_scrubbed_and_carries_the_request_id(app, capsys):
    """Modules log with logging.getLogger(__name__) ("shop.shops.deletion", say): their
    lines go through the same scrubbing handler as the app's."""
    import logging

    @app.get("/_test/module-log")
    def module_log():
        logging.getLogger("shop.shops.deletion").warning("could not remove %s", PHONE)
        return "ok"

    capsys.readouterr()
    response = app.test_client().get("/_test/module-log")
    err = capsys.readouterr().err
    assert f"[{response.headers['X-Request-ID']}] could not remove" in err
    assert "612345678" not in err
    assert err.count("could not remove") == 1
