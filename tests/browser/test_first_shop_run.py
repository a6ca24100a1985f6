"""Issue 16's "Measured" run: a merchant's first shop, from the sign-in page to the share
link, on a 360x740 touch phone, counting page loads, typed values and taps.

Sign in, set up (name and WhatsApp number), 2 categories, 3 products with a photo each,
one delivery method, then the share page and its copy button. Every field is tapped before
it is typed into and every photo picker is tapped, as a person does (tests/browser/taps.py).

The issue's limits (8 page loads, 12 typed values, 30 taps) need quick add (a product from
its photo, name and price, with a new category typed in the product form), which another
change brings; until then this asserts the counts this path reaches, so they can only go
down, and prints them.
"""

from __future__ import annotations

import time
import uuid

import pytest
import requests
from PIL import Image as PILImage
from PIL import ImageDraw
from sqlalchemy import select

from shop.extensions import db
from shop.models import Item, ShippingMethod, Shop
from tests.browser.conftest import PHONE
from tests.browser.taps import TapCounter

# What this path reaches today (see the module's docstring); the issue asks for 8 / 12 / 30.
MAX_LOADS = 17
MAX_TYPED = 13
MAX_TAPS = 41  # 40, and one for picking Spain in an English (US) browser


pytestmark = pytest.mark.usefixtures("provider_sign_in")


@pytest.fixture
def photos(tmp_path):
    paths = []
    for n, color in enumerate([(200, 60, 40), (40, 90, 200), (30, 160, 90)]):
        image = PILImage.linear_gradient("L").resize((800, 600)).convert("RGB")
        ImageDraw.Draw(image).ellipse((250, 150, 550, 450), fill=color)
        path = tmp_path / f"pieza-{n}.jpg"
        image.save(path, "JPEG", quality=85)
        paths.append(str(path))
    return paths


class Merchant:
    """A person on a phone: taps a field, then types into it (a typed value)."""

    def __init__(self, page):
        self.page = page
        self.typed: list[str] = []

    def type(self, selector: str, value: str) -> None:
        self.page.tap(selector)
        self.page.fill(selector, value)
        self.typed.append(value)

    def pick(self, selector: str, label: str) -> None:
        self.page.tap(selector)
        self.page.select_option(selector, label=label)

    def photo(self, selector: str, path: str) -> None:
        with self.page.expect_file_chooser() as chooser:
            self.page.tap(selector)
        chooser.value.set_files(path)

    def menu(self, link: str) -> None:
        """On a phone the menu button first; on a wide screen the link is in the bar."""
        if self.page.viewport_size["width"] < 1024:  # where the bar folds into the menu
            self.page.tap(".menu summary")
            self.page.tap(f".menu .mainnav a[href='{link}']")
        else:
            self.page.tap(f".topbar > .mainnav a[href='{link}']")
        self.page.wait_for_url(f"**{link}")


WIDE = PHONE | {"viewport": {"width": 1280, "height": 800}, "is_mobile": False}


@pytest.mark.parametrize(
    ("locale", "prices", "screen"),
    [
        ("es-ES", ["18,50", "24", "1.234,56"], PHONE),
        ("en-US", ["18.50", "24", "1,234.56"], PHONE),
        ("es-ES", ["18,50", "24", "1.234,56"], WIDE),  # no longer on a wide screen
    ],
    ids=["es-phone", "en-phone", "es-wide"],
)
def test_a_first_shop_from_a_phone(
    app, live_server, browser, oidc_server, photos, locale, prices, screen
):
    context = browser.new_context(locale=locale, **screen)
    context.set_default_timeout(15_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    taps = TapCounter(context)
    page = context.new_page()
    me = Merchant(page)
    subject = f"luna-{uuid.uuid4().hex[:8]}"
    claims = {"email": f"{subject}@example.com", "email_verified": True, "name": "Luna"}
    assert requests.put(f"{oidc_server}/users/{subject}", json=claims).status_code == 204
    started = time.monotonic()

    # Sign in (the provider's form stands in for Google).
    page.goto(f"{live_server}/login")
    page.wait_for_url(f"{oidc_server}/oauth2/authorize**")
    me.type("input[name=sub]", subject)
    page.tap("form button[type=submit]")

    # Set-up: the name and the WhatsApp number; euros and Spanish follow Spain.
    page.wait_for_url(f"{live_server}/dashboard/setup")
    me.type("#name", "Cerámica Luna")
    if page.locator("#country").input_value() != "ES":  # an English (US) browser guesses US
        me.pick("#country", "Spain (+34)")
    me.type("#phone", "612 34 56 78")
    page.tap(".shop-form button[type=submit]")
    page.wait_for_url(f"{live_server}/dashboard")

    # Two categories.
    me.menu("/dashboard/categories")
    for name in ("Tazas", "Platos"):
        me.type("#name", name)
        with page.expect_navigation():  # the same URL again: wait for the new page
            page.tap("main form:has(#name) button[type=submit]")

    # Three products with a photo each, from the checklist's next step the first time.
    for n, (name, category) in enumerate([("Taza azul", "Tazas"), ("Taza verde", "Tazas"),
                                          ("Plato hondo", "Platos")]):  # fmt: skip
        if n == 0:
            me.menu("/dashboard/items")
        page.tap(".page-head a.button")
        page.wait_for_url("**/dashboard/items/new**")
        me.type("#name", name)
        me.type("#price", prices[n])
        me.pick("#category", category)
        me.photo("#photos", photos[n])
        page.tap("form.item-form button[type=submit] >> nth=0")
        page.wait_for_url("**/dashboard/items?**")

    # One way to deliver.
    me.menu("/dashboard/shipping")
    page.tap(".container a.button[href='/dashboard/shipping/new']")
    page.wait_for_url("**/dashboard/shipping/new")
    me.type("#name", "Envío a casa")
    me.type("#price", "4,90" if locale.startswith("es") else "4.90")
    page.tap("form.card button[type=submit]")
    page.wait_for_url("**/dashboard/shipping#*")

    # The share page, and its link copied.
    me.menu("/dashboard/share")
    page.tap("button[data-copy=shop-link]")
    wall = time.monotonic() - started
    page.wait_for_timeout(100)

    with app.app_context():
        shop = db.session.scalar(select(Shop))
        items = db.session.scalars(select(Item).order_by(Item.id)).all()
        assert shop.slug == "ceramica-luna"
        assert [len(i.photos) for i in items] == [1, 1, 1]
        assert [i.price_minor for i in items] == [1850, 2400, 123456]
        assert sorted({i.category.name for i in items}) == ["Platos", "Tazas"]
        assert db.session.scalar(select(ShippingMethod.price_minor)) == 490
        assert shop.link_shared_at is not None
    assert page.evaluate("navigator.clipboard.readText()").endswith("/s/ceramica-luna")

    counts = {"loads": len(taps.loads), "typed": len(me.typed), "taps": taps.count}
    width = screen["viewport"]["width"]
    print(f"\nfirst shop run ({locale}, {width} px): {counts}, {wall:.1f} s of script time")
    assert counts["loads"] <= MAX_LOADS, taps.loads
    assert counts["typed"] <= MAX_TYPED, me.typed
    assert counts["taps"] <= MAX_TAPS, taps.log
    context.close()
