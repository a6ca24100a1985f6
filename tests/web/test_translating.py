"""gettext with the catalog found once per request (shop/web/translating.py): always
Flask-Babel's answer, whatever the language does during the request."""

from __future__ import annotations

import flask_babel
import pytest
from flask import g, render_template_string

from shop.web import translating

MORE = (
    "…and %(num)d more item (see the order link)",
    "…and %(num)d more items (see the order link)",
)


def both(text: str, **variables) -> tuple[str, str]:
    return translating.gettext(text, **variables), flask_babel.gettext(text, **variables)


@pytest.mark.parametrize("language", ["en", "es", "pt_BR"])
def test_answers_as_flask_babel_does_in_every_language(app, language):
    with app.test_request_context(f"/?lang={language}"):
        g.page_language = language
        for _ in range(3):  # found once, then kept: the same answers
            mine, theirs = both("Order #%(number)d", number=1042)
            assert mine == theirs
            assert both("Sold out")[0] == both("Sold out")[1]
            for count in (1, 2, 5):
                assert translating.ngettext(*MORE, count) == flask_babel.ngettext(*MORE, count)
    if language == "es":
        with app.test_request_context("/"):
            g.page_language = "es"
            assert translating.gettext("Sold out") == "Agotado"


def test_follows_force_locale_in_and_out(app):
    with app.test_request_context("/"):
        g.page_language = "es"
        assert translating.gettext("Sold out") == "Agotado"
        with flask_babel.force_locale("pt_BR"):
            assert translating.gettext("Sold out") == flask_babel.gettext("Sold out")
            assert translating.ngettext(*MORE, 3) == "…e mais 3 itens (veja o link do pedido)"
            with flask_babel.force_locale("en"):
                assert translating.gettext("Sold out") == "Sold out"
            assert translating.gettext("Sold out") == flask_babel.gettext("Sold out")
        assert translating.gettext("Sold out") == "Agotado"


def test_a_refreshed_locale_is_looked_up_again(app):
    with app.test_request_context("/"):
        g.page_language = "es"
        assert translating.gettext("Sold out") == "Agotado"
        g.page_language = "en"
        flask_babel.refresh()
        assert translating.gettext("Sold out") == "Sold out" == flask_babel.gettext("Sold out")


def test_outside_a_request_the_text_is_given_back_untranslated(app):
    assert translating.gettext("Sold out") == "Sold out"
    assert translating.ngettext(*MORE, 2) == "…and 2 more items (see the order link)"
    with app.app_context():  # the app's locale selector reads the request: as Flask-Babel
        with pytest.raises(RuntimeError):
            flask_babel.gettext("Sold out")
        with pytest.raises(RuntimeError):
            translating.gettext("Sold out")


def test_templates_translate_and_escape_as_before(app):
    with app.test_request_context("/"):
        g.page_language = "es"
        html = render_template_string(
            "{{ _('Sold out') }}|{{ _('Order #%(number)d', number=5) }}|"
            "{{ ngettext('%(num)d item', '%(num)d items', 2) }}|{{ _('Name: %(name)s', name=n) }}",
            n="<b>Ana</b>",
        )
    sold_out, number, _items, name = html.split("|")
    assert (sold_out, number) == ("Agotado", "Pedido #5")
    assert "&lt;b&gt;Ana&lt;/b&gt;" in name
    assert "<b>" not in name


def test_text_templates_translate_without_escaping(app):
    """A plain-text template (the e-mails) gets its values as they are: "&" stays "&"."""
    with app.test_request_context("/"):
        g.page_language = "es"
        text = render_template_string(
            "{% autoescape false %}{{ _('Name: %(name)s', name=n) }}|{{ _('Sold out') }}|"
            "{{ ngettext('%(num)d item', '%(num)d items', 1) }}|{{ _('100%% sure') }}"
            "{% endautoescape %}",
            n="Pan & Café <3",
        )
    name, sold_out, _item, percent = text.split("|")
    assert name.endswith("Pan & Café <3")
    assert sold_out == "Agotado"
    assert percent == "100% sure"
