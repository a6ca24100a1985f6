"""The cart script's words on every storefront page, written once per language.

The layout carries some twenty translated messages for cart.js (the template
storefront/_cart_messages.html). They depend on the language alone, yet every page
written from scratch (a worker's first sight of a shop, a frame after a settings edit)
translated and escaped each of them again: about 0.3 ms, a thirtieth of such a render.
Here they are written once per app and language, and `warm_up` writes them for every
language the app speaks before gunicorn forks its workers.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

EXTENSION = "vitrina.cart_messages"
TEMPLATE = "storefront/_cart_messages.html"


def cart_messages() -> Markup:
    """The messages' element in this request's language (template helper)."""
    kept = current_app.extensions.setdefault(EXTENSION, {})
    language = str(get_locale())
    found = kept.get(language)
    if found is None:
        # The template uses nothing but the translations: no Flask context is needed.
        html = current_app.jinja_env.get_template(TEMPLATE).render()
        found = kept[language] = Markup(html.strip())  # noqa: S704 - autoescaped template
    return found
