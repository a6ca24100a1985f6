"""Pages that belong to no audience in particular: the front page and the language switch."""

from flask import Blueprint, redirect, render_template, request, session
from flask_login import current_user

from .i18n import LANGUAGES
from .urls import safe_path

bp = Blueprint("site", __name__)


@bp.get("/")
def index():
    """The front door: merchants go to their dashboard, visitors see what Vitrina is."""
    if current_user.is_authenticated:
        return redirect("/dashboard")
    return render_template("site/index.html")


@bp.post("/language")
def set_language():
    """Remember the language the merchant picked over the browser's preference."""
    language = request.form.get("lang", "")
    if language in LANGUAGES:
        session["lang"] = language
    return redirect(safe_path(request.form.get("next"), "/"))
