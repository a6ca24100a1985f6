"""The application: its Flask class and create_app(), which only wires things together
(configuration, extensions, blueprints, error pages, commands, and last the request
pipeline, whose order is set in shop/pipeline.py). It never touches the network or
the database schema.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from flask import Flask, Response
from sqlalchemy.engine import make_url

from shop import pipeline
from shop.config import load_config
from shop.extensions import babel, db, login_manager, migrate
from shop.lib import write_turn
from shop.storefront.hosts import custom_origin, host_form, is_shop_link, links_to_shop_host
from shop.web import assets, headers, limits, logs
from shop.web.lean import LeanFlask

ROOT = Path(__file__).resolve().parent.parent


class Vitrina(LeanFlask):
    """The app: Flask (trimmed, see lean.py), with storefront links in the shop's host
    form under SHOP_DOMAIN and static files under content-hashed names."""

    def send_static_file(self, filename: str) -> Response:
        """Flask's static route: fingerprinted files, cached for a year (assets.py)."""
        return assets.serve_static(filename)

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values,
    ) -> str:
        slug = values.get("slug")
        origin = None
        if is_shop_link(endpoint, slug):
            origin = custom_origin(slug, external=bool(_external), scheme=_scheme)
        if origin is None and not links_to_shop_host(self, endpoint, slug):
            return super().url_for(
                endpoint,
                _anchor=_anchor,
                _method=_method,
                _scheme=_scheme,
                _external=_external,
                **values,
            )
        path = super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)
        return host_form(self, slug, path, external=bool(_external), scheme=_scheme, origin=origin)


def create_app(test_config: dict | None = None) -> Flask:
    app = Vitrina(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=os.environ.get("VITRINA_INSTANCE_PATH") or str(ROOT / "instance"),
    )
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    make_instance_folder(app.instance_path, app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = write_turn.engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )

    register_extensions(app)
    register_jobs(app)
    register_blueprints(app)
    headers.init_app(app)
    limits.init_app(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    assets.init_app(app)
    logs.init_app(app)
    # Last: middleware, sessions and request hooks, in the order a request meets them.
    pipeline.install(app)
    return app


def register_extensions(app: Flask) -> None:
    """The extensions without request hooks; those with hooks (CSRF, sign-in, rate
    limits) are set up by the pipeline, where their hooks belong."""
    from shop.auth import oidc
    from shop.auth.sessions import load_user
    from shop.web.locale import select_locale, select_timezone
    from shop.web.translating import install_in_templates

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_in_templates(app)  # the catalog found once per request (web/translating.py)
    oidc.init_app(app)  # the app's own provider client
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # the server-side session row is the protection


# The rooms that declare background work (shop.jobs.kinds), imported before the queue
# is built so it knows every kind and schedule; JOB_MODULES adds more (plugins, tests).
JOB_MODULES = (
    "shop.jobs.housekeeping",
    "shop.mail.outbox",
    "shop.push.sender",
    "shop.shops.export_job",
    "shop.shops.imports.job",
    "shop.media.pending",
    "shop.ordering.customer_privacy",
    "shop.shops.domains.checks",
    "shop.activity.pruning",
)


def register_jobs(app: Flask) -> None:
    from shop import jobs

    for module in (*JOB_MODULES, *app.config["JOB_MODULES"]):
        importlib.import_module(module)
    jobs.init_app(app)


def register_blueprints(app: Flask) -> None:
    from shop.auth import bp as auth_bp
    from shop.dashboard import bp as dashboard_bp
    from shop.media.views import bp as media_bp
    from shop.operator import bp as operator_bp
    from shop.site import health, pages, tls
    from shop.storefront import bp as storefront_bp

    for blueprint in (
        health.bp,
        pages.bp,
        tls.bp,
        auth_bp,
        dashboard_bp,
        media_bp,
        operator_bp,
        storefront_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from shop.web.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from shop.lib.locales import LANGUAGE_NAMES, LANGUAGES, html_lang, money
    from shop.lib.phones import format_whatsapp
    from shop.media.urls import image_srcset, image_url, preview_url

    app.add_template_filter(money, "money")
    app.add_template_filter(format_whatsapp, "phone")
    app.add_template_filter(html_lang, "html_lang")
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        get_locale=get_locale,
        image_url=image_url,
        image_srcset=image_srcset,
        preview_url=preview_url,
    )


def register_commands(app: Flask) -> None:
    from shop.cli import register

    register(app)


def make_instance_folder(instance_path: str, uri: str) -> None:
    """SQLite creates its file but not the folder: on a fresh checkout the default
    database lives in instance/, which does not exist yet. A database configured
    elsewhere is left alone: a mistyped folder should fail, not appear."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    if Path(url.database).parent == Path(instance_path):
        Path(instance_path).mkdir(parents=True, exist_ok=True)
