"""Set-up in a phone browser: the link follows the name, the currency the country."""

import pytest

from shop.extensions import db
from shop.models import Shop
from tests import factories


@pytest.fixture
def newcomer(app):
    with app.app_context():
        user = factories.make_user()
        db.session.commit()
        return user.id


def test_sets_up_a_shop_from_a_phone(app, live_server, phone_context, browser_sign_in, newcomer):
    browser_sign_in(phone_context, newcomer)
    page = phone_context.new_page()
    page.goto(f"{live_server}/dashboard")
    assert page.url.endswith("/dashboard/setup")
    assert page.locator("#country").input_value() == "ES"
    assert page.locator("#currency").input_value() == "EUR"

    page.fill("#name", "Café Niño")
    assert page.locator("#slug").input_value() == "cafe-nino"
    page.select_option("#country", "MX")
    assert page.locator("#currency").input_value() == "MXN"
    page.fill("#phone", "55 1234 5678")
    page.click(".shop-form button[type=submit]")

    page.wait_for_url(f"{live_server}/dashboard")
    assert page.get_by_text("Café Niño is ready").is_visible() or "Café Niño" in page.content()
    # The next step is obvious: the checklist's first step is the one big button.
    next_step = page.locator(".checklist li.next a.button")
    assert next_step.is_visible()
    assert next_step.get_attribute("href") == "/dashboard/items/new"
    assert page.locator(".checklist li.next").bounding_box()["y"] < 740
    with app.app_context():
        shop = db.session.query(Shop).one()
        assert (shop.slug, shop.whatsapp, shop.currency) == (
            "cafe-nino",
            "+525512345678",
            "MXN",
        )
    # Nothing sticks out sideways on a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_set_up_asks_three_things_and_folds_the_rest(
    live_server, phone_context, browser_sign_in, newcomer
):
    browser_sign_in(phone_context, newcomer)
    page = phone_context.new_page()
    page.goto(f"{live_server}/dashboard/setup")
    for visible in ("#name", "#country", "#phone", "#logo"):
        assert page.locator(visible).is_visible(), visible
    for folded in ("#slug", "#currency", "#language", "#description"):
        assert not page.locator(folded).is_visible(), folded
    # The shop's language follows the country, like its currency, until one is picked.
    assert page.locator("#language").input_value() == "es"
    page.select_option("#country", "US")
    assert page.locator("#language").input_value() == "en"
    assert page.locator("#currency").input_value() == "USD"
    page.locator(".more-fields summary").tap()
    page.select_option("#language", "es")
    page.select_option("#country", "GB")
    assert page.locator("#language").input_value() == "es"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360


def test_a_typed_link_and_a_picked_currency_stay(live_server, context, browser_sign_in, newcomer):
    browser_sign_in(context, newcomer)
    page = context.new_page()
    page.goto(f"{live_server}/dashboard/setup")
    page.click(".more-fields summary")
    page.fill("#name", "Tienda")
    page.fill("#slug", "mi-enlace")
    page.fill("#name", "Tienda Sol")
    assert page.locator("#slug").input_value() == "mi-enlace"
    page.select_option("#currency", "USD")
    page.select_option("#country", "CL")
    assert page.locator("#currency").input_value() == "USD"


def test_a_logo_over_the_limit_is_refused_before_upload(
    live_server, page, browser_sign_in, context, newcomer
):
    browser_sign_in(context, newcomer)
    page.goto(f"{live_server}/dashboard/setup")
    page.fill("#name", "Tienda Sol")
    page.set_input_files(
        "#logo",
        {"name": "huge.png", "mimeType": "image/png", "buffer": b"0" * (10 * 1024 * 1024 + 1)},
    )
    assert page.get_by_text("larger than 10 MB").is_visible()
    assert page.locator("#logo").evaluate("input => input.files.length") == 0
    assert page.locator("#name").input_value() == "Tienda Sol"


def test_opening_the_share_page_ticks_the_last_step(app, live_server, page, browser_sign_in):
    with app.app_context():
        user = factories.make_user()
        shop = factories.make_shop(user)
        factories.make_item(shop, None)
        factories.make_shipping(shop, name="Recogida")
        db.session.commit()
        user_id, shop_id = user.id, shop.id
    browser_sign_in(page.context, user_id)
    page.goto(f"{live_server}/dashboard")
    step = page.locator(".checklist li.next")
    assert step.get_attribute("data-step") == "share"
    with page.expect_response("**/dashboard/share/shared") as answer:
        step.locator("a").click()
    assert answer.value.status == 204
    with app.app_context():
        assert db.session.get(Shop, shop_id).link_shared_at is not None
    page.goto(f"{live_server}/dashboard")
    assert page.locator(".checklist").count() == 0  # all done: the list is gone
