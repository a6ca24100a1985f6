"""`flask --app shop dev`: a local provider people can really sign in with, never in production."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from sqlalchemy import select

from shop.dev import server as devserver
from shop.extensions import db
from shop.models import Shop, User, Worker
from tests.auth.conftest import start_login


@pytest.fixture
def local_provider():
    provider = devserver.start_local_provider(port=0)  # never take 9400 from a running `make run`
    yield provider
    provider.stop()


def test_dev_refuses_a_production_configuration(make_app):
    app = make_app(ENV_NAME="production")
    before = dict(app.config)

    result = app.test_cli_runner().invoke(args=["dev", "--port", "0"])

    assert result.exit_code != 0
    assert "production" in result.output
    assert app.config["LOCAL_SIGNIN"] is False
    assert app.config["OIDC_DISCOVERY_URL"] == before["OIDC_DISCOVERY_URL"]


def test_the_local_provider_cannot_be_wired_into_production(make_app, local_provider):
    app = make_app(ENV_NAME="production")

    with pytest.raises(devserver.click.ClickException):
        devserver.use_local_provider(app, local_provider.issuer)

    assert app.config["LOCAL_SIGNIN"] is False


def test_local_provider_is_wired_into_the_config(app, local_provider):
    devserver.use_local_provider(app, local_provider.issuer)

    assert local_provider.issuer.startswith("http://127.0.0.1:")
    assert app.config["OIDC_DISCOVERY_URL"] == (
        f"{local_provider.issuer}/.well-known/openid-configuration"
    )
    assert app.config["LOCAL_SIGNIN"] is True
    discovery = requests.get(app.config["OIDC_DISCOVERY_URL"], timeout=5).json()
    assert discovery["issuer"] == local_provider.issuer


@pytest.mark.parametrize(
    ("typed", "email"),
    [("maria", "maria@example.com"), ("luis@example.org", "luis@example.org")],
)
def test_anyone_typed_into_the_local_form_gets_in(app, client, local_provider, typed, email):
    devserver.use_local_provider(app, local_provider.issuer)

    authorize = start_login(client)
    assert authorize.startswith(f"{local_provider.issuer}/oauth2/authorize")
    answer = requests.post(authorize, data={"sub": typed}, allow_redirects=False, timeout=5)
    response = client.get(answer.headers["location"])

    assert response.location == "/dashboard"
    with app.app_context():
        user = db.session.scalar(select(User))
    assert (user.oidc_issuer, user.oidc_subject, user.email) == (
        local_provider.issuer,
        typed,
        email,
    )


def test_the_demo_button_signs_in_the_demo_owner(app, client, local_provider):
    devserver.use_local_provider(app, local_provider.issuer)
    form = requests.get(start_login(client), timeout=5).text
    assert 'value="demo"' in form  # the one-click button on the provider's page

    authorize = start_login(client)
    answer = requests.post(authorize, data={"sub": "demo"}, allow_redirects=False, timeout=5)
    client.get(answer.headers["location"])

    with app.app_context():
        user = db.session.scalar(select(User))
    assert (user.oidc_issuer, user.oidc_subject) == (local_provider.issuer, "demo")


def test_dev_migrates_seeds_the_demo_and_serves_with_local_sign_in(app, monkeypatch):
    """The whole command, with the real HTTP server; only the endless wait is replaced."""
    seen = {}

    def serve_briefly(server):
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            seen.update(_sign_in_over_http(f"http://127.0.0.1:{server.server_port}"))
            seen["worker"] = _worker_beats(app)
        finally:
            server.shutdown()
            thread.join(timeout=5)

    monkeypatch.setattr(devserver, "serve", serve_briefly)

    result = app.test_cli_runner().invoke(args=["dev", "--port", "0"])

    assert result.exit_code == 0, result.output
    assert "/s/demo" in result.output
    assert seen["dashboard_status"] == 200
    with app.app_context():
        demo = db.session.scalar(select(Shop).where(Shop.slug == "demo"))
        assert demo is not None
        assert demo.owner.oidc_subject == "demo"
        assert seen["issuer"] == demo.owner.oidc_issuer
    assert seen["worker"], "the job worker started with the app"
    with app.app_context():  # ... and stopped with it, saying goodbye
        assert db.session.scalar(select(Worker)) is None
    # The provider stopped with the command.
    with pytest.raises(requests.ConnectionError):
        requests.get(seen["issuer"], timeout=2)


def _worker_beats(app, timeout: float = 20) -> bool:
    """The worker `flask dev` started has registered its heartbeat in the app's database."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            if db.session.scalar(select(Worker)) is not None:
                return True
        time.sleep(0.1)
    return False


def _sign_in_over_http(app_url: str) -> dict:
    """What a person does after `make run`: sign in as demo and open the dashboard."""
    browser = requests.Session()
    login = browser.get(f"{app_url}/login", allow_redirects=False, timeout=5)
    authorize = login.headers["location"]
    answer = browser.post(authorize, data={"sub": "demo"}, allow_redirects=False, timeout=5)
    callback = browser.get(answer.headers["location"], allow_redirects=False, timeout=5)
    assert callback.headers["location"] == "/dashboard"
    dashboard = browser.get(f"{app_url}/dashboard", allow_redirects=False, timeout=5)
    assert browser.get(f"{app_url}/s/demo", timeout=5).status_code == 200
    return {
        "dashboard_status": dashboard.status_code,
        "issuer": authorize.split("/oauth2/")[0],
    }


def test_the_local_provider_moves_to_a_free_port_when_9400_is_taken():
    """A second `make run` (or a test run beside one) must still get a provider."""
    import socket

    blocker = socket.socket()
    blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        blocker.bind(("127.0.0.1", devserver.PROVIDER_PORT))
        blocker.listen()
    except OSError:
        pass  # already taken by something else, which is the situation under test
    try:
        provider = devserver.start_local_provider()
        try:
            assert not provider.issuer.endswith(f":{devserver.PROVIDER_PORT}")
            discovery = requests.get(f"{provider.issuer}/.well-known/openid-configuration")
            assert discovery.json()["issuer"] == provider.issuer
        finally:
            provider.stop()
    finally:
        blocker.close()


def _taken_port():
    import socket

    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    return blocker


def test_a_busy_port_is_one_clear_line_before_any_work(app, monkeypatch):
    """Seen item 7: the migrations had run, and the hint never showed, when 5000 was busy."""
    work = []
    monkeypatch.setattr(devserver, "prepare", lambda *a, **k: work.append("prepare"))
    blocker = _taken_port()
    port = blocker.getsockname()[1]
    try:
        result = app.test_cli_runner().invoke(args=["dev", "--port", str(port)])
    finally:
        blocker.close()
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert f"Port {port} on 127.0.0.1 is busy" in lines[0]
    assert f"make run PORT={port + 1}" in lines[0]
    assert work == [], "nothing was migrated or started"


def test_the_ports_come_from_options_or_the_environment(app, monkeypatch):
    seen = {}

    def prepare(_app, provider_port):
        seen["signin"] = provider_port
        raise SystemExit(0)  # stop before serving: the ports are what is under test

    def listen(host, port, _app):
        seen["app"] = port
        return _taken_port()  # anything with server_close()

    monkeypatch.setattr(devserver, "prepare", prepare)
    monkeypatch.setattr(devserver, "listen", listen)
    runner = app.test_cli_runner()
    runner.invoke(args=["dev", "--port", "5001", "--signin-port", "9401"])
    assert seen == {"app": 5001, "signin": 9401}
    runner.invoke(args=["dev"], env={"PORT": "5002", "SIGNIN_PORT": "9402"})
    assert seen == {"app": 5002, "signin": 9402}
    runner.invoke(args=["dev"], env={"PORT": None, "SIGNIN_PORT": None})
    assert seen == {"app": 5000, "signin": 9400}


@pytest.mark.parametrize(
    ("args", "expected"),
    [([], "--port 5000 --signin-port 9400"), (["PORT=5001"], "--port 5001 --signin-port 9400")],
)
def test_make_run_passes_the_ports_on(args, expected):
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    dry = subprocess.run(
        ["make", "-n", "-C", str(root), "run", *args], capture_output=True, text=True, check=True
    )
    assert f"flask --app shop dev {expected}" in dry.stdout


def test_the_local_sign_in_words_come_from_the_apps_catalog():
    """They are ordinary msgids of shop/translations, so `make messages` and the Spanish
    check cover them like every other string."""
    from babel.messages.pofile import read_po

    with (devserver.TRANSLATIONS / "es/LC_MESSAGES/messages.po").open("rb") as handle:
        spanish = read_po(handle, locale="es")
    english = devserver.signin_texts("en")
    assert english == dict(devserver.SIGNIN_TEXTS)
    texts = devserver.signin_texts("es")
    assert texts.keys() == english.keys()
    for key, msgid in devserver.SIGNIN_TEXTS.items():
        assert texts[key] == spanish[msgid].string != msgid, key
    assert texts["sign_in"] == "Entrar"
    assert devserver.signin_texts("fr") == english  # no catalog: English
