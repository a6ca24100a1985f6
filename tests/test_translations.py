"""Every language is first-class: every string the app can show has a translation in
each language of shop.lib.locales.LANGUAGES, so a new language is tested the day it is
added."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from shop.lib.locales import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [code for code in LANGUAGES if code != "en"]  # English is the source


def _po(code: str) -> Path:
    return ROOT / f"shop/translations/{code}/LC_MESSAGES/messages.po"


KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}


def _extracted() -> set[str]:
    methods = [
        ("shop/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),  # e-mails
        ("templates/**.js", "jinja2"),  # a shop's service worker
    ]
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map=methods, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.fixture(scope="module", params=TRANSLATED)
def catalog(request):
    with _po(request.param).open("rb") as handle:
        return read_po(handle, locale=request.param)


def test_the_app_speaks_brazilian_portuguese():
    assert {"en", "es", "pt_BR"} <= set(LANGUAGES)


def test_every_string_has_a_translation(catalog):
    missing = []
    for msgid in sorted(_extracted()):
        message = catalog.get(msgid)
        strings = (message.string if message else "") or ""
        translated = all(strings) if isinstance(strings, tuple) else bool(strings)
        if message is None or not translated or message.fuzzy:
            missing.append(msgid)
    assert missing == [], "Run `make messages`, translate, then `make translations`."


def test_every_plural_form_is_filled(catalog):
    """pt_BR has three forms (CLDR's "many" for a million): none may be left empty."""
    for message in catalog:
        if isinstance(message.id, tuple):
            assert len(message.string) == catalog.num_plurals, message.id
            assert all(message.string), message.id


def test_compiled_catalog_matches_the_po_file(catalog):
    with _po(str(catalog.locale)).with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(message.id[0], message.id[1], 1) == message.string[0]
            assert compiled.ngettext(message.id[0], message.id[1], 2) == message.string[-1]
        else:
            assert compiled.gettext(message.id) == message.string, message.id
