"""gettext and ngettext as Flask-Babel's, with the request's catalog found once per
request and language instead of once per call.

Flask-Babel looks the catalog up on every call: its context through `g`, the locale,
the locale's identifier as a string, then its cache (about 20 Python calls). A
checkout's rules and WhatsApp message ask for a dozen strings, a product page's
template for as many; here the catalog is kept on Flask-Babel's own context beside
the locale it was found for, and used again while that locale is the request's.
`force_locale` (the message is written in the order's language) puts another locale
object in place and back, and the catalog is looked up again each time: the answers
are always Flask-Babel's own (tests/web/test_translating.py holds them equal).
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

_KEPT = "vitrina_catalog"  # (locale, catalog) on Flask-Babel's context in `g`


def catalog():
    """The translations Flask-Babel would use now (NullTranslations outside a request)."""
    try:
        context = g._flask_babel
        kept = getattr(context, _KEPT)
        if kept[0] is context.babel_locale:
            return kept[1]
    except (AttributeError, RuntimeError):  # no context yet, no locale yet, no app
        pass
    found = get_translations()
    context = g.get("_flask_babel") if g else None
    if context is not None and getattr(context, "babel_locale", None) is not None:
        setattr(context, _KEPT, (context.babel_locale, found))
    return found


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext."""
    text = catalog().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """flask_babel.ngettext (`num` is also a variable of the text)."""
    variables.setdefault("num", num)
    return catalog().ungettext(singular, plural, num) % variables


def install_in_templates(app: Flask) -> None:
    """Templates' _(), gettext and ngettext through the kept catalog: the callables
    Flask-Babel installs in Jinja, with the same behaviour (newstyle: autoescaped,
    formatted with the keyword arguments).

    Jinja wraps newstyle callables twice (``_`` calls ``gettext`` through the context,
    which calls the function through it again): four calls per text, a twentieth of
    an uncached product page's time. `_`, `gettext` and `ngettext` do the same work in
    one call each."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: catalog().ugettext(text),
        ngettext=lambda singular, plural, n: catalog().ungettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, text: catalog().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: catalog().unpgettext(
            context, singular, plural, n
        ),
    )
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)
    app.jinja_env.globals["ngettext"] = _template_ngettext


@pass_context
def _template_gettext(context: Context, string: str, /, **variables) -> str:
    text = catalog().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - a translation, as Jinja's newstyle gettext
    return text % variables  # always a format: "%%" is "%", as in Jinja's


@pass_context
def _template_ngettext(
    context: Context, singular: str, plural: str, num: int, /, **variables
) -> str:
    variables.setdefault("num", num)
    text = catalog().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - a translation, as Jinja's newstyle ngettext
    return text % variables
