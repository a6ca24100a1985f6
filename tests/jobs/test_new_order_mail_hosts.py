"""With SHOP_DOMAIN, a checkout that came in on a shop's own host still mails a
dashboard link on the main host (APP_URL): the shop's host answers /dashboard with 404."""

from __future__ import annotations

import re

import pytest

from shop import jobs
from shop.config import ConfigError, load_config
from shop.extensions import db
from shop.models import Shop
from tests.jobs.test_mail import inbox  # noqa: F401  (the fixture)
from tests.storefront.shopper import build_shop, cart, orders
from tests.test_config import PRODUCTION

SHOP_HOST = "https://tienda-sol.example.shop"


@pytest.fixture
def ids(app):
    app.config["SHOP_DOMAIN"] = "example.shop"
    found = build_shop(app)
    with app.app_context():
        db.session.get(Shop, found.shop).email_new_orders = True
        db.session.commit()
    return found


def _order_on_the_shop_host(app, ids) -> str:
    """Check out on the shop's host as its page would, run the queue, return the link."""
    shopper = app.test_client()
    response = shopper.post(
        "/checkout", base_url=SHOP_HOST, json=cart(ids), headers={"Origin": SHOP_HOST}
    )
    assert response.status_code == 200, response.text
    with app.app_context():
        jobs.drain()
    return response


def _link(inbox) -> str:  # noqa: F811
    (message,) = inbox.messages()
    (link,) = re.findall(r"https?://\S+/dashboard/orders/\d+", message.get_content())
    return link


def test_the_link_is_on_app_url_not_the_shops_host(app, client, ids, inbox):  # noqa: F811
    app.config["APP_URL"] = "https://shop.example.com"
    _order_on_the_shop_host(app, ids)
    (order,) = orders(app, ids.shop)
    link = _link(inbox)
    assert link == f"https://shop.example.com/dashboard/orders/{order.id}"
    # The main host serves it (asking to sign in first); the shop's host is a 404.
    path = link.removeprefix("https://shop.example.com")
    main = client.get(path, base_url="https://shop.example.com")
    assert (main.status_code, main.headers["Location"].split("?")[0]) == (302, "/login")
    assert client.get(path, base_url=SHOP_HOST).status_code == 404


def test_without_app_url_development_uses_the_shop_domain_itself(app, ids, inbox):  # noqa: F811
    app.config["APP_URL"] = None
    _order_on_the_shop_host(app, ids)
    (order,) = orders(app, ids.shop)
    assert _link(inbox) == f"https://example.shop/dashboard/orders/{order.id}"


def test_a_checkout_on_the_main_host_links_to_that_host(app, ids, inbox):  # noqa: F811
    app.config["APP_URL"] = "https://shop.example.com"
    shopper = app.test_client()
    response = shopper.post(
        "/s/tienda-sol/checkout",
        base_url="http://localhost",
        json=cart(ids),
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 200, response.text
    with app.app_context():
        jobs.drain()
    (order,) = orders(app, ids.shop)
    assert _link(inbox) == f"http://localhost/dashboard/orders/{order.id}"


def test_production_with_shop_hosts_needs_app_url(tmp_path):
    env = PRODUCTION | {"SHOP_DOMAIN": "example.shop"}
    with pytest.raises(ConfigError, match="SHOP_DOMAIN needs APP_URL"):
        load_config(str(tmp_path), environ=env)
    config = load_config(str(tmp_path), environ=env | {"APP_URL": "https://shop.example.com/"})
    assert config["APP_URL"] == "https://shop.example.com"


@pytest.mark.parametrize(
    "bad", ["shop.example.com", "javascript:alert(1)", "https://x.com/dash", "https://x.com?a"]
)
def test_a_malformed_app_url_is_refused(tmp_path, bad):
    with pytest.raises(ConfigError, match="APP_URL must be"):
        load_config(str(tmp_path), environ={"APP_URL": bad})
