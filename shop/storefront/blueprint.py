"""The shopper's blueprint: public pages, no sign-in, no cookies."""

from flask import Blueprint

bp = Blueprint("storefront", __name__)
