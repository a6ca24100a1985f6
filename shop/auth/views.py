"""Sign-in and sign-out URLs.

/login sends the person to the OpenID provider, /login/callback checks its answer and
opens a fresh server-side session, POST /logout ends it. Anything that goes wrong on
the way ends on a page that says what happened and how to try again.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from shop.auth import oidc
from shop.auth.sessions import end_session, start_session, user_for_identity
from shop.extensions import db
from shop.web import limits
from shop.web.redirects import is_safe_path, safe_path

bp = Blueprint("auth", __name__)

NEXT_KEY = "auth_next"
HOME = "/dashboard"
# Kept across sign-in and sign-out: a preference, not a credential.
KEPT_SESSION_KEYS = ("lang",)


@bp.after_request
def no_store(response):
    # Sign-in responses carry one-time state; no cache may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/login")
@limits.sign_in
def login():
    """Start signing in with the provider, remembering a safe page to come back to."""
    target = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(safe_path(target, HOME))
    if not oidc.is_configured(current_app.config):
        return render_template("auth/not_configured.html"), 503
    session[NEXT_KEY] = target if is_safe_path(target) else None
    try:
        return oidc.start_sign_in(url_for("auth.callback", _external=True))
    except oidc.SignInError as error:
        return _problem(error)


@bp.get("/login/callback")
@limits.sign_in
def callback():
    """Finish signing in: check the provider's answer, then open a fresh session."""
    if not oidc.is_configured(current_app.config):
        return render_template("auth/not_configured.html"), 503
    try:
        identity = oidc.identity_from_claims(oidc.finish_sign_in(request.args))
    except oidc.SignInError as error:
        return _problem(error)
    target = safe_path(session.get(NEXT_KEY), HOME)
    user = user_for_identity(identity)
    if current_user.is_authenticated:
        end_session(current_user.session_token)
    _fresh_session()
    start_session(user)
    login_user(user)
    session.permanent = True
    db.session.commit()
    return redirect(target)


@bp.post("/logout")
def logout():
    """End the server-side session, so even a copy of the cookie stops working."""
    if current_user.is_authenticated:
        end_session(current_user.session_token)
    logout_user()
    _fresh_session()
    db.session.commit()
    return redirect(url_for("site.index"))


def _fresh_session() -> None:
    """Drop everything in the cookie session (no fixation, no leftovers) but preferences."""
    kept = {key: session[key] for key in KEPT_SESSION_KEYS if key in session}
    session.clear()
    session.update(kept)


def _problem(error: oidc.SignInError):
    """A page for a sign-in that could not finish; never a traceback."""
    current_app.logger.warning("Sign-in stopped: %s", error)
    status, title, detail = _problems().get(error.reason, _problems()["token"])
    return render_template("auth/problem.html", title=title, detail=detail), status


def _problems() -> dict[str, tuple[int, str, str]]:
    return {
        "denied": (
            403,
            _("Sign-in was cancelled"),
            _("You did not allow Vitrina to sign you in. You can try again whenever you like."),
        ),
        "unverified": (
            403,
            _("Your e-mail address is not verified"),
            _(
                "Your account's e-mail address has not been verified by the provider, so "
                "Vitrina cannot sign you in with it. Verify it with your provider, or use "
                "another account, and try again."
            ),
        ),
        "state": (
            400,
            _("This sign-in link has expired"),
            _(
                "It was already used, or it was started in another browser or too long "
                "ago. Please start signing in again."
            ),
        ),
        "token": (
            400,
            _("We could not confirm who you are"),
            _("The answer from the sign-in provider could not be checked. Please try again."),
        ),
        "provider_error": (
            400,
            _("The sign-in provider refused the request"),
            _("Please try again. If it keeps happening, tell us."),
        ),
        "provider_down": (
            503,
            _("The sign-in provider is not answering"),
            _("Signing in is not possible right now. Please try again in a few minutes."),
        ),
    }
