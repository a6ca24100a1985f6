"""The check that makes a domain live: the app fetches
``http://<domain>/.well-known/vitrina/<token>`` and the answer must be this domain's
token. The storefront serves that token for any host that is a waiting or live domain
(shop/storefront/hosts.py), so the answer proves the name points at this server and
that the merchant pointed it. Every fetch goes through the one guard against
server-side request forgery (shop.lib.safe_fetch): a name that resolves to a private
address is refused unless the operator allows it (DOMAIN_CHECK_ALLOW_HOSTS).

A live domain whose checks fail keeps serving for GRACE (a DNS hiccup must not take a
shop down); past it, the shop stops answering there until a check passes again.
"""

from __future__ import annotations

import socket
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from shop.extensions import db
from shop.jobs.kinds import periodic
from shop.lib.safe_fetch import FetchRefused, fetch
from shop.models import DomainState, Shop, ShopDomain, utcnow

WELL_KNOWN = "/.well-known/vitrina/"
GRACE = timedelta(days=3)
LIVE_RECHECK = timedelta(hours=6)
PER_RUN = 200  # domains checked per periodic run; the next run takes the rest
# The resolver every check uses; tests put a fake DNS here.
resolver = socket.getaddrinfo


def check_url(name: str, token: str) -> str:
    port = current_app.config.get("DOMAIN_CHECK_PORT") or 80
    netloc = name if port == 80 else f"{name}:{port}"
    return f"http://{netloc}{WELL_KNOWN}{token}"


def check_domain(domain: ShopDomain) -> bool:
    """Fetch the token, move the domain's state and the shop's custom_domain (committed);
    True when it passed."""
    now = utcnow()
    try:
        fetched = fetch(
            check_url(domain.name, domain.token),
            allow_hosts=current_app.config.get("DOMAIN_CHECK_ALLOW_HOSTS") or (),
            max_bytes=1024,
            timeout=10.0,
            content_types=("text/plain",),
            max_redirects=2,
            resolver=resolver,
        )
        error = "" if fetched.data.decode("utf-8", "replace").strip() == domain.token else "token"
    except FetchRefused as refused:
        error = refused.reason[:40]
    shop = db.session.get(Shop, domain.shop_id)
    domain.checked_at = now
    domain.last_error = error
    if not error:
        domain.state = DomainState.LIVE
        domain.failing_since = None
        shop.custom_domain = domain.name
    elif domain.state != DomainState.WAITING:
        if domain.failing_since is None:
            domain.failing_since = now
        domain.state = DomainState.FAILING
        if now - domain.failing_since > GRACE:
            domain.state = DomainState.WAITING
            shop.custom_domain = None
    db.session.commit()
    return not error


def check_due_domains(limit: int = PER_RUN) -> dict:
    """Check the domains that are due: waiting and failing ones every run, live ones
    every LIVE_RECHECK."""
    now = utcnow()
    due = db.session.scalars(
        select(ShopDomain)
        .where(
            or_(
                ShopDomain.state != DomainState.LIVE,
                ShopDomain.checked_at.is_(None),
                ShopDomain.checked_at < now - LIVE_RECHECK,
            )
        )
        .order_by(ShopDomain.checked_at.asc().nulls_first(), ShopDomain.id)
        .limit(limit)
    ).all()
    passed = sum(1 for domain in due if check_domain(domain))
    return {"checked": len(due), "passed": passed}


@periodic("domains-check", every=timedelta(minutes=15))
def check_domains(job) -> dict:
    """The periodic re-check of custom domains."""
    return check_due_domains()
