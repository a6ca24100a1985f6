"""Pages that belong to no audience in particular: the front page and the language switch.

The front page sets no cookie on a plain visit, like every public page. Its language
switch is a POST, protected against cross-site requests in two ways: a visitor who
already has a session (a merchant) must send the usual CSRF token with it, and a
visitor without one, who has no token to send (giving them one would mean a cookie),
is taken only when their browser says it comes from this site (Origin or
Sec-Fetch-Site, which every current browser sends with a form POST; checkout relies
on them too). The worst a forged switch could do to a cookieless visitor is pick
their language.
"""

from flask import Blueprint, redirect, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf

from shop.extensions import csrf
from shop.lib.locales import LANGUAGES
from shop.web.assets import serve_static
from shop.web.origins import same_site_request
from shop.web.redirects import safe_path

bp = Blueprint("site", __name__)


@bp.get("/")
def index():
    """The front door: merchants go to their dashboard, visitors see what Vitrina is."""
    if current_user.is_authenticated:
        return redirect("/dashboard")
    return render_template("site/index.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on their own, whatever the page links."""
    return serve_static("favicon.ico")


@bp.post("/language")
@csrf.exempt  # checked below: the token when there is a session, the browser's word always
def set_language():
    """Remember the language the merchant picked over the browser's preference."""
    if session:
        csrf.protect()
    elif not from_this_site():
        raise CSRFError("A form without a session must say it comes from this site.")
    language = request.form.get("lang", "")
    if language in LANGUAGES:
        session["lang"] = language
    return redirect(safe_path(request.form.get("next"), "/"))


def from_this_site() -> bool:
    """The browser said where the request comes from, and it is this site."""
    said = "Origin" in request.headers or "Sec-Fetch-Site" in request.headers
    return said and same_site_request()


@bp.app_template_global()
def language_switch_token() -> str:
    """The CSRF token for the language switch, or "" for a visitor without a session
    (making one would set a cookie on a public page)."""
    return generate_csrf() if session else ""
