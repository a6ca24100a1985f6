"""Set-up on first sign-in (and for another shop later), through the real stack."""

import io

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from shop.extensions import db
from shop.models import Image, Shop
from shop.shops.settings import MAX_SHOPS_PER_OWNER
from tests import factories


def png_bytes(size=(64, 64), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def newcomer(app, client, sign_in_as):
    """A signed-in merchant without a shop yet: returns their user id."""
    with app.app_context():
        user = factories.make_user()
        db.session.commit()
        user_id = user.id
    sign_in_as(client, user_id)
    return user_id


def form(**overrides):
    return {
        "name": "Café Niño",
        "description": "Pan, café y bollería",
        "slug": "",
        "country": "ES",
        "phone": "612 34 56 78",
        "currency": "EUR",
        "language": "es",
    } | overrides


def shops(app):
    with app.app_context():
        return [
            (s.name, s.slug, s.whatsapp, s.currency, s.language, s.logo_id)
            for s in db.session.scalars(select(Shop).order_by(Shop.id))
        ]


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_sends_a_merchant_without_a_shop_to_set_up(client, newcomer):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard/setup")
    page = client.get("/dashboard/setup")
    assert page.status_code == 200
    assert "Set up your shop" in page.text
    for name in ("name", "description", "slug", "logo", "country", "phone", "currency"):
        assert f'name="{name}"' in page.text


def test_proposes_country_currency_and_language_from_the_browser(client, newcomer):
    page = client.get("/dashboard/setup", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert (
        '<option data-currency="MXN" data-language="es" selected value="MX">México (+52)</option>'
        in page.text
    )
    assert 'selected value="MXN"' in page.text
    assert '<option selected value="es">' in page.text


def test_defaults_to_spain_and_euros(client, newcomer):
    page = client.get("/dashboard/setup", headers={"Accept-Language": "en"})
    assert 'selected value="ES">Spain (+34)</option>' in page.text
    assert 'selected value="EUR"' in page.text
    # A shop in Spain sells in Spanish, even when its merchant's browser reads English.
    assert '<option selected value="es">' in page.text


@pytest.mark.parametrize(
    ("accept", "language"),
    [
        ("en-US", "en"),
        ("es-US", "en"),
        ("en-MX", "es"),
        ("fr-FR,en;q=0.5", "en"),
        ("fr-FR", "en"),
        ("es-FR", "es"),
        ("pt-BR", "pt_BR"),
        ("en-BR", "pt_BR"),  # a shop in Brazil sells in Portuguese
        ("pt-PT", "pt_BR"),  # the app's Portuguese, rather than English
    ],
)
def test_the_shop_language_follows_the_country_else_the_browser(client, newcomer, accept, language):
    page = client.get("/dashboard/setup", headers={"Accept-Language": accept})
    assert f'<option selected value="{language}">' in page.text


def test_creates_the_shop_selects_it_and_lands_on_the_dashboard(app, client, newcomer):
    response = client.post("/dashboard/setup", data=form(slug="cafe-nino"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    assert shops(app) == [("Café Niño", "cafe-nino", "+34612345678", "EUR", "es", None)]
    with client.session_transaction() as session, app.app_context():
        assert session["shop_id"] == db.session.scalar(select(Shop.id))
    home = client.get("/dashboard")
    assert "Café Niño is ready" in home.text
    assert "/s/cafe-nino" in home.text
    with app.test_request_context():
        from shop.shops.settings import resolve_slug

        assert resolve_slug("cafe-nino")[0].name == "Café Niño"


def test_makes_the_slug_from_the_name_when_left_empty(app, client, newcomer):
    client.post("/dashboard/setup", data=form(name="Ñandú & Co."))
    assert shops(app)[0][1] == "nandu-co"


def test_stores_numbers_from_other_countries_in_e164(app, client, newcomer):
    client.post(
        "/dashboard/setup",
        data=form(country="AR", phone="011 15 1234-5678", currency="ARS", language="es"),
    )
    assert shops(app)[0][2:4] == ("+5491112345678", "ARS")


def test_creates_the_shop_with_a_logo(app, client, newcomer):
    data = form(logo=(io.BytesIO(png_bytes()), "logo.png"))
    response = client.post("/dashboard/setup", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    logo_id = shops(app)[0][5]
    assert logo_id is not None
    with app.app_context():
        assert db.session.get(Image, logo_id).shop_id == db.session.scalar(select(Shop.id))


def test_a_bad_logo_keeps_what_was_typed_and_saves_nothing(app, client, newcomer):
    data = form(name="Tienda Sol", phone="699 11 22 33", logo=(io.BytesIO(b"%PDF-1.4"), "x.png"))
    response = client.post("/dashboard/setup", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "not a photo we can use" in response.text
    assert 'value="Tienda Sol"' in response.text
    assert 'value="699 11 22 33"' in response.text
    assert "Pan, café y bollería" in response.text
    assert count(app, Shop) == 0
    assert count(app, Image) == 0
    # And the merchant can go on without a logo.
    assert client.post("/dashboard/setup", data=form()).status_code == 302
    assert count(app, Shop) == 1


def test_refuses_a_taken_slug_the_merchant_typed_suggesting_a_free_one(app, client, newcomer):
    with app.app_context():
        factories.make_shop(factories.make_user(), slug="pan-sol")
        db.session.commit()
    response = client.post("/dashboard/setup", data=form(slug="pan-sol"))
    assert response.status_code == 422
    assert "How about pan-sol-2?" in response.text
    assert 'value="pan-sol"' in response.text  # what they typed stays
    assert 'class="more-fields" open' in response.text  # the error is not folded away
    assert count(app, Shop) == 1


@pytest.mark.parametrize("sent", ["", "cafe-nino"])  # empty, or filled from the name by the page
def test_a_taken_link_the_merchant_did_not_type_gets_a_free_variant(app, client, newcomer, sent):
    """Seen item 5: the merchant never typed a link, so they are never refused for one."""
    with app.app_context():
        factories.make_shop(factories.make_user(), slug="cafe-nino")
        factories.make_shop(factories.make_user(), slug="cafe-nino-2")
        db.session.commit()
    response = client.post("/dashboard/setup", data=form(slug=sent))
    assert response.status_code == 302
    assert shops(app)[-1][1] == "cafe-nino-3"
    home = client.get(response.headers["Location"])
    assert "cafe-nino was taken, so your shop link is cafe-nino-3" in home.text
    assert "/s/cafe-nino-3" in home.text
    assert 'href="/dashboard/settings#slug"' in home.text  # shown, and one tap from editing


def test_a_reserved_name_gets_a_free_variant_too(app, client, newcomer):
    response = client.post("/dashboard/setup", data=form(name="Tienda", slug="tienda"))
    assert response.status_code == 302
    assert shops(app)[-1][1] == "tienda-2"


def test_refuses_an_old_slug_of_another_shop(app, client, newcomer):
    with app.app_context():
        from shop.shops.settings import change_slug

        other = factories.make_shop(factories.make_user(), slug="cafe-nino")
        change_slug(other, "cafe-nino-nuevo")
        db.session.commit()
    response = client.post("/dashboard/setup", data=form(name="Pan Sol", slug="cafe-nino"))
    assert response.status_code == 422
    assert "is taken" in response.text


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("admin", "reserved"),
        ("demo", "reserved"),
        ("ab", "at least 3"),
        ("mi tienda", "e.g. mi-tienda"),
        ("x" * 61, "at most 60"),
        ("tienda\x00sol", "lowercase letters"),
    ],
)
def test_refuses_bad_slugs_with_a_message(app, client, newcomer, slug, message):
    response = client.post("/dashboard/setup", data=form(slug=slug))
    assert response.status_code == 422
    assert message in response.text
    assert count(app, Shop) == 0


def test_asks_for_a_slug_when_the_name_is_only_emoji(app, client, newcomer):
    response = client.post("/dashboard/setup", data=form(name="🍕🌮🍣", slug=""))
    assert response.status_code == 422
    assert "Type a link" in response.text
    assert (
        client.post("/dashboard/setup", data=form(name="🍕🌮🍣", slug="comida")).status_code == 302
    )
    assert shops(app)[0][:2] == ("🍕🌮🍣", "comida")


def test_gives_chinese_and_arabic_names_a_link(app, client, newcomer):
    client.post("/dashboard/setup", data=form(name="中国茶店"))
    assert shops(app)[0][:2] == ("中国茶店", "zhong-guo-cha-dian")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "1234", "too short for Spain"),
        ("phone", "123 456 789", "not a valid number in Spain"),
        ("phone", "55 1234 5678", "too long for Spain"),
        ("phone", "six one two", "Use only digits"),
        ("phone", "", "Enter the WhatsApp number"),
        ("country", "ZZ", "Not a valid choice"),
        ("currency", "ESP", "Not a valid choice"),
        ("language", "fr", "Not a valid choice"),
        ("name", "", "Give your shop a name"),
        ("name", "   ", "Give your shop a name"),
    ],
)
def test_refuses_bad_input_keeping_the_rest(app, client, newcomer, field, value, message):
    response = client.post("/dashboard/setup", data=form(**{field: value}))
    assert response.status_code == 422
    assert message in response.text
    assert "Pan, café y bollería" in response.text
    assert count(app, Shop) == 0


@pytest.mark.parametrize(
    ("field", "size"), [("name", 121), ("name", 100_000), ("description", 301), ("phone", 31)]
)
def test_refuses_huge_input_with_a_message(app, client, newcomer, field, size):
    response = client.post("/dashboard/setup", data=form(**{field: "9" * size}))
    assert response.status_code == 422
    assert "At most" in response.text or "too long" in response.text
    assert count(app, Shop) == 0


def test_drops_control_characters_instead_of_failing(app, client, newcomer):
    response = client.post("/dashboard/setup", data=form(name="Tienda\x00 Sol\x07"))
    assert response.status_code == 302
    assert shops(app)[0][0] == "Tienda Sol"


def test_refuses_a_post_without_csrf_token(app, client, newcomer):
    response = client.post("/dashboard/setup", data=form(), csrf=False)
    assert response.status_code == 400
    assert count(app, Shop) == 0


def test_a_double_submitted_form_makes_one_shop(app, client, newcomer):
    first = client.post("/dashboard/setup", data=form())
    second = client.post("/dashboard/setup", data=form())
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"].endswith("/dashboard")
    assert count(app, Shop) == 1


def test_a_merchant_with_a_shop_can_add_another_which_becomes_current(app, client, merchant):
    _user_id, first_id = merchant
    assert 'href="/dashboard/setup"' in client.get("/dashboard/settings").text
    page = client.get("/dashboard/setup")
    assert "New shop" in page.text
    response = client.post("/dashboard/setup", data=form(name="Segunda tienda"))
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["shop_id"] != first_id
    assert "<h1>Segunda tienda</h1>" in client.get("/dashboard").text


def test_stops_at_the_shop_limit(app, client, merchant):
    user_id, _shop_id = merchant
    with app.app_context():
        user = db.session.get(factories.User, user_id)
        for _ in range(MAX_SHOPS_PER_OWNER - 1):
            factories.make_shop(user)
        db.session.commit()
    response = client.post("/dashboard/setup", data=form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard/settings")
    assert count(app, Shop) == MAX_SHOPS_PER_OWNER


def test_setup_needs_sign_in(app, client):
    response = client.get("/dashboard/setup")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_link_taken_at_the_same_moment_gives_a_message_not_an_error(
    app, client, newcomer, monkeypatch
):
    """Two merchants can pass the availability check together; the database decides."""
    with app.app_context():
        factories.make_shop(factories.make_user(), slug="cafe-nino")
        db.session.commit()
    monkeypatch.setattr("shop.dashboard.shop_forms.slug_available", lambda *a, **k: True)
    monkeypatch.setattr("shop.shops.settings.slug_available", lambda *a, **k: True)
    response = client.post("/dashboard/setup", data=form(slug="cafe-nino"))
    assert response.status_code == 422
    assert "How about cafe-nino-2?" in response.text
    assert count(app, Shop) == 1
