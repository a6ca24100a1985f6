"""Logs: one JSON object per line (LOG_FORMAT=json) or plain text, each with a request id,
and nothing in them that should not be: no cookies, tokens, secrets, phone numbers or
what shoppers typed.

The request id comes from the proxy's X-Request-ID when it looks like one (letters,
digits and ``._:-``, 8 to 128 of them; anything else could forge log lines), else it
is made here; either way it goes back in the response's X-Request-ID header and on
every line logged while the request runs, and on every line a background job logs for
the request that started it (``job_request``). An unexpected error's page shows it as a
reference, so a merchant's report leads to the line with the traceback.

Scrubbing happens in the formatter, on the finished text (traceback included), so a
careless log call cannot leak what it was given: SQL parameters (which carry names,
addresses and notes), cookie and authorization headers, tokens in URLs and query
strings, credentials in URLs, the configured secrets themselves, and phone numbers
(kept as ``+34*******78``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import Flask, has_request_context, request
from flask.logging import default_handler

ENVIRON_REQUEST_ID = "vitrina.request_id"
HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
SECRET_SETTINGS = ("SECRET_KEY", "GOOGLE_CLIENT_SECRET", "MAIL_PASSWORD")
SECRET_ENVIRONMENT = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
REDACTED = "[redacted]"

_PATTERNS = [
    # SQLAlchemy errors end with the statement's parameters: what shoppers typed.
    (re.compile(r"\[parameters: .*?(?=\n\(Background on this error|\Z)", re.S), "[parameters: "
     + REDACTED + "]"),
    (re.compile(r"(?im)^(\s*(?:cookie|set-cookie|authorization)\s*[:=]).*$"), r"\1 " + REDACTED),
    (re.compile(r"(?i)\b(__Host-vitrina|session|remember_token)=[^;\s'\"]+"), r"\1=" + REDACTED),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + REDACTED),
    (re.compile(r"/o/[A-Za-z0-9_-]{20,}"), "/o/" + REDACTED),
    (
        re.compile(
            r"(?i)\b(code|state|nonce|token|access_token|id_token|refresh_token|csrf_token"
            r"|password|secret|client_secret|idempotency_key)(['\"]?\s*[=:]\s*['\"]?)"
            r"[^&\s'\",;}]+"
        ),
        r"\1\2" + REDACTED,
    ),
    (re.compile(r"\b([a-z][a-z0-9+.-]*://[^:/\s@]*:)[^@\s/]+@"), r"\1" + REDACTED + "@"),
]  # fmt: skip
# +34612345678, +34 612 34 56 78, 612 345 678, 612345678: at least 9 digits, or 7 after +;
# after + hyphens too, as phonenumbers writes some countries' (+1 201-555-0123, +54 9 11
# 1234-5678). Not without +: dates and times would look like numbers.
_PHONE = re.compile(r"(?<![\w.])(\+\d(?:[ -]?\d){6,16}|\d(?:[ ]?\d){8,16})(?![\w.])")


def _mask_phone(match: re.Match) -> str:
    text = match.group(0)
    digits = [ch for ch in text if ch.isdigit()]
    plus = "+" if text.startswith("+") else ""
    return plus + "".join(digits[:2]) + "*" * (len(digits) - 4) + "".join(digits[-2:])


def scrub(text: str, secrets_: tuple[str, ...] = ()) -> str:
    """`text` without what must never be in a log (see the module's docstring)."""
    for secret in secrets_:
        text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return _PHONE.sub(_mask_phone, text)


_job_request_id: ContextVar[str | None] = ContextVar("vitrina_job_request_id", default=None)


def request_id() -> str | None:
    """This request's id; in a background job, the id of the request that started it."""
    if not has_request_context():
        return _job_request_id.get()
    return request.environ.get(ENVIRON_REQUEST_ID)


@contextmanager
def job_request(rid: str | None) -> Iterator[None]:
    """Log what runs inside under `rid`, the request a background job was started by."""
    token = _job_request_id.set(rid)
    try:
        yield
    finally:
        _job_request_id.reset(token)


class RequestIds:
    """WSGI middleware, outermost: every response (the fast path's too) gets an id."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        given = environ.get("HTTP_X_REQUEST_ID", "")
        trusted = self.app.config.get("TRUST_PROXY_HEADERS") and _SANE_ID.fullmatch(given)
        rid = given if trusted else secrets.token_hex(16)
        environ[ENVIRON_REQUEST_ID] = rid

        def start(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            headers.append((HEADER, rid))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


class ScrubbingFormatter(logging.Formatter):
    """Plain text lines with the request id, scrubbed."""

    def __init__(self, secrets_: tuple[str, ...] = ()) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        self.secrets = secrets_

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = request_id() or "-"
        return scrub(super().format(record), self.secrets)


class JsonFormatter(ScrubbingFormatter):
    """One JSON object per line: time, level, logger, request_id, message, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": request_id(),
            "message": scrub(record.getMessage(), self.secrets),
        }
        if has_request_context():
            entry["method"] = request.method
            entry["path"] = scrub(request.path, self.secrets)
        if record.exc_info:
            entry["traceback"] = scrub(self.formatException(record.exc_info), self.secrets)
        return json.dumps(entry, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (gunicorn and pytest both swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


PACKAGE_LOGGER = "shop"


def configured_secrets(app: Flask) -> tuple[str, ...]:
    values = [app.config.get(name) for name in SECRET_SETTINGS]
    values += [os.environ.get(name) for name in SECRET_ENVIRONMENT]
    return tuple(value for value in values if isinstance(value, str) and len(value) >= 8)


def init_app(app: Flask) -> None:
    """Log through one handler on the package's logger ("shop"), the parent of the app's
    ("shop.app") and of every module's (``logging.getLogger(__name__)``), so each line is
    scrubbed whoever wrote it. Request ids come from RequestIds, the outermost
    middleware (shop/pipeline.py)."""
    json_lines = app.config.get("LOG_FORMAT") == "json"
    formatter = JsonFormatter if json_lines else ScrubbingFormatter
    handler = StderrHandler()
    handler.setFormatter(formatter(configured_secrets(app)))
    handler.vitrina = True
    if default_handler in app.logger.handlers:
        app.logger.removeHandler(default_handler)
    logger = logging.getLogger(PACKAGE_LOGGER)
    for old in [app.logger, logger]:
        for stale in list(old.handlers):
            if getattr(stale, "vitrina", False):
                old.removeHandler(stale)
    logger.addHandler(handler)
    for each in (logger, app.logger):
        if each.level == logging.NOTSET or each.level > logging.INFO:
            each.setLevel(logging.INFO)
    app.jinja_env.globals["request_id"] = request_id
