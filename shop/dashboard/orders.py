"""The merchant's orders: list, detail, status, CSV export."""

from flask import abort

from .blueprint import bp


@bp.route("/orders", methods=["GET"])
def orders():
    abort(501)  # TODO(stub): being built
