"""Sign-in and sign-out URLs."""

from flask import Blueprint, abort

bp = Blueprint("auth", __name__)


@bp.get("/login")
def login():
    abort(501)  # TODO(stub): being built


@bp.post("/logout")
def logout():
    abort(501)  # TODO(stub): being built
