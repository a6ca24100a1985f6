"""Flask's fixed cost per request, trimmed where it does work no Vitrina request needs.

A kept shop page never reaches Flask, but everything else does: the first render after
a merchant's change, searches, the cart's checkout, the dashboard. Two of Flask's
defaults cost a bare request here a tenth of its time, for nothing:

- the session: Flask builds its signing serializer (a key derivation) for every
  request, even one without a session cookie, which is every shopper's;
- hooks: Flask asks `inspect.iscoroutinefunction` of every before- and after-request
  hook and view on every request (a dozen of them here), though the answer never
  changes.
"""

from __future__ import annotations

from inspect import iscoroutinefunction

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions; a request without the cookie skips the signer."""

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()  # what Flask returns then, after building the signer
        return super().open_session(app, request)


class LeanFlask(Flask):
    """Flask, with the two trims above."""

    session_interface = CookieSessions()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._is_async: dict = {}

    def ensure_sync(self, func):
        """Flask's answer, remembered per function (a bound method by its function)."""
        key = getattr(func, "__func__", func)
        try:
            is_async = self._is_async[key]
        except KeyError:
            is_async = self._is_async[key] = iscoroutinefunction(func)
        except TypeError:  # an unhashable callable: ask every time
            is_async = iscoroutinefunction(func)
        return self.async_to_sync(func) if is_async else func
