"""Telling visitors apart for one day, as Plausible does: a hash of (address, user
agent, shop) with a random salt made for that day and deleted after it.

Neither the address nor the user agent is stored or logged; the hash cannot be
reversed, and once the salt is gone the same person tomorrow gets an unrelated hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, timedelta

from sqlalchemy import delete, select

from shop.analytics.upserts import insert_ignore
from shop.extensions import db
from shop.models import DailySalt

# Crawlers, link previews, monitors, scripts and headless browsers.
BOTS = re.compile(
    r"bot|crawl|spider|slurp|preview|headless|lighthouse|pagespeed|phantomjs|puppeteer"
    r"|playwright|selenium|facebookexternalhit|whatsapp/|curl|wget|python|httpx|java/"
    r"|go-http|okhttp|axios|node-fetch|monitor|uptime|scan",
    re.IGNORECASE,
)

_salts: dict[date, bytes] = {}  # this process's copy of today's salt


def is_bot(user_agent: str) -> bool:
    """No user agent, or one that says it is no person's browser."""
    return not user_agent.strip() or BOTS.search(user_agent) is not None


def opted_out(headers) -> bool:
    """Do Not Track or Global Privacy Control: the shopper asked not to be counted."""
    return headers.get("DNT") == "1" or headers.get("Sec-GPC") == "1"


def salt_for(day: date) -> bytes:
    """The day's salt, made by whichever process asks first. Days are the shops' own,
    so up to three dates are current somewhere at once (UTC-12 to UTC+14); older
    salts are deleted then (and by shop.analytics.pruning once a day is over
    everywhere), so a hash of a past day can no longer be made again."""
    salt = _salts.get(day)
    if salt is not None:
        return salt
    insert_ignore(DailySalt, {"day": day, "salt": secrets.token_bytes(32)}, ["day"])
    db.session.execute(delete(DailySalt).where(DailySalt.day < day - timedelta(days=2)))
    salt = db.session.scalar(select(DailySalt.salt).where(DailySalt.day == day))
    for old in [d for d in _salts if abs((d - day).days) > 2]:
        del _salts[old]
    _salts[day] = salt
    return salt


def has_salt(day: date) -> bool:
    """Whether this process knows the day's salt already (salt_for needs no database)."""
    return day in _salts


def visitor_digest(salt: bytes, address: str, user_agent: str, shop_id: int) -> str:
    """The day's name for one visitor of one shop: 32 hex digits of a keyed BLAKE2b."""
    message = f"{address}\n{user_agent}\n{shop_id}".encode()
    return hashlib.blake2b(message, key=salt, digest_size=16).hexdigest()
