"""A shop page gone viral, through the deploy guide's nginx page cache.

nginx runs with the guide's own `proxy_cache_path`, tracking-parameter map and `/s/`
location (read from docs/deploy.md, so the benchmark measures what operators deploy)
in front of gunicorn. wrk loads the 200-product shop page with a different tracking
parameter on most requests (as clicks from Instagram and Facebook arrive), and the
same nginx serves the page's bytes as a static file for the baseline, asked for with
the same varied query strings (wrk's script per request costs CPU on the same cores).
While the page is under load, checkouts are posted through nginx at a rate an
operator's limits allow from one address: each must be recorded, with its own order
number.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import requests

from . import wrk
from .report import Row, at_least
from .servers import free_port, gunicorn
from .workspace import ROOT, create_app

APP = "shop:create_app()"
GUIDE = (ROOT / "docs" / "deploy.md").read_text()
SHARE_TARGET = 0.80
CHECKOUTS = 8  # under RATELIMIT_CHECKOUT (10 a minute per address and shop)
IDENTITY = {"Accept-Encoding": "identity"}
TITLE = "Viral post"
VARIED = """
counter = 0
request = function()
  counter = counter + 1
  local path = "{path}"
  local kind = counter % 3
  if kind == 1 then
    path = path .. "?fbclid=IwAR" .. counter
  elseif kind == 2 then
    path = path .. "?utm_source=instagram&utm_medium=story&utm_campaign=c" .. counter
  end
  return wrk.format(nil, path)
end
"""


def run(data, quick: bool = False) -> tuple[dict, list[Row]]:
    wrk.wrk_path()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is not installed: apt-get install nginx-light")
    seconds = 2 if quick else 10
    ws = data.workspace
    shop = data.shops[200] if 200 in data.shops else data.shops[min(data.shops)]
    results: dict = {"seconds": seconds, "shop_size": shop.size}
    with ExitStack() as stack:
        app_server = stack.enter_context(
            gunicorn(APP, ws.env(TRUST_PROXY_HEADERS="1"), ws.root, "viral")
        )
        base = stack.enter_context(_nginx(nginx, ws.root, app_server.port))
        page = requests.get(base + shop.path, headers=IDENTITY, timeout=30)
        page.raise_for_status()
        static = ws.root / "nginx" / "static-copy"
        static.mkdir(parents=True, exist_ok=True)
        (static / "page.html").write_bytes(page.content)
        # The baseline gets the same varied query strings (nginx ignores them on a
        # file), so both runs pay the same for wrk's per-request script on these cores.
        results["static"] = wrk.run(
            base + "/static-copy/page.html", seconds, ws.root, IDENTITY,
            request_lua=VARIED.format(path="/static-copy/page.html"),
        ).as_dict()  # fmt: skip
        checkouts: list = []
        poster = threading.Thread(
            target=_post_checkouts, args=(data, base, shop, seconds, checkouts), daemon=True
        )
        before = _orders(data, shop.id)
        poster.start()
        lua = VARIED.format(path=shop.path)
        results["cached"] = wrk.run(
            base + shop.path, seconds, ws.root, IDENTITY, request_lua=lua
        ).as_dict()
        poster.join(timeout=seconds + 60)
        recorded = _orders(data, shop.id) - before
        # For scale: the same requests straight to the app (its own page cache only).
        results["app_alone"] = wrk.run(
            app_server.base + shop.path, seconds, ws.root, IDENTITY, request_lua=lua
        ).as_dict()
    numbers = [answer.get("number") for answer in checkouts if isinstance(answer, dict)]
    results["checkouts"] = {"answers": checkouts, "recorded": recorded}
    share = results["cached"]["rps"] / results["static"]["rps"] if results["static"]["rps"] else 0
    results["share"] = round(share, 3)
    all_good = recorded == CHECKOUTS and len(set(numbers)) == CHECKOUTS
    rows = [
        Row(
            TITLE,
            f"{shop.size}-product shop page via nginx's cache, varied tracking parameters",
            f"{results['cached']['rps']:,.0f} req/s = {share:.0%} of the same bytes as a file",
            f"≥ {SHARE_TARGET:.0%}",
            at_least(share, SHARE_TARGET),
        ),
        Row(
            TITLE,
            "the same requests to the app alone (for scale)",
            f"{results['app_alone']['rps']:,.0f} req/s = "
            f"{results['app_alone']['rps'] / results['static']['rps']:.0%} of the file",
        ),
        Row(
            TITLE,
            "checkouts posted during that load",
            f"{recorded} of {CHECKOUTS} recorded, {len(set(numbers))} distinct numbers",
            "all",
            all_good,
        ),
    ]
    return results, rows


class _Nginx:
    def __init__(self, binary: str, root: Path, upstream_port: int) -> None:
        self.folder = root / "nginx"
        self.folder.mkdir(exist_ok=True)
        self.port = free_port()
        cache_path = _guide(r"proxy_cache_path [^;]*;").replace(
            "/var/cache/nginx/vitrina", str(self.folder / "cache")
        )
        page_args = _guide(r"map \$args \$vitrina_page_args \{.*?\n\}")
        location = _guide(r"location /s/ \{.*?\n    \}")
        (self.folder / "nginx.conf").write_text(
            f"pid {self.folder}/nginx.pid;\nerror_log {self.folder}/error.log;\n"
            "events { worker_connections 1024; }\n"
            # Debian's /etc/nginx/nginx.conf sets sendfile and tcp_nopush for every site.
            "http {\n    access_log off;\n    sendfile on;\n    tcp_nopush on;\n"
            f"    {cache_path}\n    {page_args}\n"
            f"    upstream vitrina {{ server 127.0.0.1:{upstream_port}; keepalive 32; }}\n"
            "    server {\n"
            f"        listen 127.0.0.1:{self.port};\n"
            "        proxy_http_version 1.1;\n"
            '        proxy_set_header Connection "";\n'
            "        proxy_set_header Host $http_host;\n"
            "        proxy_set_header X-Forwarded-For $remote_addr;\n"
            "        proxy_set_header X-Forwarded-Proto $scheme;\n"
            "        proxy_set_header X-Forwarded-Host $http_host;  # with the port\n"
            f"        location /static-copy/ {{ root {self.folder}; default_type text/html; }}\n"
            f"        {location}\n"
            "    }\n}\n"
        )
        # One process, running as whoever runs the benchmark (the workspace is private).
        self.process = subprocess.Popen(
            [binary, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"),
             "-g", "daemon off; master_process off;"],
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def __enter__(self) -> str:
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                requests.get(base + "/", timeout=1)
                return base
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _nginx(binary: str, root: Path, upstream_port: int) -> _Nginx:
    return _Nginx(binary, root, upstream_port)


def _guide(pattern: str) -> str:
    found = re.search(pattern, GUIDE, re.S)
    if found is None:
        raise RuntimeError(f"docs/deploy.md lost {pattern!r}")
    return found.group(0)


def _post_checkouts(data, base: str, shop, seconds: float, answers: list) -> None:
    """CHECKOUTS orders spread over the load, each from the cart script's JSON."""
    method_id = _shipping_method(data, shop.id)
    gap = seconds / (CHECKOUTS + 1)
    for n in range(CHECKOUTS):
        time.sleep(gap)
        body = {
            "lines": [{"item_id": shop.product_id, "quantity": 1}],
            "shipping_method_id": method_id,
            "name": f"Compradora {n} 🛍️",
            "address": "Calle Mayor 1",
            "idempotency_key": f"viral-{time.time_ns()}-{n}",
        }
        try:
            reply = requests.post(
                f"{base}{shop.path}/checkout", json=body, timeout=30,
                headers={"Origin": base, "Accept": "application/json"},
            )  # fmt: skip
            answers.append(reply.json() if reply.ok else {"status": reply.status_code})
        except (requests.RequestException, ValueError) as error:
            answers.append({"error": repr(error)})


def _shipping_method(data, shop_id: int) -> int:
    from sqlalchemy import select

    from shop.extensions import db
    from shop.models import ShippingMethod

    app = create_app(data.workspace)
    with app.app_context():
        return db.session.scalar(
            select(ShippingMethod.id)
            .where(ShippingMethod.shop_id == shop_id, ShippingMethod.needs_address.is_(True))
            .limit(1)
        ) or db.session.scalar(select(ShippingMethod.id).where(ShippingMethod.shop_id == shop_id))


def _orders(data, shop_id: int) -> int:
    from sqlalchemy import func, select

    from shop.extensions import db
    from shop.models import Order

    app = create_app(data.workspace)
    with app.app_context():
        return db.session.scalar(select(func.count()).where(Order.shop_id == shop_id)) or 0
