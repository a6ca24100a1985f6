"""Small builders for test data. They add and flush; the test decides when to commit."""

from __future__ import annotations

import itertools

from shop.extensions import db
from shop.models import Category, Item, ShippingMethod, Shop, User

_counter = itertools.count(1)


def make_user(name: str = "Ana", email: str | None = None) -> User:
    n = next(_counter)
    user = User(
        oidc_issuer="https://issuer.test",
        oidc_subject=f"subject-{n}",
        email=email or f"merchant{n}@example.com",
        name=name,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_shop(owner: User, **fields) -> Shop:
    n = next(_counter)
    values = {
        "slug": f"shop-{n}",
        "name": f"Tienda {n}",
        "description": "Ropa y accesorios",
        "whatsapp": "+34612345678",
        "currency": "EUR",
        "language": "es",
    } | fields
    shop = Shop(owner=owner, **values)
    db.session.add(shop)
    db.session.flush()
    return shop


def make_category(shop: Shop, name: str = "Camisetas", position: int = 0) -> Category:
    category = Category(shop=shop, name=name, position=position)
    db.session.add(category)
    db.session.flush()
    return category


def make_item(shop: Shop, category: Category | None = None, **fields) -> Item:
    values = {"name": "Camiseta azul", "price_minor": 2000} | fields
    item = Item(shop=shop, category=category, **values)
    db.session.add(item)
    db.session.flush()
    return item


def make_shipping(shop: Shop, **fields) -> ShippingMethod:
    values = {"name": "Entrega a domicilio", "price_minor": 300, "needs_address": True} | fields
    method = ShippingMethod(shop=shop, **values)
    db.session.add(method)
    db.session.flush()
    return method
