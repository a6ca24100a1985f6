"""Fixtures for the media tests: an app context with a shop, and ingest from bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from shop.extensions import db
from shop.media.pipeline import ingest
from shop.media.storage import get_storage
from tests import factories


@pytest.fixture
def shop(app):
    """A shop in a pushed app context (the pipeline needs one for storage and messages)."""
    with app.test_request_context():
        shop = factories.make_shop(factories.make_user())
        db.session.commit()
        yield shop


@pytest.fixture
def upload(shop):
    """upload(bytes) -> Image: run the real pipeline on `bytes` for the test shop."""

    def run(data: bytes):
        return ingest(shop, io.BytesIO(data))

    return run


@pytest.fixture
def media_dir(app) -> Path:
    return Path(app.config["MEDIA_DIR"])


@pytest.fixture
def stored(shop):
    """stored(name) -> bytes of a stored file."""
    return lambda name: get_storage().read(name)
