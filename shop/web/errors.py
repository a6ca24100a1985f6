"""Friendly error pages: a person always gets a page they can act on, never a traceback."""

from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from shop.extensions import db, login_manager
from shop.web.logs import request_id


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (
            _("Something in that request was not right"),
            _("Go back, check the form and try again."),
        ),
        403: (_("That is not yours"), _("You do not have access to this page.")),
        404: (_("Page not found"), _("The link may be old or mistyped.")),
        405: (_("Not allowed"), _("That action is not available here.")),
        413: (_("That is too large"), _("Files can be at most 10 MB. Try a smaller one.")),
        429: (_("Too many tries"), _("Please wait a minute and try again.")),
        500: (
            _("Something went wrong on our side"),
            _("Nothing you did. Please try again in a moment."),
        ),
        503: (
            _("We will be right back"),
            _("The shop is briefly unavailable. Please try again in a minute."),
        ),
    }


def render_error(
    code: int, title: str | None = None, detail: str | None = None, *, reference: bool = False
):
    """The error page; `reference` shows the request id, which the log line carries too."""
    default_title, default_detail = _messages().get(code, _messages()[500])
    return (
        render_template(
            "error.html",
            code=code,
            title=title or default_title,
            detail=detail or default_detail,
            reference=request_id() if reference else None,
        ),
        code,
    )


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400, _("This form has expired"), _("Reload the page and send the form again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code)
        if error.code == 405 and error.valid_methods:
            return response[0], 405, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_down(error):
        _rollback_quietly()
        # The page is rendered without the database: nothing on it may look the signed-in
        # merchant up again (that would fail the same way, and turn the 503 into a 500).
        g._login_user = login_manager.anonymous_user()
        app.logger.error("Database unavailable: %s", error)
        if request.is_json:  # the cart script shows `error` and keeps the cart to retry
            _title, detail = _messages()[ServiceUnavailable.code]
            response = jsonify(error=detail, reference=request_id())
            response.headers["Retry-After"] = "30"
            return response, ServiceUnavailable.code
        return render_error(ServiceUnavailable.code, reference=True)

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        """Flask has logged the traceback already (with the request id); the page
        shows the id and nothing else."""
        _rollback_quietly()
        return render_error(500, reference=True)


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.remove()
