"""Flask's fixed cost per request, trimmed where it does work no Vitrina request needs.

A kept shop page never reaches Flask, but everything else does: the first render after
a merchant's change, searches, the cart's checkout, the dashboard. Flask asks
`inspect.iscoroutinefunction` of every before- and after-request hook and view on
every request (a dozen of them here), though the answer never changes: `LeanFlask`
remembers it. (The other trim, no signer for a request without a session cookie, is
the session interface's: see sessions.py.)
"""

from __future__ import annotations

from inspect import iscoroutinefunction

from flask import Flask


class LeanFlask(Flask):
    """Flask, with the trim above."""

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
