"""The shopper's blueprint."""

from flask import Blueprint, abort

bp = Blueprint("storefront", __name__)


@bp.get("/s/<slug>")
def shop_page(slug: str):
    abort(501)  # TODO(stub): being built
