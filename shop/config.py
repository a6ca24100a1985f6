"""Settings, read from environment variables and checked before the app starts.

Development runs with nothing configured (SQLite, a local media folder, a local
sign-in provider); production refuses to start until every secret is real, and
says which one is missing.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

GOOGLE_DISCOVERY_URL = "https://accounts.google.com/.well-known/openid-configuration"
DEV_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 - refused in production
ENVIRONMENTS = ("development", "production", "test")


class ConfigError(RuntimeError):
    """The environment does not describe a safe, complete configuration."""


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: str, environ: os._Environ | dict | None = None) -> dict:
    """Build the Flask config mapping from the environment."""
    env = os.environ if environ is None else environ
    instance = Path(instance_path)
    vitrina_env = env.get("VITRINA_ENV", "development").strip().lower()
    if vitrina_env not in ENVIRONMENTS:
        raise ConfigError(f"VITRINA_ENV must be one of {', '.join(ENVIRONMENTS)}.")
    production = vitrina_env == "production"

    config = {
        "ENV_NAME": vitrina_env,
        "SECRET_KEY": env.get("SECRET_KEY") or (None if production else DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL")
        or f"sqlite:///{instance / 'vitrina.sqlite3'}",
        "MEDIA_DIR": env.get("MEDIA_DIR") or str(instance / "media"),
        # Photos in the local folder above, or in an S3-compatible bucket that several
        # app servers share (credentials: boto3 reads AWS_ACCESS_KEY_ID and friends).
        "MEDIA_STORAGE": (env.get("MEDIA_STORAGE") or "local").strip().lower(),
        "MEDIA_BASE_URL": (env.get("MEDIA_BASE_URL") or "").strip().rstrip("/") or None,
        "S3_BUCKET": (env.get("S3_BUCKET") or "").strip() or None,
        "S3_ENDPOINT_URL": (env.get("S3_ENDPOINT_URL") or "").strip() or None,
        "S3_REGION": env.get("S3_REGION") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"),
        "GOOGLE_CLIENT_ID": env.get("GOOGLE_CLIENT_ID"),
        "GOOGLE_CLIENT_SECRET": env.get("GOOGLE_CLIENT_SECRET"),
        "OIDC_DISCOVERY_URL": env.get("OIDC_DISCOVERY_URL") or GOOGLE_DISCOVERY_URL,
        # Set by `flask --app shop dev` only: the local OpenID provider for the demo.
        "LOCAL_SIGNIN": _flag(env.get("LOCAL_SIGNIN")),
        "TRUST_PROXY_HEADERS": _flag(env.get("TRUST_PROXY_HEADERS")),
        # "json": one JSON object per log line (shop/web/logs.py); plain text otherwise.
        "LOG_FORMAT": (env.get("LOG_FORMAT") or "text").strip().lower(),
        "FLASK_DEBUG": _flag(env.get("FLASK_DEBUG")),
        # Shops also answer at <slug>.<SHOP_DOMAIN> and link that form (shop/storefront/hosts.py).
        "SHOP_DOMAIN": shop_domain(env.get("SHOP_DOMAIN")),
        # The main host (dashboard, sign-in), e.g. https://shop.example.com: links to it
        # written during a request on a shop's host (the new-order e-mail) are built on it.
        "APP_URL": (env.get("APP_URL") or "").strip().rstrip("/") or None,
        "SESSION_IDLE_TIMEOUT": timedelta(
            minutes=int(env.get("SESSION_IDLE_MINUTES", 60 * 24 * 3))
        ),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=int(env.get("SESSION_MAX_DAYS", 30))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        # __Host-: the browser takes it only over HTTPS, for this host, on path "/".
        "SESSION_COOKIE_NAME": "__Host-vitrina" if production else "session",
        "SESSION_COOKIE_PATH": "/",
        "STRICT_TRANSPORT_SECURITY": "max-age=63072000; includeSubDomains" if production else None,
        # Rate-limit counts (shop/web/limits.py) shared by every app server through Redis.
        "REDIS_URL": env.get("REDIS_URL"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI")
        or env.get("REDIS_URL")
        or "memory://",
        # Unset means on (off only in TESTING apps); RATELIMIT_ENABLED=0 turns limits off.
        "RATELIMIT_ENABLED": _flag(env["RATELIMIT_ENABLED"])
        if env.get("RATELIMIT_ENABLED")
        else None,
        # The cookie's expiry is the absolute lifetime, set once at sign-in; idle expiry is
        # enforced on the server. Not refreshing also keeps Set-Cookie off public pages.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_DURATION": timedelta(0),
        # Background jobs (shop/jobs): huey's queue on Redis when there is one, else a
        # SQLite file next to the default database; results (exports) kept in a folder
        # every app server and worker shares.
        "JOBS_REDIS_URL": env.get("JOBS_REDIS_URL") or env.get("REDIS_URL"),
        # Analytics counters (shop/analytics/live.py) in Redis when there is one, folded
        # into the database's daily rows by a periodic job; else one upsert per event.
        # ANALYTICS_REDIS_URL=off keeps them in the database while Redis serves the rest.
        "ANALYTICS_REDIS_URL": None
        if env.get("ANALYTICS_REDIS_URL") == "off"
        else env.get("ANALYTICS_REDIS_URL") or env.get("REDIS_URL"),
        # ANALYTICS_BEACON=off: public pages carry no analytics script, the beacon's
        # fast path is not installed and the endpoint counts nothing (an operator who
        # wants no counting at all; the benchmarks' "without the beacon" shop page).
        "ANALYTICS_BEACON": _flag(env.get("ANALYTICS_BEACON", "on")),
        "JOBS_SQLITE_PATH": env.get("JOBS_SQLITE_PATH") or str(instance / "jobs-queue.sqlite3"),
        "JOBS_QUEUE_NAME": env.get("JOBS_QUEUE_NAME") or "vitrina",
        "JOBS_WORKER_THREADS": int(env.get("JOBS_WORKER_THREADS") or 2),
        "JOBS_HEARTBEAT_SECONDS": float(env.get("JOBS_HEARTBEAT_SECONDS") or 10),
        "JOBS_RETRY_DELAY": float(env.get("JOBS_RETRY_DELAY") or 10),
        "JOBS_KEEP_DAYS": int(env.get("JOBS_KEEP_DAYS") or 30),
        # The activity log (who changed what) keeps rows this long; an order's history
        # stays as long as the order.
        "ACTIVITY_KEEP_DAYS": int(env.get("ACTIVITY_KEEP_DAYS") or 365),
        "JOB_FILES_DIR": env.get("JOB_FILES_DIR") or str(instance / "job-files"),
        # Extra modules that declare kinds of job (plugins, tests), comma-separated.
        "JOB_MODULES": tuple(
            m.strip() for m in (env.get("JOB_MODULES") or "").split(",") if m.strip()
        ),
        # A shop on the home screen (shop/storefront/home_screen.py): its service worker,
        # on unless switched off, keeps at most this many pages and megabytes per shop.
        "SERVICE_WORKER": _flag(env.get("SERVICE_WORKER", "on")),
        "SERVICE_WORKER_PAGES": int(env.get("SERVICE_WORKER_PAGES") or 40),
        "SERVICE_WORKER_MEGABYTES": float(env.get("SERVICE_WORKER_MEGABYTES") or 20),
        # A shop with at least this many products and photos is exported in the background.
        "EXPORT_IN_BACKGROUND_FROM": int(env.get("EXPORT_IN_BACKGROUND_FROM") or 300),
        # Web Push to merchants' devices (shop/push): the VAPID key pair (base64url, as
        # `vapid --gen` or web-push's generate-vapid-keys print them) and a contact
        # (mailto: or https:); no private key means no push. The public key is derived
        # from the private one; VAPID_PUBLIC_KEY, when given, must match it.
        "VAPID_PRIVATE_KEY": (env.get("VAPID_PRIVATE_KEY") or "").strip() or None,
        "VAPID_PUBLIC_KEY": (env.get("VAPID_PUBLIC_KEY") or "").strip() or None,
        "VAPID_SUBJECT": (env.get("VAPID_SUBJECT") or "").strip() or None,
        # The push services a browser's subscription may point at (the app posts to
        # them, so no other address is ever accepted); "*." matches any subdomain.
        "PUSH_SERVICES": (
            "https://fcm.googleapis.com",
            "https://updates.push.services.mozilla.com",
            "https://web.push.apple.com",
            "https://*.push.apple.com",
            "https://*.notify.windows.com",
        ),
        # The largest file a merchant may import (a Vitrina ZIP carries its photos).
        "IMPORT_MAX_BYTES": int(env.get("IMPORT_MAX_BYTES") or 60 * 1024 * 1024),
        # Photos by URL: hosts fetched even on a private address (shop.lib.safe_fetch),
        # comma-separated; empty: only public addresses. Seconds per photo.
        "IMPORT_FETCH_ALLOW_HOSTS": [
            host.strip()
            for host in (env.get("IMPORT_FETCH_ALLOW_HOSTS") or "").split(",")
            if host.strip()
        ],
        "IMPORT_FETCH_TIMEOUT": float(env.get("IMPORT_FETCH_TIMEOUT") or 10),
        # Custom domains' checks (shop.shops.domains.checks): hosts checked even on a
        # private address, comma-separated, and the port the check fetches (80).
        "DOMAIN_CHECK_ALLOW_HOSTS": [
            host.strip()
            for host in (env.get("DOMAIN_CHECK_ALLOW_HOSTS") or "").split(",")
            if host.strip()
        ],
        "DOMAIN_CHECK_PORT": int(env.get("DOMAIN_CHECK_PORT") or 80),
        # E-mail through any SMTP server; no MAIL_SERVER means no e-mail (shop/mail).
        "MAIL_SERVER": (env.get("MAIL_SERVER") or "").strip() or None,
        "MAIL_PORT": int(env.get("MAIL_PORT") or 587),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        # STARTTLS (port 587) unless MAIL_USE_TLS=0; MAIL_USE_SSL=1 for TLS from the start (465).
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS", "1")),
        "MAIL_USE_SSL": _flag(env.get("MAIL_USE_SSL")),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER") or None,
        "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT") or 30),
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,  # ten phone photos in one item form
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }
    if config["LOG_FORMAT"] not in ("text", "json"):
        raise ConfigError("LOG_FORMAT must be text or json.")
    check_media(config, production=production)
    check_app_url(config, production=production)
    check_vapid(config)
    if production:
        check_production(config)
    return config


def shop_domain(value: str | None) -> str | None:
    """``example.shop`` (a host name, optionally with a port for development), or None."""
    domain = (value or "").strip().lower().strip(".")
    if not domain:
        return None
    host, _, port = domain.partition(":")
    labels = host.split(".")
    if (
        not all(re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", label) for label in labels)
        or (port and not port.isdigit())
        or len(domain) > 200
    ):
        raise ConfigError("SHOP_DOMAIN must be a domain name such as example.shop (no scheme).")
    return domain


def check_app_url(config: dict, *, production: bool) -> None:
    """APP_URL is an origin (no path); production with shop hosts needs it, or the
    dashboard links written on a shop's host would point at that host."""
    url = urlsplit(config["APP_URL"] or "")
    if config["APP_URL"] and (
        url.scheme not in ("http", "https")
        or not url.netloc
        or url.path
        or url.query
        or url.fragment
    ):
        raise ConfigError("APP_URL must be an address such as https://shop.example.com (no path).")
    if production and config["SHOP_DOMAIN"] and not config["APP_URL"]:
        raise ConfigError(
            "SHOP_DOMAIN needs APP_URL, the main host (e.g. https://shop.example.com): "
            "links to the dashboard written on a shop's host are built on it."
        )


def check_vapid(config: dict) -> None:
    """A VAPID key that cannot sign, or a key pair that does not match, is refused at
    start rather than at the first new order."""
    private = config["VAPID_PRIVATE_KEY"]
    if not private:
        if config["VAPID_PUBLIC_KEY"]:
            raise ConfigError("VAPID_PUBLIC_KEY needs VAPID_PRIVATE_KEY.")
        return
    from shop.lib.vapid import VapidKeyError, public_key_of

    try:
        public = public_key_of(private)
    except VapidKeyError:
        raise ConfigError("VAPID_PRIVATE_KEY must be a base64url P-256 private key.") from None
    if config["VAPID_PUBLIC_KEY"] and config["VAPID_PUBLIC_KEY"].rstrip("=") != public:
        raise ConfigError("VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY.")
    config["VAPID_PUBLIC_KEY"] = public
    subject = config["VAPID_SUBJECT"] or ""
    if not subject.startswith(("mailto:", "https://")):
        raise ConfigError("VAPID_SUBJECT must be a mailto: or https:// contact for push services.")


def check_media(config: dict, *, production: bool) -> None:
    """Refuse a media set-up that cannot work, naming the setting to fix."""
    if config["MEDIA_STORAGE"] not in ("local", "s3"):
        raise ConfigError("MEDIA_STORAGE must be local or s3.")
    for name in ("MEDIA_BASE_URL", "S3_ENDPOINT_URL"):
        url = urlsplit(config[name] or "")
        if config[name] and (
            url.scheme not in ("http", "https") or not url.netloc or url.query or url.fragment
        ):
            raise ConfigError(f"{name} must be a full http:// or https:// address.")
    if config["MEDIA_STORAGE"] == "s3":
        needed = ("S3_BUCKET", "S3_REGION") if production else ("S3_BUCKET",)
        missing = [name for name in needed if not config[name]]
        if missing:
            raise ConfigError("MEDIA_STORAGE=s3 needs these settings: " + ", ".join(missing) + ".")
    base = config["MEDIA_BASE_URL"]
    if production and base and not base.startswith("https://"):
        raise ConfigError("MEDIA_BASE_URL must start with https:// in production.")


def check_production(config: dict) -> None:
    """Refuse a production start that would be unsafe, naming what is wrong."""
    missing = [
        name
        for name in ("SECRET_KEY", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET")
        if not config.get(name)
    ]
    if missing:
        raise ConfigError("Production needs these settings: " + ", ".join(missing) + ".")
    if config["SECRET_KEY"] == DEV_SECRET_KEY or len(config["SECRET_KEY"]) < 32:
        raise ConfigError("SECRET_KEY must be a random value of at least 32 characters.")
    if config["LOCAL_SIGNIN"]:
        raise ConfigError("LOCAL_SIGNIN is for development only and cannot be used in production.")
    if config["FLASK_DEBUG"]:
        # The debugger runs any code a visitor types on an error page.
        raise ConfigError("FLASK_DEBUG is for development only and cannot be used in production.")
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Allowed (a single small server can run on SQLite), but never by accident.
        pass
