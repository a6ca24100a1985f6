"""The deploy guide's Caddyfile, run for real with Debian's caddy: a shop's live domain
gets a certificate on demand (Caddy's internal issuer standing in for Let's Encrypt)
and the shop behind it; a name the app does not vouch for gets no certificate; and the
domain check itself passes through Caddy's port 80.

Caddy's TLS does not depend on the database: this runs in the SQLite pass of CI only.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from shop.extensions import db
from shop.models import DomainState, Shop, ShopDomain
from shop.shops.domains import checks
from tests import factories
from tests.conftest import skip_without_service
from tests.production.servers import free_port

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()
NAME = "tienda.example.com"

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="Caddy's TLS does not depend on the database (the SQLite run covers it)",
)


def caddyfile(app_address: str, http_port: int, https_port: int, folder: Path) -> str:
    """The guide's Caddyfile, pointed at the test's app, on free ports, with Caddy's
    own certificate authority and no admin endpoint."""
    found = re.search(r"```caddyfile\n(.*?)```", GUIDE, re.S)
    assert found, "the deploy guide lost its Caddyfile"
    text = found.group(1).replace("127.0.0.1:8080", app_address)
    text = re.sub(r"tls /\S+ /\S+", "tls internal", text)  # the certbot copies
    extra = (
        f"\tadmin off\n\tlocal_certs\n\tskip_install_trust\n"
        f"\thttp_port {http_port}\n\thttps_port {https_port}\n"
        f"\tstorage file_system {folder / 'data'}\n"
    )
    assert text.startswith("{\n")
    return "{\n" + extra + text[2:]


@pytest.fixture
def caddy_in_front(app, tmp_path):
    caddy = shutil.which("caddy")
    if caddy is None:
        skip_without_service("caddy is not installed (apt-get install caddy)")
    app.config["APP_URL"] = "https://shop.example.com"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    http_port, https_port = free_port(), free_port()
    config = tmp_path / "Caddyfile"
    config.write_text(caddyfile(f"127.0.0.1:{server.server_port}", http_port, https_port, tmp_path))
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    log = (tmp_path / "caddy.log").open("wb")
    process = subprocess.Popen(
        [caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    if process.poll() is not None:
        pytest.fail("caddy exited:\n" + (tmp_path / "caddy.log").read_text()[-3000:])
    yield http_port, https_port, tmp_path / "caddy.log"
    process.terminate()
    process.wait(timeout=10)
    log.close()
    server.shutdown()


def curl(name: str, port: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["curl", "-sk", "--max-time", "20", "--resolve", f"{name}:{port}:127.0.0.1",
         "-H", "Accept-Language: en", "-w", "\n%{http_code}", f"https://{name}:{port}/"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip


def test_a_live_domain_gets_a_certificate_and_the_shop_an_unknown_one_nothing(app, caddy_in_front):
    http_port, https_port, log = caddy_in_front
    with app.app_context():
        shop = factories.make_shop(factories.make_user(), name="Tienda Sol ☀️")
        db.session.flush()
        db.session.add(ShopDomain(shop_id=shop.id, name=NAME, token="t" * 32))
        db.session.commit()
        # The check itself goes through Caddy's port 80 (the guide's http:// block).
        app.config["DOMAIN_CHECK_PORT"] = http_port
        app.config["DOMAIN_CHECK_ALLOW_HOSTS"] = [NAME]
        original = checks.resolver
        checks.resolver = lambda host, port, type=0: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))
        ]
        try:
            domain = db.session.scalar(select(ShopDomain))
            assert checks.check_domain(domain), domain.last_error
        finally:
            checks.resolver = original
        assert db.session.get(Shop, shop.id).custom_domain == NAME
        assert db.session.scalar(select(ShopDomain.state)) == DomainState.LIVE

    answer = curl(NAME, https_port)
    assert answer.returncode == 0, log.read_text()[-3000:]
    body, _, status = answer.stdout.rpartition("\n")
    assert status == "200", body[-2000:]
    assert "Tienda Sol ☀️" in body

    unknown = curl("nadie.example.com", https_port)
    assert unknown.returncode != 0  # no certificate: the TLS handshake fails
    assert "Tienda Sol" not in unknown.stdout
    # And the plain-HTTP port only carries the token path; the rest goes to https.
    plain = requests.get(
        f"http://127.0.0.1:{http_port}/", headers={"Host": NAME}, allow_redirects=False, timeout=10
    )
    assert plain.status_code == 308
    assert plain.headers["Location"].startswith(f"https://{NAME}")
