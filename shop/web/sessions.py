"""Sessions: a signed cookie for merchants, none at all on public pages.

A public page (the storefront, static files, media) is the same for everyone, so
browsers, proxies and CDNs may keep one copy for all: it must carry neither
``Set-Cookie`` nor ``Vary: Cookie``. `Sessions` is Flask's documented extension point
for that, a SessionInterface: a request for a public path gets a null session, which
is empty, refuses writes, and is never saved, so Flask adds no cookie and no
``Vary: Cookie`` even when an extension reads it (Flask-Login does after every
request). A merchant's cookie sent along is not even checked there.

Flask opens the session before it routes the request (so that URL converters may use
it), so the choice goes by the path: the public blueprints' URL prefixes, read from
the URL map when the app is wired (`public_paths`), which also checks that no other
page lives under them.

Everywhere else it is Flask's signed cookie, with one trim: a request without the
cookie (every shopper's, every probe's) gets an empty session without building the
signer, a key derivation Flask would otherwise run for nothing on every request.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask.sessions import NullSession, SecureCookieSession, SecureCookieSessionInterface


class NoSession(NullSession):
    """A public request's session: empty, and refusing writes with the reason."""

    def _fail(self, *args, **kwargs):
        raise RuntimeError(
            "Public pages have no session (shop.web.sessions): whatever they show must be "
            "the same for every visitor, so nothing on them may write one."
        )

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _fail
    del _fail


class Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, but none for `public_paths` (path prefixes)."""

    null_session_class = NoSession

    def __init__(self, public_paths: Iterable[str] = ()) -> None:
        self.public_paths = tuple(public_paths)

    def open_session(self, app: Flask, request) -> SecureCookieSession | None:
        if self.public_paths and request.path.startswith(self.public_paths):
            return self.make_null_session(app)
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()  # what Flask returns then, after building the signer
        return super().open_session(app, request)


def public_paths(app: Flask, public: Iterable[str]) -> tuple[str, ...]:
    """The URL prefixes of the endpoints in `public` (blueprint names, or ``static``):
    each rule's path up to its first variable (``/s/<slug>`` gives ``/s/``).

    Raises if a page of another blueprint could answer under one of them: it would
    lose its session without a word."""
    public = set(public)
    prefixes: set[str] = set()
    others = []
    for rule in app.url_map.iter_rules():
        prefix = rule.rule.split("<", 1)[0]
        if rule.endpoint.split(".", 1)[0] in public:
            prefixes.add(prefix)
        else:
            others.append((rule, prefix))
    for rule, prefix in others:
        exact = "<" not in rule.rule
        for public_prefix in prefixes:
            if prefix.startswith(public_prefix) or (not exact and public_prefix.startswith(prefix)):
                raise RuntimeError(
                    f"{rule.rule} ({rule.endpoint}) lies under {public_prefix}, where "
                    "requests get no session: give it a path of its own."
                )
    return tuple(sorted(prefixes))
