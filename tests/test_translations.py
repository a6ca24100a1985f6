"""Spanish is first-class: every string the app can show has a Spanish translation."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "shop/translations/es/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")
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


@pytest.fixture(scope="module")
def spanish():
    with PO.open("rb") as handle:
        return read_po(handle, locale="es")


def test_every_string_has_a_spanish_translation(spanish):
    missing = []
    for msgid in sorted(_extracted()):
        message = spanish.get(msgid)
        strings = (message.string if message else "") or ""
        translated = all(strings) if isinstance(strings, tuple) else bool(strings)
        if message is None or not translated or message.fuzzy:
            missing.append(msgid)
    assert missing == [], "Run `make messages`, translate, then `make translations`."


def test_compiled_catalog_matches_the_po_file(spanish):
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in spanish:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(message.id[0], message.id[1], 1) == message.string[0]
        else:
            assert compiled.gettext(message.id) == message.string, message.id
