"""Sessions: public requests run without one, so they set no cookie."""

from __future__ import annotations

from flask import current_app
from flask.globals import request_ctx


def detach_session() -> None:
    """Give this request a read-only null session (a before_request hook).

    Nothing on a public page may write to the session (a write now raises), and
    Flask adds neither ``Set-Cookie`` nor ``Vary: Cookie`` for a null session, even
    when an extension reads it (Flask-Login does after every request).
    """
    ctx = request_ctx._get_current_object()
    if hasattr(ctx, "_session"):  # Flask 3.1 keeps the opened session here
        ctx._session = current_app.session_interface.make_null_session(current_app)
