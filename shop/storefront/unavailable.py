"""The page a suspended shop's links show: neutral, the same for every suspended shop.

It names neither the shop nor the reason (a scam's name and logo are what the
operator took down; the reason is between the operator and the merchant). The
status is 403: the shop exists and is refused, on purpose and not briefly. Not 410
(a deleted shop), nor 451 (a legal demand, which most suspensions are not), nor 503
(it invites retries and says the site is down). No cache keeps it, so a lifted
suspension shows on the next request.
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from shop.web.caching import private
from shop.web.errors import render_error

STATUS = 403


def unavailable_response():
    body, status = render_error(
        STATUS,
        _("This shop is unavailable"),
        _("It cannot be visited or take orders at the moment."),
    )
    response = private(body)
    response.status_code = status
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def abort_if_suspended(shop) -> None:
    """End the request with the unavailable page when an operator suspended `shop`."""
    if shop.suspended:
        abort(unavailable_response())
