"""The analytics beacon: the shop page's script reports a view, an add, a checkout
opened or an order placed, after the page has loaded (static/js/shop-stats.js).

Public pages stay exactly as cacheable as before: nothing about counting is in them
but one deferred script, and this endpoint sets no cookie. Like checkout, it needs no
CSRF token (there is no session to ride): a request another site's page sends is
refused by its Origin / Sec-Fetch-Site, and a flood is cut by a rate limit keyed on a
hash of the address (shop.web.limits.beacon). Every answer is an empty 204, counted
or not, so the endpoint tells a prober nothing.

Views, adds and checkouts, nearly every event, never get here: the beacon's fast path
(beacon_path.py) answers them before Flask with the same checks. This view answers
the rest: an order's report and "Open WhatsApp" again (they read the orders), and
bodies the fast path does not take (malformed, oversized), as it always did.

With ANALYTICS_BEACON=off the pages carry no script and this answers the same empty
204 without counting (a page a browser kept from before may still send an event).
"""

from __future__ import annotations

from datetime import UTC

from flask import Response, current_app, request
from sqlalchemy import select

from shop import analytics
from shop.analytics.days import local_day
from shop.analytics.live import live_counts
from shop.extensions import csrf, db
from shop.lib import clock
from shop.models import Shop
from shop.storefront.blueprint import bp
from shop.web import limits
from shop.web.origins import same_site_request


@bp.post("/s/<slug>/e")
@csrf.exempt
@limits.beacon
def beacon(slug: str):
    """Count one event (a small JSON object sent as text by navigator.sendBeacon)."""
    event = _read_event()
    headers = request.headers
    user_agent = headers.get("User-Agent", "")
    if (
        event is not None
        and current_app.config["ANALYTICS_BEACON"]
        and same_site_request()
        and not analytics.opted_out(headers)
        and not analytics.is_bot(user_agent)
    ):
        shop = db.session.execute(
            select(Shop.id, Shop.time_zone, Shop.whatsapp).where(
                Shop.slug == slug, Shop.suspended_at.is_(None)
            )
        ).first()
        moment = clock.now()
        now = moment.astimezone(UTC).replace(tzinfo=None)
        if shop is not None and analytics.record(
            shop.id,
            event,
            request.remote_addr or "",
            user_agent,
            now,
            day=local_day(shop, moment),
            live=live_counts(),
        ):
            db.session.commit()
    return Response(status=204, headers={"Cache-Control": "no-store"})


def _read_event() -> analytics.Event | None:
    """The event, or None for anything that is not a small object of known fields."""
    return analytics.read_event(request.get_data(as_text=True))
