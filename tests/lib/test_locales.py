"""Which conventions amounts are written in, for a shop and its viewer."""

import pytest

from shop.lib.locales import regional_locale


@pytest.mark.parametrize(
    ("language", "whatsapp", "expected"),
    [
        ("es", "+34612345678", "es_ES"),
        ("es", "+525512345678", "es_MX"),
        ("es", "+573001234567", "es_CO"),
        ("es", "+56912345678", "es_CL"),
        ("en", "+34612345678", "en"),  # English chosen in Spain: English conventions
        ("en", "+12025550123", "en_US"),
        ("es", "+12025550123", "es"),  # Spanish is not official in the US: plain Spanish
        ("es", "not a number", "es"),
        ("pt_BR", "+5511912345678", "pt_BR"),
        ("pt_BR", "+351912345678", "pt_BR"),  # Brazilian Portuguese keeps Brazil's R$ 1.234,56
    ],
)
def test_shop_amounts_follow_the_region_only_where_its_language_is_spoken(
    language, whatsapp, expected
):
    assert regional_locale(language, whatsapp) == expected


@pytest.mark.parametrize(
    ("language", "whatsapp"),
    [
        ("es", "+5215512345678"),  # Mexico
        ("es", "+5491123456789"),  # Argentina
        ("es", "+34612345678"),  # Spain
        ("es", "+18095551234"),  # the Dominican Republic shares +1
        ("es", "+17875551234"),  # and so does Puerto Rico
        ("en", "+442071234567"),
        ("en", "+5215512345678"),  # English in Mexico: plain English conventions
        ("pt_BR", "+5511987654321"),
    ],
)
def test_regional_locales_hold_every_locale_a_shop_of_the_language_gets(language, whatsapp):
    from shop.lib.locales import regional_locale, regional_locales

    assert regional_locale(language, whatsapp) in regional_locales(language)
    assert regional_locales(language)[0] == language
