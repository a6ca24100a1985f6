"""Settings: every set-up field changes later; links move with a permanent redirect."""

import io

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from shop.extensions import db
from shop.models import Image, Shop, ShopSlugRedirect
from tests import factories


def png_bytes(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 64), color).save(buffer, "PNG")
    return buffer.getvalue()


def form(**overrides):
    return {
        "name": "Tienda Sol",
        "description": "Ropa de verano",
        "slug": "tienda-sol",
        "country": "ES",
        "phone": "612 34 56 78",
        "currency": "EUR",
        "language": "es",
        "pause_message": "",
    } | overrides


@pytest.fixture
def shop_id(app, merchant):
    """The merchant's shop, with known values."""
    _user_id, shop_id = merchant
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        shop.name, shop.slug, shop.description = "Tienda Sol", "tienda-sol", "Ropa de verano"
        db.session.commit()
    return shop_id


def load(app, shop_id):
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        db.session.expunge(shop)
        return shop


def redirects(app):
    with app.app_context():
        return {r.slug: r.shop_id for r in db.session.scalars(select(ShopSlugRedirect))}


def test_shows_the_current_values(client, shop_id):
    page = client.get("/dashboard/settings")
    assert page.status_code == 200
    assert 'value="Tienda Sol"' in page.text
    assert 'value="tienda-sol"' in page.text
    assert 'value="612 34 56 78"' in page.text
    assert 'selected value="ES">' in page.text
    assert 'selected value="EUR"' in page.text
    assert "Old links keep working" in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_changes_every_set_up_field(app, client, shop_id):
    version = load(app, shop_id).catalog_version
    response = client.post(
        "/dashboard/settings",
        data=form(
            name="Sol & Luna 🌙",
            description="Ropa\r\nde invierno",
            country="MX",
            phone="55 1234 5678",
            currency="MXN",
            language="en",
        ),
    )
    assert response.status_code == 302
    shop = load(app, shop_id)
    assert (shop.name, shop.description) == ("Sol & Luna 🌙", "Ropa\nde invierno")
    assert (shop.whatsapp, shop.currency, shop.language) == ("+525512345678", "MXN", "en")
    assert shop.catalog_version > version
    assert "Settings saved." in client.get("/dashboard/settings").text


def test_saving_unchanged_settings_keeps_the_catalog_version(app, client, shop_id):
    version = load(app, shop_id).catalog_version
    assert client.post("/dashboard/settings", data=form()).status_code == 302
    assert load(app, shop_id).catalog_version == version


def test_changing_the_slug_keeps_the_old_link_answering(app, client, shop_id):
    response = client.post("/dashboard/settings", data=form(slug="sol-y-luna"))
    assert response.status_code == 302
    assert load(app, shop_id).slug == "sol-y-luna"
    assert redirects(app) == {"tienda-sol": shop_id}
    page = client.get("/dashboard/settings")
    assert "Your shop link is now /s/sol-y-luna. Old links keep working." in page.text
    old = client.get("/s/tienda-sol")
    assert old.status_code in (301, 308)
    assert old.headers["Location"].endswith("/s/sol-y-luna")


def test_changing_back_to_an_old_slug_removes_its_redirect(app, client, shop_id):
    client.post("/dashboard/settings", data=form(slug="sol-y-luna"))
    response = client.post("/dashboard/settings", data=form(slug="tienda-sol"))
    assert response.status_code == 302
    assert load(app, shop_id).slug == "tienda-sol"
    assert redirects(app) == {"sol-y-luna": shop_id}


def test_refuses_another_shops_current_or_old_slug(app, client, shop_id):
    with app.app_context():
        other = factories.make_shop(factories.make_user(), slug="vieja")
        from shop.shops.settings import change_slug

        change_slug(other, "nueva")
        db.session.commit()
    for taken in ("vieja", "nueva"):
        response = client.post("/dashboard/settings", data=form(slug=taken, name="Cambiado"))
        assert response.status_code == 422
        assert f"The link {taken} is taken" in response.text
        assert 'value="Cambiado"' in response.text
    shop = load(app, shop_id)
    assert (shop.slug, shop.name) == ("tienda-sol", "Tienda Sol")
    assert redirects(app) == {"vieja": other_id(app)}


def other_id(app):
    with app.app_context():
        return db.session.scalar(select(Shop.id).where(Shop.slug == "nueva"))


def test_refuses_a_reserved_slug(app, client, shop_id):
    response = client.post("/dashboard/settings", data=form(slug="admin"))
    assert response.status_code == 422
    assert "reserved" in response.text
    assert load(app, shop_id).slug == "tienda-sol"


def test_an_emptied_slug_is_made_from_the_name_again(app, client, shop_id):
    client.post("/dashboard/settings", data=form(slug="", name="Sol Naciente"))
    assert load(app, shop_id).slug == "sol-naciente"
    assert redirects(app) == {"tienda-sol": shop_id}


def test_pauses_and_reopens_the_shop(app, client, shop_id):
    message = "Cerrado por vacaciones hasta el 5 de enero 🏖️"
    response = client.post("/dashboard/settings", data=form(paused="y", pause_message=message))
    assert response.status_code == 302
    shop = load(app, shop_id)
    assert (shop.paused, shop.pause_message) == (True, message)
    page = client.get("/dashboard/settings")
    assert "Your shop is paused" in page.text
    assert message in page.text
    client.post("/dashboard/settings", data=form(pause_message=message))
    assert load(app, shop_id).paused is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pause_message", "x" * 301, "At most 300"),
        ("description", "x" * 5000, "At most 300"),
        ("name", "x" * 121, "At most 120"),
        ("phone", "1234", "too short"),
        ("slug", "x" * 61, "at most 60"),
        ("slug", "tienda\x00sol", "lowercase letters"),
    ],
)
def test_refuses_bad_input_and_changes_nothing(app, client, shop_id, field, value, message):
    data = form(paused="y", description="Cambiada") | {field: value}
    response = client.post("/dashboard/settings", data=data)
    assert response.status_code == 422
    assert message in response.text
    shop = load(app, shop_id)
    assert (shop.description, shop.paused, shop.slug) == ("Ropa de verano", False, "tienda-sol")


def test_adds_replaces_and_removes_the_logo(app, client, shop_id):
    upload = form(logo=(io.BytesIO(png_bytes()), "logo.png"))
    client.post("/dashboard/settings", data=upload, content_type="multipart/form-data")
    first = load(app, shop_id).logo_id
    assert first is not None
    page = client.get("/dashboard/settings")
    assert 'alt="Current logo"' in page.text
    assert 'name="remove_logo"' in page.text
    assert "Replace the logo" in page.text

    upload = form(logo=(io.BytesIO(png_bytes((10, 200, 10))), "new.png"))
    client.post("/dashboard/settings", data=upload, content_type="multipart/form-data")
    second = load(app, shop_id).logo_id
    assert second not in (None, first)
    with app.app_context():
        assert db.session.get(Image, first) is None  # the replaced logo's row is gone

    client.post("/dashboard/settings", data=form(remove_logo="y"))
    assert load(app, shop_id).logo_id is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Image)) == 0


def test_a_bad_logo_changes_nothing_and_keeps_what_was_typed(app, client, shop_id):
    version = load(app, shop_id).catalog_version
    data = form(name="Nuevo nombre", slug="nuevo-link", logo=(io.BytesIO(b"GIF89a..."), "a.gif"))
    response = client.post("/dashboard/settings", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "not a photo we can use" in response.text
    assert 'value="Nuevo nombre"' in response.text
    assert 'value="nuevo-link"' in response.text
    shop = load(app, shop_id)
    assert (shop.name, shop.slug, shop.logo_id) == ("Tienda Sol", "tienda-sol", None)
    assert shop.catalog_version == version
    assert redirects(app) == {}


def test_refuses_a_post_without_csrf_token(app, client, shop_id):
    response = client.post("/dashboard/settings", data=form(name="Hack"), csrf=False)
    assert response.status_code == 400
    assert load(app, shop_id).name == "Tienda Sol"


def test_settings_need_a_shop(app, client, sign_in_as):
    with app.app_context():
        user = factories.make_user()
        db.session.commit()
        user_id = user.id
    sign_in_as(client, user_id)
    response = client.get("/dashboard/settings")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard/setup")


# -- Switching between shops --------------------------------------------------------


def test_switches_to_another_of_the_merchants_shops(app, client, merchant):
    user_id, first_id = merchant
    with app.app_context():
        second = factories.make_shop(db.session.get(factories.User, user_id), name="Segunda")
        db.session.commit()
        second_id = second.id
    home = client.get("/dashboard")
    assert 'name="shop_id"' in home.text  # the switcher shows once there are two
    response = client.post("/dashboard/switch", data={"shop_id": str(second_id)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    assert "<h1>Segunda</h1>" in client.get("/dashboard").text
    client.post("/dashboard/switch", data={"shop_id": str(first_id)})
    with client.session_transaction() as session:
        assert session["shop_id"] == first_id


@pytest.mark.parametrize("value", ["other", "abc", "", "-1", "0", "99999999999999999999", "\u0661"])
def test_switching_to_a_shop_that_is_not_yours_is_not_found(app, client, merchant, value):
    _user_id, first_id = merchant
    with app.app_context():
        foreign = factories.make_shop(factories.make_user(), name="Ajena")
        db.session.commit()
        foreign_id = foreign.id
    shop_id = str(foreign_id) if value == "other" else value
    response = client.post("/dashboard/switch", data={"shop_id": shop_id})
    assert response.status_code == 404
    assert "Ajena" not in response.text
    with client.session_transaction() as session:
        assert session.get("shop_id") in (None, first_id)


def test_switching_needs_a_csrf_token(app, client, merchant):
    _user_id, first_id = merchant
    response = client.post("/dashboard/switch", data={"shop_id": str(first_id)}, csrf=False)
    assert response.status_code == 400


def test_switching_is_post_only(client, merchant):
    assert client.get("/dashboard/switch").status_code == 405
