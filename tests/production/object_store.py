"""A real S3-compatible server for the tests: moto in server mode on 127.0.0.1.

The app talks to it over HTTP through boto3 exactly as it would to AWS, R2 or
MinIO; nothing in boto3 is patched. Each test gets its own bucket.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import boto3
from botocore.config import Config

REGION = "eu-west-1"
# moto accepts any credentials; these are what the app and the test's own client send.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "vitrina-test-key",
    "AWS_SECRET_ACCESS_KEY": "vitrina-test-secret",
    # Never look for credentials or settings anywhere else (no ~/.aws, no EC2 metadata).
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
    "AWS_EC2_METADATA_DISABLED": "true",
}
UNSET_AWS = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """Run moto's S3 on a free port of 127.0.0.1; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def set_aws_env(monkeypatch) -> None:
    """Point boto3's standard credential chain at the test credentials only."""
    for name in UNSET_AWS:
        monkeypatch.delenv(name, raising=False)
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)


def s3_client(endpoint: str):
    """The test's own client, to look into the bucket behind the app's back."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def new_bucket(endpoint: str) -> str:
    """Create an empty bucket with a fresh name."""
    name = f"vitrina-{uuid.uuid4().hex[:16]}"
    s3_client(endpoint).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return name


def keys(endpoint: str, bucket: str) -> set[str]:
    """Every object name in the bucket."""
    client = s3_client(endpoint)
    found: set[str] = set()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        found.update(item["Key"] for item in page.get("Contents", []))
    return found


def s3_settings(endpoint: str, bucket: str, base_url: str | None = None) -> dict:
    """App settings for the bucket (MEDIA_BASE_URL when `base_url`)."""
    return {
        "MEDIA_STORAGE": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "MEDIA_BASE_URL": base_url,
    }
