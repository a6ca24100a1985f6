"""`flask --app shop dev`: the zero-set-up local run, with a local OpenID provider.

It migrates the database, starts the oidc-provider-mock package's provider in a
thread on 127.0.0.1, points this app's sign-in at it, makes sure the demo shop exists
and serves the app. The same sign-in code runs as in production; only the provider
differs. It refuses to run with a production configuration.
"""

from __future__ import annotations

import contextlib
import io
import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import click
from babel import support
from flask import Flask, current_app, request
from flask.cli import with_appcontext
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from shop.auth import oidc
from shop.dev.worker import start_worker, stop_worker
from shop.extensions import db
from shop.lib.locales import LANGUAGES

PROVIDER_HOST = "127.0.0.1"
PROVIDER_PORT = 9400
DEMO_SUBJECT = "demo"
SIGNIN_TEMPLATES = Path(__file__).with_name("signin_templates")
TRANSLATIONS = Path(__file__).parent.parent / "translations"


# The local sign-in page's words. The provider is another Flask app, without Flask-Babel,
# so they are marked here for the app's catalog and translated with it per request, in
# the browser's language (shop/translations, the same .po file as every other string).
def _(text: str) -> str:
    """Marks a string for `make messages`; signin_texts translates it."""
    return text


SIGNIN_TEXTS = {
    "badge": _("Local test sign-in"),
    "title": _("Sign in to Vitrina"),
    "intro": _(
        "This page stands in for Google while Vitrina runs on your computer. "
        "Nothing is checked: no password, and no e-mail is sent."
    ),
    "demo_heading": _("Manage the demo shop"),
    "demo_hint": _("Its owner already has a shop with products, photos and orders."),
    "demo_button": _("Sign in as the demo owner"),
    "new_heading": _("Be a new merchant"),
    "name_label": _("Any name"),
    "name_placeholder": _("e.g. ana"),
    "name_hint": _(
        "Type any word, e.g. ana. The same word signs you in again later; "
        "a new one is a new merchant, who sets up a shop. Your e-mail will be "
        "<name>@example.com."
    ),
    "missing": _("Type a name first."),
    "sign_in": _("Sign in"),
    "previous_heading": _("Sign in again as"),
    "deny": _("Cancel"),
    "redirect": _("Afterwards you go back to"),
}


@lru_cache(maxsize=len(LANGUAGES))
def _catalog(lang: str) -> support.Translations:
    return support.Translations.load(str(TRANSLATIONS), [lang])


def signin_texts(lang: str) -> dict[str, str]:
    """The sign-in page's words in `lang` (English where the catalog has none)."""
    catalog = _catalog(lang)
    return {key: catalog.gettext(text) for key, text in SIGNIN_TEXTS.items()}


class _QuietHandler(WSGIRequestHandler):
    """The provider's own request log would bury the app's."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@dataclass
class LocalProvider:
    """A running local OpenID provider; ``issuer`` is what its ID tokens say."""

    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def issuer(self) -> str:
        return f"http://{PROVIDER_HOST}:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def local_claims(subject: str) -> dict:
    """Claims for someone signing in locally: a verified e-mail, or Vitrina refuses them."""
    email = subject if "@" in subject else f"{subject}@example.com"
    return {"email": email, "email_verified": True, "name": subject}


def refuse_production(app: Flask) -> None:
    if app.config.get("ENV_NAME") == "production":
        raise click.ClickException(
            "`flask dev` runs a local sign-in provider that lets anyone in; it never runs "
            "with VITRINA_ENV=production. Use a real server (e.g. gunicorn) there."
        )


def provider_package():
    """The oidc-provider-mock package (a dev dependency), imported without its warnings."""
    try:
        with warnings.catch_warnings():  # its Authlib deprecation notices are not ours to fix
            warnings.simplefilter("ignore", DeprecationWarning)
            import oidc_provider_mock
    except ImportError as error:  # pragma: no cover - dev extra missing
        raise click.ClickException(
            "The local sign-in provider is missing: pip install -e '.[dev]' (or `make run`)."
        ) from error
    return oidc_provider_mock


def start_local_provider(port: int = PROVIDER_PORT) -> LocalProvider:
    """Start oidc-provider-mock on 127.0.0.1 (port 9400, or any free one when it is taken)."""
    oidc_provider_mock = provider_package()
    mock = oidc_provider_mock.app(
        user_claims=[oidc_provider_mock.User(sub=DEMO_SUBJECT, claims=local_claims(DEMO_SUBJECT))]
    )
    # Same host as the app: a cookie of the same name would overwrite the app's session.
    mock.config["SESSION_COOKIE_NAME"] = "local_oidc_provider"
    _verify_typed_subjects(mock, known={DEMO_SUBJECT})
    use_own_sign_in_page(mock)
    try:
        server = make_server(
            PROVIDER_HOST, port, mock, threaded=True, request_handler=_QuietHandler
        )
    except (OSError, SystemExit):
        # Werkzeug reports a taken port by printing and exiting: any free port will do.
        server = make_server(PROVIDER_HOST, 0, mock, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="local-oidc", daemon=True)
    thread.start()
    return LocalProvider(server=server, thread=thread)


def use_own_sign_in_page(mock: Flask) -> None:
    """The provider's form in Vitrina's look and languages, with nothing from a CDN.

    Its templates of the same names are looked up here first; the form keeps the fields
    the provider reads (``sub``, ``action=deny``)."""
    mock.jinja_loader = ChoiceLoader([FileSystemLoader(SIGNIN_TEMPLATES), mock.jinja_loader])

    @mock.context_processor
    def sign_in_texts():
        lang = request.accept_languages.best_match(LANGUAGES) or "en"
        return {"lang": lang, "texts": signin_texts(lang)}


def _verify_typed_subjects(mock: Flask, known: set[str]) -> None:
    """Give a subject typed into the provider's form a verified e-mail before it signs in.

    On its own the mock gives such a subject only ``{"email": sub}``, which Vitrina
    rightly refuses as unverified. The claims are set through the mock's documented
    ``PUT /users/<sub>``.
    """

    @mock.before_request
    def add_verified_claims():
        if request.method != "POST" or not request.path.endswith("/oauth2/authorize"):
            return
        subject = request.form.get("sub")
        if subject and subject not in known:
            known.add(subject)
            mock.test_client().put(f"/users/{quote(subject, safe='')}", json=local_claims(subject))


def use_local_provider(app: Flask, issuer: str) -> None:
    """Point the app's sign-in at the local provider (development only)."""
    refuse_production(app)
    app.config.update(
        OIDC_DISCOVERY_URL=f"{issuer}/.well-known/openid-configuration",
        LOCAL_SIGNIN=True,
        GOOGLE_CLIENT_ID=oidc.LOCAL_CLIENT_ID,
        GOOGLE_CLIENT_SECRET=oidc.LOCAL_CLIENT_SECRET,
    )
    oidc.init_app(app)  # forget any client built from the previous settings


def use_dev_vapid_key(app: Flask) -> None:
    """Web Push works in the local run without set-up: a VAPID key made once and kept in
    the instance folder (browsers' subscriptions are tied to it, so it must outlive a
    restart). A key from the environment wins."""
    from shop.lib.vapid import new_private_key, public_key_of

    if not app.config.get("VAPID_PRIVATE_KEY"):
        path = Path(app.instance_path) / "vapid-dev-private-key.txt"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(new_private_key() + "\n", encoding="ascii")
            path.chmod(0o600)
        app.config["VAPID_PRIVATE_KEY"] = path.read_text(encoding="ascii").strip()
    app.config["VAPID_PUBLIC_KEY"] = public_key_of(app.config["VAPID_PRIVATE_KEY"])
    app.config["VAPID_SUBJECT"] = app.config.get("VAPID_SUBJECT") or "mailto:dev@localhost"


def prepare(app: Flask, provider_port: int = PROVIDER_PORT) -> LocalProvider:
    """Everything before serving: migrations, provider, demo shop. Returns the provider."""
    from flask_migrate import upgrade

    from shop.dev.demo import ensure_demo_shop

    refuse_production(app)
    upgrade()
    use_dev_vapid_key(app)
    provider = start_local_provider(provider_port)
    try:
        use_local_provider(app, provider.issuer)
        ensure_demo_shop(owner_issuer=provider.issuer, owner_subject=DEMO_SUBJECT)
        db.session.commit()
    except BaseException:
        provider.stop()
        raise
    return provider


def banner(app_url: str, provider: LocalProvider) -> str:
    return "\n".join(
        [
            "",
            "  Vitrina is running (development, local sign-in).",
            "",
            f"    App:        {app_url}/",
            f"    Demo shop:  {app_url}/s/demo",
            f"    Dashboard:  {app_url}/dashboard",
            f"    Sign-in:    local OpenID provider at {provider.issuer}",
            "    Jobs:       a background worker (flask --app shop jobs worker)",
            "",
            "  To sign in, click 'Sign in with Google': here it opens the local provider's page.",
            "  There:",
            f"    - press '{DEMO_SUBJECT}' (or type {DEMO_SUBJECT}) to manage the demo shop;",
            "    - type any other name to be a new merchant and set up a shop.",
            "  Everyone signing in here gets a verified e-mail <name>@example.com.",
            "  (Google sign-in is used instead when the app runs with GOOGLE_CLIENT_ID set.)",
            "",
            "  Press Ctrl+C to stop.",
            "",
        ]
    )


def serve(server: BaseWSGIServer) -> None:
    """Serve until Ctrl+C (kept apart so tests can run everything else)."""
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


def listen(host: str, port: int, app: Flask) -> BaseWSGIServer:
    """Take the app's port first, so a busy one is one clear line before any work is done.

    Werkzeug reports a taken port by printing several lines and exiting: both are caught.
    """
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            return make_server(host, port, app, threaded=True)
    except (OSError, SystemExit):
        other = port + 1 if 0 < port < 65535 else 5001
        raise click.ClickException(
            f"Port {port} on {host} is busy (another program, or Vitrina already running): "
            f"stop it, or run `make run PORT={other}` (flask --app shop dev --port {other})."
        ) from None


@click.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=5000,
    show_default=True,
    type=int,
    envvar="PORT",
    help="Port to listen on (or PORT=...).",
)
@click.option(
    "--signin-port",
    default=PROVIDER_PORT,
    show_default=True,
    type=int,
    envvar="SIGNIN_PORT",
    help="Port of the local sign-in provider (or SIGNIN_PORT=...); any free one if taken.",
)
@with_appcontext
def dev_command(host: str, port: int, signin_port: int) -> None:
    """Migrate, seed the demo shop, start a local sign-in provider and serve the app."""
    app = current_app._get_current_object()
    refuse_production(app)
    server = listen(host, port, app)
    try:
        provider = prepare(app, signin_port)
    except BaseException:
        server.server_close()
        raise
    try:
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        worker = start_worker(app)
        click.echo(banner(f"http://{shown_host}:{server.server_port}", provider))
        try:
            serve(server)
        finally:
            stop_worker(worker)
        server.server_close()
    finally:
        provider.stop()
