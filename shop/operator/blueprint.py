"""The operator's blueprint: every URL under /operator is for operators only.

Anyone else, signed in or not, gets 404 on every route and method: the pages do not
exist for them, so there is nothing to probe. The check, `require_operator`, runs
before the CSRF check (which would otherwise answer a merchant's POST with 400; the
order is set in shop/pipeline.py), and by path, so a wrong method is a 404 too rather
than a 405 that says the URL exists.
"""

from flask import Blueprint, abort, request
from flask_login import current_user

from shop.web import limits

PREFIX = "/operator"
# Operators' posts get the dashboard's ceiling, counted apart; others get 404 before
# any counting.
bp = limits.posts_ceiling(Blueprint("operator", __name__, url_prefix=PREFIX))


def require_operator() -> None:
    """An app-wide before_request hook, before the CSRF check (see shop/pipeline.py):
    404 unless an operator asks."""
    path = request.path
    if request.blueprint != "operator" and path != PREFIX and not path.startswith(PREFIX + "/"):
        return
    if not (current_user.is_authenticated and current_user.is_operator):
        abort(404)


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.vary.add("Cookie")
    return response
