"""Caddy's question before it gets a certificate for a name (on-demand TLS's ``ask``):
``/caddy/ask?domain=tienda.example.com`` answers 200 only for a shop's verified, live
domain, anything else 404, so a name sprayed at the TLS port gets no certificate.

Cheap by design (one query on a unique index, no session, no template) and rate-limited
(RATELIMIT_TLS_ASK), since Caddy asks on every handshake for a name it has no
certificate for yet.
"""

from __future__ import annotations

from flask import Blueprint, request
from sqlalchemy import select

from shop.extensions import db
from shop.models import Shop
from shop.web import limits

bp = Blueprint("tls", __name__)
MAX_NAME = 253


@bp.get("/caddy/ask")
@limits.tls_ask
def ask():
    name = (request.args.get("domain") or "").strip().lower().rstrip(".")
    if not name or len(name) > MAX_NAME:
        return _answer("no", 404)
    found = db.session.scalar(select(Shop.id).where(Shop.custom_domain == name))
    return _answer("yes", 200) if found is not None else _answer("no", 404)


def _answer(text: str, status: int):
    return text + "\n", status, {"Content-Type": "text/plain", "Cache-Control": "no-store"}
