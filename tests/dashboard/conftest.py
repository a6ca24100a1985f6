"""Fixtures the dashboard tests share."""

from __future__ import annotations

import pytest

from tests.dashboard.full_shop import FullShop, build_full_shop


@pytest.fixture
def full(app, client, sign_in_as) -> FullShop:
    """A shop with one of everything, its merchant signed in on `client`."""
    shop = build_full_shop(app)
    sign_in_as(client, shop.user)
    return shop
