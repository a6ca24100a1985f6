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


def make_order(
    shop: Shop,
    lines: list[tuple[str, int, int]] | None = None,
    *,
    status: str = "new",
    shipping: tuple[str, int] | None = ("Entrega a domicilio", 300),
    created_at=None,
    **fields,
):
    """An order as checkout records it: lines (name, unit price, quantity), totals, history.

    Its number is the shop's next one; a status other than new gets a second history row.
    """
    import secrets
    from datetime import timedelta

    from shop.models import Activity, Order, OrderLine, OrderStatus, utcnow

    lines = lines if lines is not None else [("Camiseta azul", 2000, 2), ("Gorra", 850, 1)]
    created_at = created_at or utcnow()
    subtotal = sum(price * quantity for _name, price, quantity in lines)
    shipping_name, shipping_price = shipping or ("", 0)
    number = shop.next_order_number
    shop.next_order_number = number + 1
    values = {
        "customer_name": "Ana",
        "customer_address": "Calle Mayor 1, Madrid",
        "customer_notes": "",
        "currency": shop.currency,
        "currency_exponent": shop.currency_exponent,
        "language": shop.language,
        "shipping_needs_address": bool(shipping),
    } | fields
    order = Order(
        shop=shop,
        number=number,
        token=secrets.token_urlsafe(32),
        idempotency_key=secrets.token_hex(16),
        status=OrderStatus(status),
        shipping_name=shipping_name,
        shipping_price_minor=shipping_price,
        subtotal_minor=subtotal,
        total_minor=subtotal + shipping_price,
        created_at=created_at,
        **values,
    )
    for position, (name, price, quantity) in enumerate(lines):
        order.lines.append(
            OrderLine(
                position=position,
                name=name,
                code=f"C-{position + 1}",
                unit_price_minor=price,
                quantity=quantity,
                line_total_minor=price * quantity,
            )
        )
    order.status_changes.append(Activity(status=OrderStatus.NEW, changed_at=created_at))
    if order.status != OrderStatus.NEW:
        order.status_changes.append(
            Activity(status=order.status, changed_at=created_at + timedelta(minutes=5))
        )
    db.session.add(order)
    db.session.flush()
    return order


def make_group(
    item,
    name: str,
    choices,
    *,
    kind: str = "other",
    min_choices=1,
    max_choices=1,
    is_variant: bool | None = None,
):
    """An option group; `choices` are names or (name, price change in minor units).
    Sizes and colours are variant groups unless `is_variant` says otherwise."""
    from shop.models import OptionChoice, OptionGroup, OptionKind

    group = OptionGroup(
        item=item,
        name=name,
        kind=OptionKind(kind),
        is_variant=kind in ("size", "color") if is_variant is None else is_variant,
        min_choices=min_choices,
        max_choices=max_choices,
        position=len(item.option_groups),
    )
    for position, choice in enumerate(choices):
        label, delta = (choice, 0) if isinstance(choice, str) else choice
        group.choices.append(OptionChoice(name=label, price_delta_minor=delta, position=position))
    db.session.add(group)
    db.session.flush()
    return group


def set_variant_stock(item, choices, stock: int):
    """Units of one size/colour combination (choices: OptionChoice rows)."""
    from shop.catalog.variants import combination_key
    from shop.models import VariantStock

    row = VariantStock(item=item, key=combination_key(c.id for c in choices), stock=stock)
    db.session.add(row)
    db.session.flush()
    return row
