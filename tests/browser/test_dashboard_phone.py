"""Every dashboard page on a 360 px phone: nothing scrolls sideways, the menu stays small.

The pages are not listed by hand: every GET route of the dashboard blueprint is taken
from the app's URL map and its arguments filled from a shop with one of everything, so
a page added later is visited too (and a route with an argument nobody knows how to fill
fails here, asking to be taught).
"""

from __future__ import annotations

import io
import os
import re

import pytest

from shop import jobs
from shop.extensions import db
from shop.models import (
    Category,
    Discount,
    DiscountKind,
    Order,
    PaymentMethod,
    ShippingMethod,
    ShippingZone,
    Shop,
    ZoneKind,
)
from shop.shops.archive import write_archive
from shop.shops.imports import stage_upload
from tests.browser.conftest import PHONE
from tests.dashboard.full_shop import build_full_shop

# Routes that answer with a file or data rather than a page a person reads.
NOT_PAGES = {
    "dashboard.catalog_csv",
    "dashboard.orders_csv",
    "dashboard.customers_csv",
    "dashboard.analytics_csv",
    "dashboard.share_qr_png",
    "dashboard.share_qr_svg",
    "dashboard.job_progress",
    "dashboard.job_download",
    "dashboard.upload_preview",  # a held photo's thumbnail
    "dashboard.push_service_worker",  # the Web Push service worker's script
    # An invitation is for someone not yet in the shop: the owner this walk signs in as
    # is told it is not for them (410); tests/auth/test_team_invitations.py joins.
    "dashboard.join",
    # Order slips are paper, not a dashboard page (no menu bar); they are measured at
    # 58 mm (narrower than any phone) in tests/browser/test_order_slips.py.
    "dashboard.order_slip",
    "dashboard.order_slips",
}
MENU_HEIGHT = 64  # px: one slim bar, whatever the language


@pytest.fixture
def shop_with_everything(app):
    full = build_full_shop(app)
    with app.test_request_context():
        shop = db.session.get(Shop, full.shop)
        job = jobs.start_job(
            "shop-export", shop_id=shop.id, user_id=full.user, params={"page_url": "/"}
        )
        category = db.session.query(Category).filter_by(shop_id=shop.id).first()
        shipping = db.session.query(ShippingMethod).filter_by(shop_id=shop.id).first()
        payment = db.session.query(PaymentMethod).filter_by(shop_id=shop.id).first()
        discount = Discount(shop=shop, code="verano10", kind=DiscountKind.PERCENT, value=1000)
        db.session.add(discount)
        db.session.flush()
        export = io.BytesIO()
        write_archive(shop, export)
        export.seek(0)
        zone = ShippingZone(
            shop_id=shop.id, method_id=shipping.id, kind=ZoneKind.POSTAL, name="Centro",
            codes="28001, 280*", fee_minor=150, min_order_minor=1000,
        )  # fmt: skip
        db.session.add(zone)
        db.session.flush()
        arguments = {
            "item_id": full.items[0],
            "order_id": full.orders[1],
            "customer_id": db.session.get(Order, full.orders[1]).customer_id,
            "category_id": category.id,
            "method_id": shipping.id,
            "payment_id": payment.id,
            "job_token": job.token,
            "discount_id": discount.id,
            "import_token": stage_upload(shop.id, export),
            "zone_id": zone.id,
        }
        db.session.commit()
    return full, arguments


def dashboard_pages(app, arguments: dict) -> list[str]:
    pages = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("dashboard.") or "GET" not in rule.methods:
                continue
            if rule.endpoint in NOT_PAGES:
                continue
            unknown = rule.arguments - arguments.keys()
            assert not unknown, f"teach this test how to fill {unknown} for {rule.rule}"
            pages.append(url_for(rule.endpoint, **{a: arguments[a] for a in rule.arguments}))
    # The product list of one category has move buttons too (the widest list before).
    pages.append(url_for_items_of(app, arguments["category_id"]))
    return sorted(pages)


def url_for_items_of(app, category_id: int) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for("dashboard.items", category=category_id)


def test_the_page_list_covers_the_dashboard(app, shop_with_everything):
    _full, arguments = shop_with_everything
    pages = dashboard_pages(app, arguments)
    for expected in ("/dashboard", "/dashboard/items", "/dashboard/shipping", "/dashboard/setup"):
        assert expected in pages
    assert len(pages) >= 19, pages


WIDTHS = """() => {
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.checkVisibility() && e.getBoundingClientRect().right > innerWidth + 0.5)
    .map(e => `${e.tagName.toLowerCase()}.${e.className}`);
  const cut = [...document.querySelectorAll('body div, body section, body table, body nav')]
    .filter(e => getComputedStyle(e).overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1)
    .map(e => `cut off: ${e.tagName.toLowerCase()}.${e.className}`);
  return [document.scrollingElement.scrollWidth, wide.slice(0, 8).concat(cut)];
}"""
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'header a, header button, header summary, main button, main .button, main select')]
  .filter(e => e.offsetParent !== null)
  .map(e => [e.textContent.trim().slice(0, 30) || e.getAttribute('aria-label'),
             e.getBoundingClientRect().height])
  .filter(([, h]) => h < 43.5)"""


@pytest.mark.parametrize("locale", ["en-US", "es-ES"])
def test_no_dashboard_page_scrolls_sideways_on_a_phone(
    app, live_server, browser, browser_sign_in, shop_with_everything, locale
):
    full, arguments = shop_with_everything
    context = browser.new_context(locale=locale, **PHONE)
    context.set_default_timeout(10_000)
    try:
        browser_sign_in(context, full.user)
        page = context.new_page()
        problems = []
        for path in dashboard_pages(app, arguments):
            response = page.goto(live_server + path)
            assert response.status < 400, (path, response.status)
            assert page.locator("html").get_attribute("lang") == locale[:2], path
            if os.environ.get("SCREENSHOTS_DIR"):  # to look at them: a person's check
                name = re.sub(r"\W+", "_", path).strip("_")
                shot = f"{os.environ['SCREENSHOTS_DIR']}/{locale}-{name}.png"
                page.screenshot(path=shot, full_page=True)
            width, wide = page.evaluate(WIDTHS)
            if width > 360 or wide:
                problems.append((path, width, wide))
            menu = page.locator("header.topbar").bounding_box()
            if menu["height"] > MENU_HEIGHT:
                problems.append((path, "menu height", menu["height"]))
            small = page.evaluate(SMALL_TARGETS)
            if small:
                problems.append((path, "small targets", small))
        assert not problems, "\n".join(map(repr, problems))
    finally:
        context.close()


def test_the_menu_opens_and_leads_to_every_section(
    live_server, phone_context, browser_sign_in, shop_with_everything
):
    full, _arguments = shop_with_everything
    browser_sign_in(phone_context, full.user)
    page = phone_context.new_page()
    page.goto(f"{live_server}/dashboard")
    assert page.locator("header.topbar").get_by_text(full.name).is_visible()
    nav = page.locator(".menu .mainnav a")
    assert not nav.first.is_visible(), "the links hide behind the menu button"
    page.locator(".menu summary").tap()
    assert nav.first.is_visible()
    height = page.locator(".menu summary").bounding_box()["height"]
    assert height >= 44
    page.get_by_role("link", name="Envío", exact=True).tap()
    page.wait_for_url(f"{live_server}/dashboard/shipping")
    assert not nav.first.is_visible(), "closed again on the new page"
    current = page.locator(".menu .mainnav a[aria-current=page]")
    assert current.get_attribute("href") == "/dashboard/shipping"


def test_on_a_wide_screen_the_links_show_without_a_menu(
    live_server, page, browser_sign_in, shop_with_everything
):
    full, _arguments = shop_with_everything
    browser_sign_in(page.context, full.user)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/dashboard/items")
    assert page.locator(".topbar > .mainnav a").first.is_visible()
    assert not page.locator(".menu summary").is_visible()
    assert page.locator("header.topbar").bounding_box()["height"] <= MENU_HEIGHT
