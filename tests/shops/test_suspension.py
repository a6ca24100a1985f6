"""Operator rules and the create-operator command."""

from __future__ import annotations

import pytest

from shop.extensions import db
from shop.shops.suspension import OperatorError, find_shops, lift_suspension, suspend_shop
from tests import factories


def test_create_operator_marks_the_account(app, runner):
    with app.app_context():
        user = factories.make_user(email="Olga@Example.com")
        db.session.commit()
        user_id = user.id
    result = runner.invoke(args=["create-operator", "olga@example.com"])
    assert result.exit_code == 0, result.output
    assert "is an operator" in result.output
    with app.app_context():
        assert db.session.get(factories.User, user_id).is_operator
    again = runner.invoke(args=["create-operator", "olga@example.com"])
    assert again.exit_code == 0
    assert "already" in again.output
    revoked = runner.invoke(args=["create-operator", "--revoke", "olga@example.com"])
    assert revoked.exit_code == 0
    assert "no longer" in revoked.output
    with app.app_context():
        assert not db.session.get(factories.User, user_id).is_operator


def test_create_operator_needs_an_account_that_signed_in(runner):
    result = runner.invoke(args=["create-operator", "nobody@example.com"])
    assert result.exit_code != 0
    assert "Sign in with it once" in result.output


def test_create_operator_refuses_an_ambiguous_address(app, runner):
    with app.app_context():
        first = factories.make_user(email="shared@example.com")
        factories.make_user(email="SHARED@example.com")
        db.session.commit()
        first_id = first.id
    result = runner.invoke(args=["create-operator", "shared@example.com"])
    assert result.exit_code != 0
    assert "2 accounts" in result.output
    with app.app_context():
        assert not db.session.get(factories.User, first_id).is_operator


def test_new_accounts_are_not_operators(app):
    with app.app_context():
        user = factories.make_user()
        db.session.commit()
        db.session.refresh(user)
        assert user.is_operator is False


def test_suspend_and_lift_bump_the_catalog_version(app):
    with app.app_context():
        operator = factories.make_user(email="op@example.com")
        shop = factories.make_shop(factories.make_user())
        version = shop.catalog_version
        assert suspend_shop(shop, operator, "  Spam\r\nlinks  ")
        assert shop.suspension_reason == "Spam\nlinks"
        assert shop.catalog_version == version + 1
        assert suspend_shop(shop, operator, "Another reason")  # the reason changes only
        assert shop.catalog_version == version + 1
        assert lift_suspension(shop)
        assert not lift_suspension(shop)
        assert shop.catalog_version == version + 2


@pytest.mark.parametrize("reason", ["", "   ", "\x00\x01", None, "x" * 1001])
def test_a_reason_is_required_and_bounded(app, reason):
    with app.test_request_context():
        operator = factories.make_user()
        shop = factories.make_shop(factories.make_user())
        with pytest.raises(OperatorError):
            suspend_shop(shop, operator, reason)
        assert shop.suspended_at is None


def test_find_shops_treats_like_wildcards_literally(app):
    with app.app_context():
        owner = factories.make_user()
        factories.make_shop(owner, slug="cien-por-cien", name="100% algodón")
        factories.make_shop(owner, slug="otra", name="Otra")
        db.session.commit()
        assert [s.slug for s in find_shops("100%").shops] == ["cien-por-cien"]
        assert find_shops("_").total == 0
        assert find_shops("", page=-5).page == 1
