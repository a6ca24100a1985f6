"""Shipping methods: what delivery or pickup costs."""

from flask import abort

from .blueprint import bp


@bp.route("/shipping", methods=["GET"])
def shipping_methods():
    abort(501)  # TODO(stub): being built
