"""What the import tests share: uploading, previewing, confirming, reading a catalog back."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from shop.extensions import db
from shop.jobs import drain
from shop.models import Category, Item, ShippingMethod

EN = {"Accept-Language": "en"}
EXPORT = "/dashboard/data/export"
IMPORT = "/dashboard/data/import"


def export_zip(client) -> bytes:
    response = client.post(EXPORT, data={}, headers=EN)
    assert response.status_code == 200
    return response.get_data()


def upload(client, data: bytes, name: str = "shop.zip"):
    return client.post(
        IMPORT,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers=EN,
    )


def preview(client, data: bytes, name: str = "shop.zip"):
    response = upload(client, data, name)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    page = client.get(location, headers=EN)
    return location, page


def count(page, name: str) -> int:
    text = page.get_data(as_text=True)
    match = re.search(rf'data-count="{name}">[^<]*?(\d+)</li>', text)
    assert match, (name, text[:3000])
    return int(match.group(1))


def confirm(client, location: str) -> str:
    response = client.post(location, data={}, headers=EN)
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]
    return response.headers["Location"]


def confirm_and_run(app, client, location: str) -> str:
    """Confirm the preview and run the job; the job's page."""
    job_page = confirm(client, location)
    with app.app_context():
        drain()
    return job_page


def catalog_of(app, shop_id: int) -> dict:
    """The catalog as a shopper sees it, by names (ids differ between shops)."""
    with app.app_context():
        items = db.session.scalars(select(Item).where(Item.shop_id == shop_id).order_by(Item.name))
        found = {}
        for item in items:
            groups = [
                (
                    g.name,
                    g.kind.value,
                    g.min_choices,
                    g.max_choices,
                    [(c.name, c.price_delta_minor) for c in g.choices],
                )
                for g in item.option_groups
            ]
            names = {str(c.id): c.name for g in item.option_groups for c in g.choices}
            stock = sorted(
                ("+".join(sorted(names[p] for p in row.key.split("-"))), row.stock)
                for row in item.variant_stock
            )
            found[item.name] = {
                "price": item.price_minor,
                "compare_at": item.compare_at_minor,
                "code": item.code,
                "category": item.category.name if item.category else None,
                "availability": item.availability.value,
                "stock": item.stock,
                "description": item.description,
                "groups": groups,
                "variant_stock": stock,
                "variants": [g.name for g in item.option_groups if g.is_variant],
                "photos": len(item.photos),
            }
        shipping = sorted(
            (m.name, m.price_minor, m.needs_address)
            for m in db.session.scalars(
                select(ShippingMethod).where(ShippingMethod.shop_id == shop_id)
            )
        )
        categories = sorted(
            db.session.scalars(select(Category.name).where(Category.shop_id == shop_id))
        )
        return {"items": found, "shipping": shipping, "categories": categories}


def items_in(app, shop_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(Item.shop_id == shop_id))


def import_file(app, client, data: bytes, name: str = "shop.zip") -> None:
    """Upload, preview, confirm and run the job."""
    location, page = preview(client, data, name)
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    confirm(client, location)
    with app.app_context():
        drain()
