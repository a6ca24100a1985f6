"""Media settings: local by default, S3 only when complete, and no network at start-up."""

from __future__ import annotations

import pytest

from shop import create_app
from shop.config import ConfigError, load_config

GOOD_SECRET = "a-random-production-secret-key-0123456789abcdef"
PRODUCTION = {
    "VITRINA_ENV": "production",
    "SECRET_KEY": GOOD_SECRET,
    "GOOGLE_CLIENT_ID": "1234.apps.googleusercontent.com",
    "GOOGLE_CLIENT_SECRET": "google-secret",
    "DATABASE_URL": "postgresql+psycopg://vitrina@db/vitrina",
}
S3 = {"MEDIA_STORAGE": "s3", "S3_BUCKET": "vitrina-media", "S3_REGION": "eu-west-1"}


def test_media_stay_in_the_local_folder_with_nothing_set(tmp_path):
    config = load_config(str(tmp_path), environ={})
    assert config["MEDIA_STORAGE"] == "local"
    assert config["MEDIA_BASE_URL"] is None
    assert config["S3_BUCKET"] is None


def test_production_accepts_a_complete_s3_set_up(tmp_path):
    environ = (
        PRODUCTION
        | S3
        | {
            "S3_ENDPOINT_URL": "https://account.r2.cloudflarestorage.com",
            "MEDIA_BASE_URL": "https://media.vitrina.example/",
        }
    )
    config = load_config(str(tmp_path), environ=environ)
    assert config["MEDIA_STORAGE"] == "s3"
    assert config["S3_BUCKET"] == "vitrina-media"
    assert config["S3_ENDPOINT_URL"] == "https://account.r2.cloudflarestorage.com"
    assert config["MEDIA_BASE_URL"] == "https://media.vitrina.example"


@pytest.mark.parametrize("missing", ["S3_BUCKET", "S3_REGION"])
def test_production_refuses_s3_without_a_setting_and_names_it(tmp_path, missing):
    environ = {k: v for k, v in (PRODUCTION | S3).items() if k != missing}
    with pytest.raises(ConfigError, match=f"MEDIA_STORAGE=s3 needs these settings: {missing}"):
        load_config(str(tmp_path), environ=environ)


def test_the_region_may_come_from_the_standard_aws_variable(tmp_path):
    environ = PRODUCTION | {"MEDIA_STORAGE": "s3", "S3_BUCKET": "b", "AWS_DEFAULT_REGION": "auto"}
    assert load_config(str(tmp_path), environ=environ)["S3_REGION"] == "auto"


def test_development_needs_a_bucket_for_s3_too(tmp_path):
    with pytest.raises(ConfigError, match="S3_BUCKET"):
        load_config(str(tmp_path), environ={"MEDIA_STORAGE": "s3"})


@pytest.mark.parametrize("backend", ["disk", "gcs", "s4"])
def test_refuses_an_unknown_storage(tmp_path, backend):
    with pytest.raises(ConfigError, match="MEDIA_STORAGE must be local or s3"):
        load_config(str(tmp_path), environ={"MEDIA_STORAGE": backend})


@pytest.mark.parametrize(
    "url", ["cdn.example.com", "ftp://cdn.example.com", "https://", "https://cdn.example/?v=1"]
)
@pytest.mark.parametrize("name", ["MEDIA_BASE_URL", "S3_ENDPOINT_URL"])
def test_refuses_addresses_that_are_not_full_urls(tmp_path, name, url):
    with pytest.raises(ConfigError, match=name):
        load_config(str(tmp_path), environ={name: url})


def test_production_refuses_a_plain_http_media_address(tmp_path):
    environ = PRODUCTION | S3 | {"MEDIA_BASE_URL": "http://media.vitrina.example"}
    with pytest.raises(ConfigError, match="https://"):
        load_config(str(tmp_path), environ=environ)


def test_an_s3_app_starts_with_its_bucket_unreachable(tmp_path, monkeypatch):
    """The factory makes no network call: the store is first contacted on first use."""
    monkeypatch.setenv("VITRINA_INSTANCE_PATH", str(tmp_path))
    for name, value in (S3 | {"S3_ENDPOINT_URL": "http://127.0.0.1:9"}).items():
        monkeypatch.setenv(name, value)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert app.config["MEDIA_STORAGE"] == "s3"
    assert "vitrina_media_storage" not in app.extensions
    assert app.test_client().get("/healthz").status_code == 200
