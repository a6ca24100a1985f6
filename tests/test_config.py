"""Settings: development needs nothing, production refuses to start until it is safe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_migrate import upgrade

from shop import create_app
from shop.config import DEV_SECRET_KEY, GOOGLE_DISCOVERY_URL, ConfigError, load_config
from shop.extensions import db

GOOD_SECRET = "a-random-production-secret-key-0123456789abcdef"
PRODUCTION = {
    "VITRINA_ENV": "production",
    "SECRET_KEY": GOOD_SECRET,
    "GOOGLE_CLIENT_ID": "1234.apps.googleusercontent.com",
    "GOOGLE_CLIENT_SECRET": "google-secret",
    "DATABASE_URL": "postgresql+psycopg://vitrina@db/vitrina",
}


def test_development_works_with_nothing_set(tmp_path):
    config = load_config(str(tmp_path), environ={})

    assert config["ENV_NAME"] == "development"
    assert config["SECRET_KEY"] == DEV_SECRET_KEY
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'vitrina.sqlite3'}"
    assert config["MEDIA_DIR"] == str(tmp_path / "media")
    assert config["OIDC_DISCOVERY_URL"] == GOOGLE_DISCOVERY_URL
    assert config["GOOGLE_CLIENT_ID"] is None
    assert config["LOCAL_SIGNIN"] is False
    assert config["SESSION_COOKIE_SECURE"] is False


def test_development_app_starts_with_nothing_set(tmp_path, monkeypatch):
    for name in (*PRODUCTION, "LOCAL_SIGNIN", "OIDC_DISCOVERY_URL", "MEDIA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VITRINA_INSTANCE_PATH", str(tmp_path))

    app = create_app()

    assert app.config["ENV_NAME"] == "development"
    assert app.test_client().get("/login").status_code == 503  # explains `make run`, no crash


def test_a_fresh_checkout_gets_its_database_folder_and_migrates(tmp_path, monkeypatch):
    """`make run` on a new clone: instance/ does not exist until the app makes it."""
    for name in (*PRODUCTION, "LOCAL_SIGNIN", "OIDC_DISCOVERY_URL", "MEDIA_DIR"):
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "not-yet" / "instance"
    monkeypatch.setenv("VITRINA_INSTANCE_PATH", str(instance))

    app = create_app()
    with app.app_context():
        upgrade()
        db.engine.dispose()

    assert (instance / "vitrina.sqlite3").is_file()


def test_production_starts_when_everything_is_set(tmp_path):
    config = load_config(str(tmp_path), environ=PRODUCTION)

    assert config["ENV_NAME"] == "production"
    assert config["SECRET_KEY"] == GOOD_SECRET
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SQLALCHEMY_DATABASE_URI"] == PRODUCTION["DATABASE_URL"]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"])
def test_production_refuses_to_start_without_a_secret_and_names_it(tmp_path, missing):
    environ = {k: v for k, v in PRODUCTION.items() if k != missing}

    with pytest.raises(ConfigError, match=missing):
        load_config(str(tmp_path), environ=environ)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"])
def test_production_treats_an_empty_value_as_missing(tmp_path, missing):
    with pytest.raises(ConfigError, match=missing):
        load_config(str(tmp_path), environ=PRODUCTION | {missing: ""})


def test_production_names_every_missing_setting_at_once(tmp_path):
    with pytest.raises(ConfigError) as refused:
        load_config(str(tmp_path), environ={"VITRINA_ENV": "production"})

    for name in ("SECRET_KEY", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"):
        assert name in str(refused.value)


def test_production_refuses_the_development_secret(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), environ=PRODUCTION | {"SECRET_KEY": DEV_SECRET_KEY})


def test_production_refuses_a_short_secret(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), environ=PRODUCTION | {"SECRET_KEY": "short-secret"})


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", "TRUE"])
def test_production_refuses_local_sign_in(tmp_path, value):
    with pytest.raises(ConfigError, match="LOCAL_SIGNIN"):
        load_config(str(tmp_path), environ=PRODUCTION | {"LOCAL_SIGNIN": value})


def test_production_app_refuses_to_be_created_without_secrets(tmp_path, monkeypatch):
    for name in PRODUCTION:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VITRINA_ENV", "production")
    monkeypatch.setenv("VITRINA_INSTANCE_PATH", str(tmp_path))

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_refuses_an_unknown_environment_name(tmp_path):
    with pytest.raises(ConfigError, match="VITRINA_ENV"):
        load_config(str(tmp_path), environ={"VITRINA_ENV": "prod"})


def test_local_sign_in_and_discovery_url_come_from_the_environment(tmp_path):
    config = load_config(
        str(tmp_path),
        environ={
            "LOCAL_SIGNIN": "1",
            "OIDC_DISCOVERY_URL": "http://127.0.0.1:9400/.well-known/openid-configuration",
        },
    )

    assert config["LOCAL_SIGNIN"] is True
    assert config["OIDC_DISCOVERY_URL"].startswith("http://127.0.0.1:9400/")


def test_session_lifetimes_come_from_the_environment(tmp_path):
    config = load_config(
        str(tmp_path), environ={"SESSION_IDLE_MINUTES": "30", "SESSION_MAX_DAYS": "7"}
    )

    assert config["SESSION_IDLE_TIMEOUT"] == timedelta(minutes=30)
    assert config["PERMANENT_SESSION_LIFETIME"] == timedelta(days=7)


def test_vapid_settings_are_checked_at_start(tmp_path):
    from shop.lib.vapid import new_private_key, public_key_of

    private = new_private_key()
    good = {"VAPID_PRIVATE_KEY": private, "VAPID_SUBJECT": "mailto:ops@example.com"}
    assert load_config(str(tmp_path), environ=good)["VAPID_PUBLIC_KEY"] == public_key_of(private)
    bad = [
        ({"VAPID_PRIVATE_KEY": "not-a-key"}, "base64url P-256"),
        (good | {"VAPID_PUBLIC_KEY": public_key_of(new_private_key())}, "is not the public key"),
        (good | {"VAPID_SUBJECT": "ops@example.com"}, "VAPID_SUBJECT"),
        ({"VAPID_PUBLIC_KEY": public_key_of(private)}, "needs VAPID_PRIVATE_KEY"),
    ]
    for environ, message in bad:
        with pytest.raises(ConfigError, match=message):
            load_config(str(tmp_path), environ=environ)
