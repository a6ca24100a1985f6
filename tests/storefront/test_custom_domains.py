"""A shop at its own domain (issue 28): the check that makes it live, through a real
HTTP server and the SSRF guard; serving it, refusing every other Host, the links that
name it, removing it, Caddy's ``ask``, and another shop's domain out of reach."""

from __future__ import annotations

import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from shop.extensions import db
from shop.models import DomainState, Shop, ShopDomain, utcnow
from shop.shops.deletion import delete_shop
from shop.shops.domains import check_due_domains, checks
from tests import factories

NAME = "tienda.example.com"
EN = {"Accept-Language": "en"}


@pytest.fixture
def served(app):
    """The app on a real port (the check fetches over HTTP) and a fake DNS that sends
    the test names to 127.0.0.1; the check fetches that port, loopback allowed for them."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    names = {NAME, "otra.example.com", "nadie.example.com"}
    app.config["DOMAIN_CHECK_PORT"] = server.server_port
    app.config["DOMAIN_CHECK_ALLOW_HOSTS"] = sorted(names)

    def resolve(host, port, type=0):
        if host not in names:
            raise socket.gaierror("unknown")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    original = checks.resolver
    checks.resolver = resolve
    yield server.server_port
    checks.resolver = original
    server.shutdown()


@pytest.fixture
def shop_ids(app, client, merchant):
    """The merchant's shop (signed in on `client`), one item in it."""
    _user, shop_id = merchant
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        shop.name = "Tienda Sol ☀️"
        item = factories.make_item(shop, name="Gorra")
        db.session.commit()
        return shop_id, shop.slug, item.id


def add(client, name=NAME):
    return client.post("/dashboard/domain", data={"name": name}, headers=EN)


def domain_of(app, shop_id):
    with app.app_context():
        db.session.expire_all()
        row = db.session.scalar(select(ShopDomain).where(ShopDomain.shop_id == shop_id))
        shop = db.session.get(Shop, shop_id)
        return row, shop.custom_domain


def make_live(app, client, shop_id):
    assert add(client).status_code == 302
    row, _ = domain_of(app, shop_id)
    assert client.post(f"/dashboard/domain/{row.id}/check", data={}, headers=EN).status_code == 302
    row, live = domain_of(app, shop_id)
    assert (row.state, live) == (DomainState.LIVE, NAME)
    return row


def on(name=NAME):
    return {"Host": name, **EN}


def test_a_domain_goes_live_when_it_answers_with_its_token(app, client, shop_ids, served):
    shop_id, _slug, item_id = shop_ids
    page = client.get("/dashboard/domain", headers=EN).get_data(as_text=True)
    assert "Add domain" in page
    response = add(client, " https://Tienda.Example.COM/ ")
    assert response.status_code == 302
    row, live = domain_of(app, shop_id)
    assert (row.name, row.state, live) == (NAME, DomainState.WAITING, None)
    page = client.get("/dashboard/domain", headers=EN).get_data(as_text=True)
    assert "CNAME" in page
    assert "Waiting" in page
    assert ">tienda<" in page
    # Before it is live the domain answers only its token.
    assert client.get("/", headers=on()).status_code == 421
    token = client.get(f"/.well-known/vitrina/{row.token}", headers=on())
    assert token.get_data(as_text=True).strip() == row.token
    assert client.get("/.well-known/vitrina/guess", headers=on()).status_code == 421

    checked = client.post(f"/dashboard/domain/{row.id}/check", data={}, headers=EN)
    assert checked.status_code == 302, checked.get_data(as_text=True)
    row, live = domain_of(app, shop_id)
    assert (row.state, live, row.last_error, row.failing_since) == (
        DomainState.LIVE, NAME, "", None,
    )  # fmt: skip
    assert row.checked_at is not None
    page = client.get("/dashboard/domain", headers=EN).get_data(as_text=True)
    assert "Live" in page
    assert f"https://{NAME}/" in page

    shop_page = client.get("/", headers=on())
    assert shop_page.status_code == 200
    assert "Tienda Sol ☀️" in shop_page.get_data(as_text=True)
    product = client.get(f"/p/{item_id}", headers=on())
    assert product.status_code == 200
    assert "Gorra" in product.get_data(as_text=True)
    assert client.get("/cart", headers=on()).status_code == 200
    assert client.get("/catalog.csv", headers=on()).status_code == 200


def test_a_name_that_does_not_answer_stays_waiting_with_the_reason(app, client, shop_ids, served):
    shop_id, _slug, _item = shop_ids
    app.config["DOMAIN_CHECK_PORT"] = 9  # nothing listens there
    add(client)
    row, _ = domain_of(app, shop_id)
    page = client.post(
        f"/dashboard/domain/{row.id}/check", data={}, headers=EN, follow_redirects=True
    )
    assert "The check did not pass yet" in page.get_data(as_text=True)
    row, live = domain_of(app, shop_id)
    assert (row.state, row.last_error, live) == (DomainState.WAITING, "connection", None)


def test_a_name_on_a_private_address_is_refused_by_the_guard(app, client, shop_ids, served):
    shop_id, _slug, _item = shop_ids
    app.config["DOMAIN_CHECK_ALLOW_HOSTS"] = []  # 127.0.0.1 is no longer let through
    add(client)
    row, _ = domain_of(app, shop_id)
    client.post(f"/dashboard/domain/{row.id}/check", data={}, headers=EN)
    row, live = domain_of(app, shop_id)
    assert (row.state, row.last_error, live) == (DomainState.WAITING, "private-address", None)


def test_a_token_served_by_another_shop_does_not_make_it_live(app, client, shop_ids, served):
    """The name points at a server that answers with another shop's token."""
    shop_id, _slug, _item = shop_ids
    with app.app_context():
        factories.make_shop(factories.make_user("Bea", "bea@example.com"), slug="bea")
        db.session.commit()
    add(client)
    row, _ = domain_of(app, shop_id)

    class Impostor(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            body = b"another-shops-token\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    impostor = ThreadingHTTPServer(("127.0.0.1", 0), Impostor)
    threading.Thread(target=impostor.serve_forever, daemon=True).start()
    app.config["DOMAIN_CHECK_PORT"] = impostor.server_address[1]
    try:
        client.post(f"/dashboard/domain/{row.id}/check", data={}, headers=EN)
    finally:
        impostor.shutdown()
        impostor.server_close()
    row, live = domain_of(app, shop_id)
    assert (row.state, row.last_error, live) == (DomainState.WAITING, "token", None)


def test_the_app_answers_another_shops_token_for_its_own_domain_only(
    app, client, shop_ids, served, sign_in_as
):
    """Shop B's domain is live on this server; shop A types B's name as its own: refused.
    And A's token is never served on B's name, so a check of it could not pass."""
    shop_id, _slug, _item = shop_ids
    make_live(app, client, shop_id)
    with app.app_context():
        bea = factories.make_user("Bea", "bea@example.com")
        factories.make_shop(bea, slug="bea")
        db.session.commit()
        bea_id = bea.id
    other = app.test_client()
    sign_in_as(other, bea_id)
    refused = add(other, "TIENDA.example.com.")
    assert refused.status_code == 422
    assert "Another shop already uses this domain." in refused.get_data(as_text=True)
    assert add(other, "otra.example.com").status_code == 302
    with app.app_context():
        theirs = db.session.scalar(select(ShopDomain).where(ShopDomain.name == "otra.example.com"))
        token = theirs.token
    # otra.example.com's token is not served on tienda.example.com, nor the reverse.
    assert client.get(f"/.well-known/vitrina/{token}", headers=on()).status_code == 404
    assert (
        client.get(f"/.well-known/vitrina/{token}", headers=on("otra.example.com")).status_code
        == 200
    )
    with app.app_context():
        assert db.session.scalar(select(ShopDomain.shop_id).where(ShopDomain.name == NAME)) == (
            shop_id
        )


def test_unknown_and_waiting_hosts_are_refused_by_the_app_alone(app, client, shop_ids):
    shop_id, slug, _item = shop_ids
    app.config["APP_URL"] = "https://vitrina.example"
    with app.app_context():
        db.session.add(ShopDomain(shop_id=shop_id, name=NAME, token="t" * 32))
        db.session.commit()
    assert client.get("/", headers=on()).status_code == 421
    assert client.get(f"/s/{slug}", headers=on()).status_code == 421
    assert client.get("/dashboard", headers=on()).status_code == 421
    assert client.get("/", headers=on("nadie.example.com")).status_code == 421
    assert client.get("/healthz", headers=on("nadie.example.com")).status_code == 421
    # The app's own names still answer.
    assert client.get(f"/s/{slug}", headers=on("vitrina.example")).status_code == 200
    assert client.get(f"/s/{slug}", headers=on("127.0.0.1:8000")).status_code == 200
    assert client.get("/healthz", headers=on("localhost")).status_code == 200


def test_links_and_previews_name_the_domain_and_the_other_addresses_keep_working(
    app, client, shop_ids, served
):
    shop_id, slug, item_id = shop_ids
    make_live(app, client, shop_id)
    # The path form: served as it is (no redirect: the cart lives per address), with the
    # domain as its canonical address and in its link card.
    page = client.get(f"/s/{slug}", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'<link rel="canonical" href="https://{NAME}/">' in html
    assert f'<meta property="og:url" content="https://{NAME}/">' in html
    product = client.get(f"/s/{slug}/p/{item_id}", headers=EN).get_data(as_text=True)
    assert f'<link rel="canonical" href="https://{NAME}/p/{item_id}">' in product
    assert client.get(f"/s/{slug}/cart", headers=EN).status_code == 200
    # On the domain itself: links are paths on it, absolute ones name it.
    html = client.get("/", headers=on()).get_data(as_text=True)
    assert f'href="/p/{item_id}"' in html
    assert f"/s/{slug}/" not in html
    assert f'<link rel="canonical" href="http://{NAME}/">' in html
    sitemap = client.get("/sitemap.xml", headers=on()).get_data(as_text=True)
    assert f"<loc>http://{NAME}/</loc>" in sitemap
    assert f"<loc>http://{NAME}/p/{item_id}</loc>" in sitemap
    robots = client.get("/robots.txt", headers=on()).get_data(as_text=True)
    assert f"Sitemap: http://{NAME}/sitemap.xml" in robots
    feed = client.get("/catalog.csv", headers=on()).get_data(as_text=True)
    assert f"http://{NAME}/p/{item_id}" in feed
    # The main host's sitemap lists the shop at its domain too.
    sitemap = client.get("/sitemap.xml", headers=EN).get_data(as_text=True)
    assert f"<loc>https://{NAME}/p/{item_id}</loc>" in sitemap
    # The dashboard's share page shows the link card shoppers will see.
    share = client.get("/dashboard/share", headers=EN).get_data(as_text=True)
    assert f"https://{NAME}/" in share


def test_the_subdomain_keeps_working_and_declares_the_domain(app, client, shop_ids, served):
    shop_id, slug, item_id = shop_ids
    make_live(app, client, shop_id)
    app.config["SHOP_DOMAIN"] = "vitrina.example"
    html = client.get("/", headers=on(f"{slug}.vitrina.example")).get_data(as_text=True)
    assert f'<link rel="canonical" href="https://{NAME}/">' in html
    assert client.get("/", headers=on()).status_code == 200
    assert client.get(f"/p/{item_id}", headers=on(f"{slug}.vitrina.example")).status_code == 200


def test_removing_the_domain_stops_it_at_once(app, client, shop_ids, served):
    shop_id, slug, _item = shop_ids
    row = make_live(app, client, shop_id)
    app.config["APP_URL"] = "http://localhost"
    assert client.get(f"/caddy/ask?domain={NAME}").status_code == 200
    page = client.post(
        f"/dashboard/domain/{row.id}/remove", data={}, headers=EN, follow_redirects=True
    )
    assert "Domain removed" in page.get_data(as_text=True)
    assert domain_of(app, shop_id) == (None, None)
    assert client.get("/", headers=on()).status_code == 421
    assert client.get(f"/caddy/ask?domain={NAME}").status_code == 404
    html = client.get(f"/s/{slug}", headers=EN).get_data(as_text=True)
    assert NAME not in html


def test_a_suspended_shops_domain_answers_as_its_slug_does(app, client, shop_ids, served):
    shop_id, slug, _item = shop_ids
    make_live(app, client, shop_id)
    with app.app_context():
        db.session.get(Shop, shop_id).suspended_at = utcnow()
        db.session.commit()
    assert client.get(f"/s/{slug}", headers=EN).status_code == 403
    assert client.get("/", headers=on()).status_code == 403


def test_a_deleted_shops_domain_answers_gone_as_its_link_does(app, client, shop_ids, served):
    shop_id, slug, item_id = shop_ids
    make_live(app, client, shop_id)
    app.config["APP_URL"] = "http://localhost"
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        delete_shop(shop, shop.name)
        db.session.commit()
    assert client.get(f"/s/{slug}", headers=EN).status_code == 410
    for path in ("/", f"/p/{item_id}", "/cart"):
        assert client.get(path, headers=on()).status_code == 410
    assert client.get(f"/caddy/ask?domain={NAME}").status_code == 404
    # Once another shop takes the slug, the old domain never shows it.
    with app.app_context():
        factories.make_shop(factories.make_user("Bea", "bea@example.com"), slug=slug)
        db.session.commit()
    assert client.get("/", headers=on()).status_code == 421


def test_caddy_is_told_yes_only_for_live_domains(app, client, shop_ids, served):
    shop_id, _slug, _item = shop_ids
    add(client)
    assert client.get(f"/caddy/ask?domain={NAME}").status_code == 404  # waiting
    assert client.get("/caddy/ask").status_code == 404
    assert client.get("/caddy/ask?domain=" + "x" * 300).status_code == 404
    assert client.get("/caddy/ask?domain=nadie.example.com").status_code == 404
    row, _ = domain_of(app, shop_id)
    client.post(f"/dashboard/domain/{row.id}/check", data={}, headers=EN)
    response = client.get(f"/caddy/ask?domain={NAME.upper()}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_the_periodic_check_makes_waiting_domains_live_and_keeps_failing_ones_a_while(
    app, client, shop_ids, served
):
    shop_id, _slug, _item = shop_ids
    add(client)
    with app.app_context():
        assert check_due_domains() == {"checked": 1, "passed": 1}
        assert check_due_domains() == {"checked": 0, "passed": 0}  # live: not due yet
        row = db.session.scalar(select(ShopDomain))
        row.checked_at = None
        db.session.commit()
        app.config["DOMAIN_CHECK_PORT"] = 9  # the name stops answering
        assert check_due_domains() == {"checked": 1, "passed": 0}
        row = db.session.scalar(select(ShopDomain))
        assert row.state == DomainState.FAILING
        assert row.failing_since is not None
        assert db.session.get(Shop, shop_id).custom_domain == NAME  # grace: still served
        row.failing_since = utcnow() - checks.GRACE * 2
        db.session.commit()
        check_due_domains()
        row = db.session.scalar(select(ShopDomain))
        assert row.state == DomainState.WAITING
        assert db.session.get(Shop, shop_id).custom_domain is None
    page = client.get("/dashboard/domain", headers=EN).get_data(as_text=True)
    assert "Waiting" in page


def test_another_shops_domain_cannot_be_checked_or_removed(app, client, shop_ids, served):
    with app.app_context():
        bea = factories.make_shop(factories.make_user("Bea", "bea@example.com"), slug="bea")
        db.session.flush()
        theirs = ShopDomain(shop_id=bea.id, name="otra.example.com", token="b" * 32)
        db.session.add(theirs)
        db.session.commit()
        theirs_id = theirs.id
    for action in ("check", "remove"):
        assert client.post(f"/dashboard/domain/{theirs_id}/{action}", data={}).status_code == 404
    with app.app_context():
        row = db.session.get(ShopDomain, theirs_id)
        assert (row.state, row.checked_at) == (DomainState.WAITING, None)


def test_a_shop_has_one_domain_and_bad_names_get_their_reason(app, client, shop_ids):
    _shop_id, _slug, _item = shop_ids
    for typed, message in (
        ("*.example.com", "without *"),
        ("203.0.113.9", "not an IP address"),
        ("tienda.example.com:8080", "without a port"),
        ("localhost", "not a domain name"),
        ("🛍️" * 300, "253"),
    ):
        response = add(client, typed)
        assert response.status_code == 422, typed
        assert re.search(re.escape(message), response.get_data(as_text=True)), typed
    assert add(client).status_code == 302
    again = client.post("/dashboard/domain", data={"name": "otra.example.com"}, headers=EN)
    assert again.status_code == 200  # the form is gone: the page shows the domain instead
    with app.app_context():
        assert db.session.scalars(select(ShopDomain.name)).all() == [NAME]
