"""The operator's blueprint: every URL under /operator is for operators only.

Anyone else, signed in or not, gets 404 on every route and method: the pages do not
exist for them, so there is nothing to probe. The check runs before every other
hook (the CSRF check would otherwise answer a merchant's POST with 400), and by
path, so a wrong method is a 404 too rather than a 405 that says the URL exists.
"""

from flask import Blueprint, abort, request
from flask_login import current_user

PREFIX = "/operator"
bp = Blueprint("operator", __name__, url_prefix=PREFIX)


def require_operator() -> None:
    """An app-wide before_request hook, first of all: 404 unless an operator asks."""
    path = request.path
    if request.blueprint != "operator" and path != PREFIX and not path.startswith(PREFIX + "/"):
        return
    if not (current_user.is_authenticated and current_user.is_operator):
        abort(404)


@bp.record_once
def install_guard(state) -> None:
    state.app.before_request_funcs.setdefault(None, []).insert(0, require_operator)


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.vary.add("Cookie")
    return response
