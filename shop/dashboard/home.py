"""The merchant's home: where they land after signing in."""

from flask import redirect, render_template, url_for
from sqlalchemy import func, select

from shop.dashboard.access import current_shop
from shop.dashboard.blueprint import bp
from shop.dashboard.checklist import next_step, setup_steps
from shop.extensions import db
from shop.models import Item, Order, OrderStatus


@bp.get("")
def home():
    shop = current_shop()
    if shop is None:
        return redirect(url_for("dashboard.setup"))
    item_count = db.session.scalar(
        select(func.count()).select_from(Item).where(Item.shop_id == shop.id)
    )
    new_orders = db.session.scalar(
        select(func.count())
        .select_from(Order)
        .where(Order.shop_id == shop.id, Order.status == OrderStatus.NEW)
    )
    steps = setup_steps(shop)
    return render_template(
        "dashboard/home.html",
        shop=shop,
        item_count=item_count,
        new_orders=new_orders,
        steps=steps,
        next_step=next_step(steps),
    )
