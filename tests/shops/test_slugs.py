"""Slug text rules: made from any name, checked with messages a merchant can act on."""

import pytest

from shop.shops.slugs import (
    RESERVED_SLUGS,
    SLUG_MAX,
    SlugError,
    check_slug,
    normalize_slug,
    slug_from_text,
)


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Café Niño", "cafe-nino"),
        ("  Tienda   Sol  ", "tienda-sol"),
        ("Ñandú & Co.", "nandu-co"),
        ("Ünïcödé Straße", "unicode-strasse"),
        ("Tienda 🌞 Sol", "tienda-sol"),
        ("中国茶店", "zhong-guo-cha-dian"),
        ("Шоколад", "shokolad"),
        ("ΑΘΗΝΑ", "athena"),
        ("مخبز", "mkhbz"),
    ],
)
def test_makes_a_usable_slug_from_any_name(name, slug):
    assert slug_from_text(name) == slug
    assert check_slug(slug) == slug


@pytest.mark.parametrize("name", ["🍕🍕🍕", "  --  ", "", "!!!"])
def test_gives_nothing_when_the_name_has_no_usable_letters(name):
    assert slug_from_text(name) == ""
    with pytest.raises(SlugError, match="Type a link"):
        check_slug(slug_from_text(name))


def test_cuts_long_names_at_a_word_and_within_the_limit():
    slug = slug_from_text("Panadería " * 20)
    assert len(slug) <= SLUG_MAX
    assert not slug.endswith("-")
    assert check_slug(slug) == slug


def test_normalize_only_trims_and_lowercases():
    assert normalize_slug("  Cafe-Nino ") == "cafe-nino"
    assert normalize_slug("Café Niño") == "café niño"


@pytest.mark.parametrize(
    "slug", ["admin", "api", "dashboard", "login", "logout", "static", "media", "www", "demo"]
)
def test_refuses_reserved_words(slug):
    assert slug in RESERVED_SLUGS
    with pytest.raises(SlugError, match="reserved"):
        check_slug(slug)


def test_seed_may_take_a_reserved_slug():
    assert check_slug("demo", allow_reserved=True) == "demo"


def test_refuses_too_short():
    with pytest.raises(SlugError, match="at least 3"):
        check_slug("ab")


def test_refuses_too_long():
    with pytest.raises(SlugError, match="at most 60"):
        check_slug("a" * 61)
    assert check_slug("a" * 60) == "a" * 60


@pytest.mark.parametrize(
    ("slug", "suggestion"),
    [
        ("café-niño", "cafe-nino"),
        ("mi tienda", "mi-tienda"),
        ("mi_tienda", "mi-tienda"),
        ("-tienda", "tienda"),
        ("tienda-", "tienda"),
        ("tienda--sol", "tienda-sol"),
    ],
)
def test_refuses_other_characters_suggesting_a_fix(slug, suggestion):
    with pytest.raises(SlugError, match="lowercase letters") as error:
        check_slug(slug)
    assert f"e.g. {suggestion}" in str(error.value)


def test_refuses_emoji_without_a_useless_suggestion():
    with pytest.raises(SlugError) as error:
        check_slug("🍕🍕🍕")
    assert "e.g." not in str(error.value)
