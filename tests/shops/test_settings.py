"""Shop rules: creating shops, changing their settings and links, finding them by link."""

import pytest
from sqlalchemy import event, select

from shop.extensions import db
from shop.models import ShopSlugRedirect
from shop.shops.settings import (
    MAX_OLD_SLUGS,
    MAX_SHOPS_PER_OWNER,
    ShopError,
    change_slug,
    create_shop,
    resolve_slug,
    slug_available,
    suggest_slug,
    update_shop,
)
from shop.shops.slugs import SlugError
from tests import factories

SHOP = {"whatsapp": "+34612345678", "currency": "EUR", "language": "es"}


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.fixture
def owner():
    return factories.make_user()


@pytest.fixture
def statements():
    """A list that fills with the SQL statements the database runs during the test."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


# -- Creating ---------------------------------------------------------------------


def test_creates_a_shop_with_a_slug_made_from_its_name(owner):
    shop = create_shop(owner, name="Café Niño", description="Pan y café", **SHOP)
    assert shop.id is not None
    assert shop.slug == "cafe-nino"
    assert shop.owner is owner
    assert shop.description == "Pan y café"


def test_keeps_unicode_and_emoji_names(owner):
    shop = create_shop(owner, name="  Tienda 🌞 Sol  ", **SHOP)
    assert shop.name == "Tienda 🌞 Sol"
    assert shop.slug == "tienda-sol"
    chinese = create_shop(owner, name="中国茶店", **SHOP)
    assert chinese.slug == "zhong-guo-cha-dian"


def test_asks_for_a_slug_when_the_name_has_no_usable_letters(owner):
    with pytest.raises(SlugError, match="Type a link"):
        create_shop(owner, name="🍕🍕🍕", **SHOP)
    shop = create_shop(owner, name="🍕🍕🍕", slug="pizza-feliz", **SHOP)
    assert shop.slug == "pizza-feliz"


def test_drops_control_characters_from_names(owner):
    shop = create_shop(owner, name="Tienda\x00 Sol\u202e", description="a\x00b\r\nc", **SHOP)
    assert shop.name == "Tienda Sol"
    assert shop.description == "ab\nc"


def test_refuses_a_taken_slug_offering_a_free_one(owner):
    create_shop(owner, name="Café Niño", **SHOP)
    with pytest.raises(SlugError, match="cafe-nino-2"):
        create_shop(factories.make_user(), name="Otro", slug="cafe-nino", **SHOP)


def test_refuses_reserved_slugs_but_lets_the_seed_take_demo(owner):
    with pytest.raises(SlugError, match="reserved"):
        create_shop(owner, name="Demo", slug="demo", **SHOP)
    assert create_shop(owner, name="Demo", slug="demo", allow_reserved=True, **SHOP).slug == "demo"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "name"),
        ("name", "x" * 121, "at most 120"),
        ("description", "x" * 301, "at most 300"),
        ("whatsapp", "612345678", "international"),
        ("currency", "XXX", "currency"),
        ("currency", "ESP", "currency"),  # the peseta is history
        ("language", "fr", "a language from the list"),
        ("language", "pt", "a language from the list"),  # Brazilian Portuguese is pt_BR
    ],
)
def test_refuses_bad_values(owner, field, value, message):
    values = {"name": "Tienda", **SHOP, field: value}
    with pytest.raises(ShopError, match=message):
        create_shop(owner, **values)


def test_limits_how_many_shops_one_merchant_has(owner):
    for n in range(MAX_SHOPS_PER_OWNER):
        create_shop(owner, name=f"Tienda {n}", **SHOP)
    with pytest.raises(ShopError, match="at most"):
        create_shop(owner, name="Una más", **SHOP)


# -- Slugs: availability and suggestions ---------------------------------------------


def test_a_slug_is_free_for_its_own_shop_only(owner):
    shop = factories.make_shop(owner, slug="tienda-sol")
    other = factories.make_shop(owner, slug="otra")
    assert slug_available("tienda-sol", shop)
    assert not slug_available("tienda-sol", other)
    assert not slug_available("tienda-sol")
    assert slug_available("libre")


def test_old_slugs_stay_taken_for_every_other_shop(owner):
    shop = factories.make_shop(owner, slug="primera")
    change_slug(shop, "segunda")
    assert not slug_available("primera")
    assert not slug_available("primera", factories.make_shop(owner))
    assert slug_available("primera", shop)


def test_suggests_the_next_free_variant(owner):
    assert suggest_slug("Café Niño") == "cafe-nino"
    factories.make_shop(owner, slug="cafe-nino")
    assert suggest_slug("Café Niño") == "cafe-nino-2"
    db.session.add(ShopSlugRedirect(slug="cafe-nino-2", shop_id=factories.make_shop(owner).id))
    db.session.flush()
    assert suggest_slug("Café Niño") == "cafe-nino-3"


def test_suggestion_counts_a_shops_own_slug_as_free(owner):
    shop = factories.make_shop(owner, slug="cafe-nino")
    assert suggest_slug("Café Niño", shop) == "cafe-nino"


@pytest.mark.parametrize(
    ("name", "slug"), [("Admin", "admin-2"), ("Yo", "yo-shop"), ("🍕", ""), ("", "")]
)
def test_suggestions_avoid_reserved_and_short_slugs(name, slug):
    assert suggest_slug(name) == slug


def test_suggestion_for_a_long_taken_name_fits_the_limit(owner):
    name = "Panadería artesanal de la abuela " * 3
    first = suggest_slug(name)
    factories.make_shop(owner, slug=first)
    second = suggest_slug(name)
    assert second != first
    assert len(second) <= 60
    assert second.endswith("-2")


# -- Changing the slug ------------------------------------------------------------


def test_changing_the_slug_keeps_the_old_one_as_a_redirect(owner):
    shop = factories.make_shop(owner, slug="primera")
    version = shop.catalog_version
    assert change_slug(shop, "segunda")
    assert shop.slug == "segunda"
    assert db.session.get(ShopSlugRedirect, "primera").shop_id == shop.id
    assert shop.catalog_version == version + 1
    assert resolve_slug("primera") == (shop, True)
    assert resolve_slug("segunda") == (shop, False)


def test_changing_back_removes_that_redirect_and_keeps_the_others(owner):
    shop = factories.make_shop(owner, slug="primera")
    change_slug(shop, "segunda")
    change_slug(shop, "tercera")
    change_slug(shop, "primera")
    olds = set(db.session.scalars(select(ShopSlugRedirect.slug)))
    assert olds == {"segunda", "tercera"}
    assert resolve_slug("primera") == (shop, False)
    assert resolve_slug("segunda") == (shop, True)


def test_the_same_slug_changes_nothing(owner):
    shop = factories.make_shop(owner, slug="primera")
    assert not change_slug(shop, "  PRIMERA ")
    assert db.session.scalars(select(ShopSlugRedirect)).all() == []


def test_refuses_another_shops_old_slug(owner):
    first = factories.make_shop(owner, slug="primera")
    change_slug(first, "nueva")
    second = factories.make_shop(factories.make_user(), slug="segunda")
    with pytest.raises(SlugError, match="taken"):
        change_slug(second, "primera")
    with pytest.raises(SlugError, match="taken"):
        change_slug(second, "nueva")
    assert second.slug == "segunda"


def test_refuses_bad_new_slugs(owner):
    shop = factories.make_shop(owner, slug="primera")
    for bad in ("admin", "ab", "con espacio", "x" * 61, "tienda\x00sol", ""):
        with pytest.raises(SlugError):
            change_slug(shop, bad)
    assert shop.slug == "primera"


def test_limits_how_often_a_link_changes(owner):
    shop = factories.make_shop(owner, slug="tienda-0")
    for n in range(1, MAX_OLD_SLUGS + 1):
        change_slug(shop, f"tienda-{n}")
    with pytest.raises(SlugError, match="too many"):
        change_slug(shop, "otra-mas")
    change_slug(shop, "tienda-3")  # going back to an old link is still fine
    assert shop.slug == "tienda-3"


# -- Resolving --------------------------------------------------------------------


def test_resolves_in_one_query_with_the_logo(owner, statements):
    shop = factories.make_shop(owner, slug="primera")
    change_slug(shop, "segunda")
    db.session.commit()
    db.session.expunge_all()
    statements.clear()
    found, moved = resolve_slug("primera")
    assert found.slug == "segunda"
    assert moved is True
    assert found.logo is None
    assert len(statements) == 1


@pytest.mark.parametrize("slug", ["nope", "", "a" * 200, "../etc", "tienda sol", "ñandu"])
def test_unknown_or_malformed_slugs_find_nothing(owner, slug):
    factories.make_shop(owner, slug="tienda-sol")
    assert resolve_slug(slug) == (None, False)


def test_another_spelling_of_a_slug_redirects_to_the_real_one(owner):
    shop = factories.make_shop(owner, slug="tienda-sol")
    assert resolve_slug("Tienda-Sol") == (shop, True)


# -- Updating ---------------------------------------------------------------------


def test_update_changes_only_what_is_given_and_touches_the_catalog(owner):
    shop = factories.make_shop(owner, name="Vieja", description="Igual")
    version = shop.catalog_version
    assert update_shop(shop, name="Nueva", paused=True, pause_message="Vacaciones")
    assert (shop.name, shop.description, shop.paused) == ("Nueva", "Igual", True)
    assert shop.pause_message == "Vacaciones"
    assert shop.catalog_version == version + 1
    assert not update_shop(shop, name="Nueva", description="Igual")
    assert shop.catalog_version == version + 1


def test_refuses_a_long_pause_message(owner):
    shop = factories.make_shop(owner)
    with pytest.raises(ShopError, match="300"):
        update_shop(shop, pause_message="x" * 301)


@pytest.mark.parametrize(
    ("old", "new", "prices", "expected"),
    [
        ("EUR", "USD", (2050, 2500, 300), (2050, 2500, 300)),
        ("EUR", "CLP", (2050, 2500, 349), (21, 25, 3)),  # half up when decimals go
        ("CLP", "EUR", (1500, 2000, 0), (150000, 200000, 0)),
        ("JPY", "KWD", (1000, None, 5), (1000000, None, 5000)),
    ],
)
def test_changing_currency_keeps_the_numbers_merchants_see(owner, old, new, prices, expected):
    shop = factories.make_shop(owner, currency=old)
    item = factories.make_item(shop, price_minor=prices[0], compare_at_minor=prices[1])
    method = factories.make_shipping(shop, price_minor=prices[2])
    other_shop = factories.make_shop(owner, currency=old)
    untouched = factories.make_item(other_shop, price_minor=prices[0])
    update_shop(shop, currency=new)
    db.session.flush()
    db.session.expire_all()
    assert shop.currency == new
    assert (item.price_minor, item.compare_at_minor, method.price_minor) == expected
    assert untouched.price_minor == prices[0]


def test_changing_currency_rescales_every_amount_of_the_shop(owner):
    """Option prices (up and down), free-shipping thresholds and the minimum order move
    with the prices: a 10,00 € minimum is not 1.000 pesos after a switch to CLP."""
    shop = factories.make_shop(owner, currency="EUR", min_order_minor=1000)
    item = factories.make_item(shop, price_minor=2000)
    group = factories.make_group(item, "Talla", ["S", ("XL", 250), ("XS", -150)])
    method = factories.make_shipping(shop, price_minor=349, free_above_minor=5000)
    update_shop(shop, currency="CLP")
    db.session.flush()
    db.session.expire_all()
    assert (shop.currency, shop.currency_exponent, shop.min_order_minor) == ("CLP", 0, 10)
    assert [c.price_delta_minor for c in group.choices] == [0, 3, -2]  # half away from zero
    assert (method.price_minor, method.free_above_minor) == (3, 50)
    update_shop(shop, currency="KWD")
    db.session.flush()
    db.session.expire_all()
    assert (shop.currency_exponent, shop.min_order_minor, method.free_above_minor) == (
        3,
        10000,
        50000,
    )
