"""Sharing the shop link: copy, QR code, WhatsApp share, link preview."""

from flask import abort

from .blueprint import bp


@bp.route("/share", methods=["GET"])
def share():
    abort(501)  # TODO(stub): being built
