"""Categories: create, rename, reorder, delete without losing items."""

from flask import abort

from .blueprint import bp


@bp.route("/categories", methods=["GET"])
def categories():
    abort(501)  # TODO(stub): being built
