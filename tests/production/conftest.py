"""Fixtures for the production set-up: a real S3-compatible server and app servers."""

from __future__ import annotations

import pytest

from tests.production.object_store import moto_server, new_bucket, set_aws_env


@pytest.fixture(scope="module")
def endpoint():
    """moto's S3 on 127.0.0.1, for every test in the module."""
    with moto_server() as url:
        yield url


@pytest.fixture
def bucket(endpoint, monkeypatch):
    """A fresh, empty bucket; boto3 in this process uses the test credentials."""
    set_aws_env(monkeypatch)
    return new_bucket(endpoint)
