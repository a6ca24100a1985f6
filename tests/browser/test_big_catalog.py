"""A big catalog on a phone: the page starts small, the later parts arrive as the
shopper scrolls, jumps to a category or searches, the cart's steppers follow, and a
browser without JavaScript reaches the same products by plain links."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.storefront.big_catalog import Catalog, build_big_catalog

CARDS = ".cards > .card"


@pytest.fixture
def catalog(app) -> Catalog:
    return build_big_catalog(app)


@pytest.fixture
def phone(phone_context):
    page = phone_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    assert errors == []


def _scroll_to_the_end(page) -> None:
    """Scroll down a screen at a time until no part is left to load."""
    for _ in range(400):
        if page.locator("[data-part]").count() == 0:
            return
        page.mouse.wheel(0, 1500)
        page.wait_for_timeout(50)
    raise AssertionError("parts were still left after 400 screens")


def test_the_page_starts_small_and_scrolling_brings_every_product_once(live_server, catalog, phone):
    phone.goto(f"{live_server}/s/grande")
    elements = phone.evaluate("document.getElementsByTagName('*').length")
    assert elements <= 1500
    expect(phone.locator(CARDS)).to_have_count(60)
    _scroll_to_the_end(phone)
    expect(phone.locator(CARDS)).to_have_count(len(catalog.visible))
    links = phone.eval_on_selector_all(
        ".card-link", "links => links.map(a => a.getAttribute('href'))"
    )
    assert len(set(links)) == len(links) == len(catalog.visible)
    print(f"\nbig catalog: {elements} elements at load, {len(links)} cards after scrolling")


def test_a_category_jump_brings_its_products(live_server, catalog, phone):
    phone.goto(f"{live_server}/s/grande")
    phone.locator(".category-nav a", has_text="Other").tap()
    section = phone.locator("#c-other")
    expect(section.locator(".card")).to_have_count(15)
    expect(section.locator(".card").first).to_be_in_viewport()
    expect(section.locator("[data-part]")).to_have_count(0)


def test_a_search_finds_a_product_from_a_part_not_loaded_yet(live_server, catalog, phone):
    phone.goto(f"{live_server}/s/grande")
    phone.locator("#shop-q").tap()
    phone.keyboard.type("teteras 29")
    visible = phone.locator(".card:visible")
    expect(visible).to_have_count(1)
    expect(visible).to_contain_text("Teteras 29 🌻")
    phone.locator("#shop-q").fill("")
    phone.locator("#shop-q").dispatch_event("input")
    expect(phone.locator(".card:visible")).to_have_count(len(catalog.visible))


def test_a_card_from_a_later_part_shows_its_stepper_after_a_reload(live_server, catalog, phone):
    phone.goto(f"{live_server}/s/grande")
    phone.locator(".category-nav a", has_text="Teteras").tap()
    cards = phone.locator("#c-{} .card".format(catalog.categories["Teteras"]))
    expect(cards).to_have_count(30)
    phone.wait_for_load_state("networkidle")  # what a thumb waits for: the page at rest
    card = cards.first
    card.locator("[data-add]").tap()
    expect(card.locator("[data-card-stepper] output")).to_have_text("1")
    phone.reload()
    expect(phone.locator("[data-cart-count]")).to_have_text("1")
    phone.locator(".category-nav a", has_text="Teteras").tap()
    expect(card.locator("[data-card-stepper] output")).to_have_text("1")
    expect(card.locator("[data-add]")).to_be_hidden()


def test_without_javascript_the_links_lead_to_every_part(live_server, catalog, browser):
    # Reduced motion turns the page's smooth scrolling off: a click that scrolls its link
    # into view then lands where the link is, not where it was a frame before (a CI flake).
    context = browser.new_context(
        java_script_enabled=False, reduced_motion="reduce", viewport={"width": 360, "height": 740}
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server}/s/grande")
        page.locator("#c-other .section-more a").click()
        page.wait_for_url(f"{live_server}/s/grande/c/other")
        expect(page.locator(CARDS)).to_have_count(15)
        page.goto(f"{live_server}/s/grande")
        more = page.locator(".section-more a", has_text="See 10 more products")
        part = more.get_attribute("href")
        more.click()
        page.wait_for_url(f"{live_server}{part}")
        expect(page.locator(CARDS)).to_have_count(10)
        page.locator(".part-back a").click()
        page.wait_for_url(f"{live_server}/s/grande#c-{catalog.categories['Cuencos']}")
    finally:
        context.close()
