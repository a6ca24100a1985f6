"""Adding and removing a shop's domain. One domain per shop, one shop per domain: a
name another shop holds (waiting or live) is refused, and the database's unique
constraint settles two claims at the same moment."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.extensions import db
from shop.models import Shop, ShopDomain
from shop.shops.domains.names import normalise_domain


class DomainError(ValueError):
    """The domain cannot be added; `reason` is a short code the form words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def own_names() -> list[str]:
    """The app's own names, which no shop may claim."""
    config = current_app.config
    names = [config.get("SHOP_DOMAIN") or ""]
    if config.get("APP_URL"):
        names.append(urlsplit(config["APP_URL"]).hostname or "")
    if config.get("SERVER_NAME"):
        names.append(config["SERVER_NAME"].split(":")[0])
    return [name for name in names if name]


def add_domain(shop: Shop, text: str) -> ShopDomain:
    """The shop's new domain, waiting for its first check (committed). DomainNameError
    for a name that is not one; DomainError("taken") when another shop holds it,
    ("has-one") when this shop already has one (remove it first)."""
    name = normalise_domain(text, own_names())
    holder = db.session.scalar(select(ShopDomain).where(ShopDomain.name == name))
    if holder is not None:
        raise DomainError("has-one" if holder.shop_id == shop.id else "taken")
    if db.session.scalar(select(ShopDomain.id).where(ShopDomain.shop_id == shop.id)):
        raise DomainError("has-one")
    domain = ShopDomain(shop_id=shop.id, name=name, token=secrets.token_urlsafe(24))
    db.session.add(domain)
    try:
        db.session.commit()
    except IntegrityError as error:  # another request claimed it meanwhile
        db.session.rollback()
        raise DomainError("taken") from error
    return domain


def remove_domain(shop: Shop) -> bool:
    """Forget the shop's domain: it stops answering with the very next request."""
    domain = db.session.scalar(select(ShopDomain).where(ShopDomain.shop_id == shop.id))
    if domain is None:
        return False
    shop.custom_domain = None
    db.session.delete(domain)
    db.session.commit()
    return True
