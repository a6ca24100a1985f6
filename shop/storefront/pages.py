"""Shop and product pages."""

from flask import abort

from .blueprint import bp


@bp.get("/s/<slug>")
def shop_page(slug: str):
    abort(501)  # TODO(stub): being built
