"""Serving stored renditions."""

from flask import Blueprint

bp = Blueprint("media", __name__)
