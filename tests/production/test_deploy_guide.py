"""docs/deploy.md stays true: its nginx configuration passes `nginx -t`, and it lists
every setting shop/config.py reads and every command the app has."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import skip_without_service

ROOT = Path(__file__).resolve().parent.parent.parent
GUIDE = (ROOT / "docs/deploy.md").read_text()
BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")


def test_every_setting_is_documented():
    config = (ROOT / "shop/config.py").read_text()
    names = set(re.findall(r'env(?:\.get\(|\[)"([A-Z0-9_]+)"', config))
    assert names
    missing = sorted(name for name in names if f"`{name}`" not in GUIDE)
    assert missing == []


def test_every_command_is_documented(app):
    commands = set(app.cli.list_commands(None)) - {"dev", "shell", "routes", "run"}
    assert "create-operator" in commands
    missing = sorted(name for name in commands if f"`{name}" not in GUIDE)
    assert missing == []


def test_the_nginx_configuration_is_valid(tmp_path):
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        skip_without_service("nginx is not installed (apt-get install nginx-light)")
    blocks = re.findall(r"```nginx\n(.*?)```", GUIDE, re.S)
    assert len(blocks) >= 2
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=example.shop", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = "\n".join(blocks)
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    site = site.replace("/var/cache/nginx/vitrina", str(tmp_path / "cache"))
    uses_brotli = "brotli on;" in site
    if uses_brotli and not BROTLI.exists():
        skip_without_service(
            "the brotli module is not installed (apt-get install libnginx-mod-http-brotli-filter)"
        )
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        (f"load_module {BROTLI};\n" if uses_brotli else "")
        + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\n"
        + "events {}\nhttp {\n"
        + f"access_log {tmp_path}/logs/access.log;\n"
        + site
        + "\n}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_two_app_servers_on_one_machine_share_no_control_socket(monkeypatch):
    """The guide's vitrina@8001 and vitrina@8002 run as one user with one $HOME, where
    gunicorn 25+ would put both servers' control sockets."""
    from gunicorn.app.wsgiapp import WSGIApplication

    conf = str(ROOT / "gunicorn.conf.py")
    monkeypatch.setattr("sys.argv", ["gunicorn", "--config", conf, "shop:create_app()"])
    config = WSGIApplication().cfg
    assert config.settings["preload_app"].get() is True  # the file was read
    if "control_socket_disable" in config.settings:  # gunicorn 25 and later
        assert config.control_socket_disable is True
