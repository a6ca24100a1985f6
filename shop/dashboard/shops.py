"""Shop set-up, settings and switching between a merchant's shops."""

from flask import abort

from .blueprint import bp


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    abort(501)  # TODO(stub): being built


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    abort(501)  # TODO(stub): being built


@bp.route("/switch", methods=["POST"])
def switch_shop():
    abort(501)  # TODO(stub): being built
