"""What every worker needs whatever shop it serves, made once as the app starts.

gunicorn loads the app once and forks its workers from it (preload_app, see
gunicorn.conf.py), so what the master makes before the fork every worker has from its
first request on, for the price of making it once per deploy. Left to the first
request instead, each new worker's first shop page paid for it on a shopper's time:
compiling the storefront's templates (tens of milliseconds), the page statements
(the first view's is the largest), loading the translations and the number formats
of the languages and their regions (a Mexican shop's prices are written es_MX's
way: loading that took a twentieth of a first render), hashing the code for the
ETags and the static files for their URLs, writing the cart script's messages in
each language, and finding the link previews' font.

Nothing here depends on a shop, a catalog or a request: cards, frames, prices and
pages are still made on first use and remembered by what they are made of. The
connection opened to compile the statements for the server's dialect is closed
again (the pool disposed), so no connection is shared across the fork.
"""

from __future__ import annotations

import logging

from babel.core import Locale
from flask import Flask
from flask_babel import force_locale, get_translations
from jinja2 import Environment, meta
from sqlalchemy.exc import SQLAlchemyError

from shop.extensions import db
from shop.lib.locales import LANGUAGES, regional_locales
from shop.media.previews import find_font
from shop.storefront.fast.caching import code_version
from shop.storefront.fast.messages import cart_messages
from shop.storefront.fast.plain_sql import PlainSelect
from shop.web.assets import EXTENSION as ASSETS

log = logging.getLogger(__name__)

# The templates of public pages (and those they extend, include and import): a
# shopper's first request after a deploy renders them.
TEMPLATE_PREFIX = "storefront/"


def warm_up(app: Flask) -> None:
    """Make, once, what any worker's first public page would make (see the module)."""
    code_version()
    find_font()
    _compile_templates(app.jinja_env)
    static_files = app.extensions.get(ASSETS)
    with app.test_request_context():
        if static_files is not None:
            static_files.load_all()  # and their URLs, for the app's own root path
        for language in LANGUAGES:
            for name in _number_locales(language):
                Locale.parse(name).currency_formats  # noqa: B018 - loads the locale's data
            with force_locale(language):
                get_translations()
                cart_messages()
        try:
            with db.engine.connect() as connection:
                PlainSelect.compile_all(connection.dialect)
        except SQLAlchemyError as error:  # compiled on first use instead
            log.warning("statements not compiled at start-up: %s", error)
        finally:
            db.engine.dispose()


# The languages whose shops' regional number formats (shop.lib.locales.regional_locale)
# are loaded before the fork: Spanish's twenty-odd regions cost 2 MB and 60 ms once per
# deploy. English is spoken officially in some ninety (about 9 MB in every worker, for
# few shops): an English-speaking shop's region loads on its first page instead.
REGIONS_AT_START = frozenset({"es"})


def _number_locales(language: str) -> tuple[str, ...]:
    """The locales whose number formats warm_up loads for shops of `language`."""
    return regional_locales(language) if language in REGIONS_AT_START else (language,)


def _compile_templates(env: Environment) -> None:
    """Compile the public pages' templates and every template they name."""
    names = [
        name
        for name in env.list_templates(filter_func=lambda name: name.startswith(TEMPLATE_PREFIX))
        if name.endswith(".html")
    ]
    done: set[str] = set()
    while names:
        name = names.pop()
        if name in done:
            continue
        done.add(name)
        env.get_template(name)
        source = env.loader.get_source(env, name)[0]
        names += [
            found
            for found in meta.find_referenced_templates(env.parse(source))
            if found is not None and found not in done
        ]
