"""Products and services: the catalog list, the item form, bulk actions."""

from flask import abort

from .blueprint import bp


@bp.route("/items", methods=["GET"])
def items():
    abort(501)  # TODO(stub): being built


@bp.route("/items/new", methods=["GET", "POST"])
def new_item():
    abort(501)  # TODO(stub): being built
