"""The share page's link that applies a discount code: /s/<slug>?code=VERANO10, with
its QR code, for the merchant's own codes that a shopper could still use."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest

from shop.extensions import db
from shop.models import Discount, Shop
from shop.ordering.coupon_edits import save_discount
from tests import factories
from tests.dashboard.test_share import _modules


@pytest.fixture
def codes(app, merchant):
    """The merchant's codes: one on, one paused, one over, one starting later, and an
    automatic discount (no code: nothing to link)."""
    with app.app_context():
        shop = db.session.get(Shop, merchant[1])
        shop.slug = "cafe-te"

        def add(code, **extra):
            fields = {"code": code, "name": "", "kind": "percent", "value": 1000} | extra
            return save_discount(shop, None, **fields).id

        ids = {
            "verano": add("VERANO10"),
            "paused": add("PAUSADO"),
            "over": add("PASADO", ends_on=date(2020, 1, 31)),
            "later": add("NAVIDAD", starts_on=date(2999, 12, 1)),
            "auto": add("", name="Rebajas"),
        }
        db.session.get(Discount, ids["paused"]).active = False
        db.session.commit()
    return ids


def test_the_share_page_offers_the_codes_a_shopper_could_use(client, codes):
    page = client.get("/dashboard/share").get_data(as_text=True)
    assert f'<option value="{codes["verano"]}">VERANO10</option>' in page
    assert f'<option value="{codes["later"]}">NAVIDAD</option>' in page
    for gone in ("PAUSADO", "PASADO", "Rebajas"):
        assert gone not in page
    assert "?code=" not in page  # nothing chosen yet


def test_a_chosen_code_gets_its_link_and_qr(client, codes):
    page = unescape(
        client.get(f"/dashboard/share?discount={codes['verano']}").get_data(as_text=True)
    )
    assert 'value="http://localhost/s/cafe-te?code=VERANO10"' in page
    assert f"/dashboard/share/qr.svg?discount={codes['verano']}" in page
    assert f"/dashboard/share/qr.png?discount={codes['verano']}&download=1" in page
    response = client.get(f"/dashboard/share/qr.png?discount={codes['verano']}")
    assert response.status_code == 200
    seen, wanted, _scale = _modules(response.data, "http://localhost/s/cafe-te?code=VERANO10")
    assert seen == wanted
    download = client.get(f"/dashboard/share/qr.svg?discount={codes['verano']}&download=1")
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="qr-cafe-te-verano10.svg"'
    )
    # Without a code the QR is the shop's own link, as before.
    seen, wanted, _scale = _modules(
        client.get("/dashboard/share/qr.png").data, "http://localhost/s/cafe-te"
    )
    assert seen == wanted


@pytest.mark.parametrize("which", ["paused", "over", "auto", "x", "99999", "1 OR 1=1", "🌵"])
def test_a_code_that_cannot_be_shared_is_not_found(client, codes, which):
    wanted = codes.get(which, which)
    for path in ("/dashboard/share", "/dashboard/share/qr.png", "/dashboard/share/qr.svg"):
        assert client.get(path, query_string={"discount": wanted}).status_code == 404, path


def test_another_shops_code_is_not_found(app, client, codes, sign_in_as):
    with app.app_context():
        user = factories.make_user(name="Bea")
        factories.make_shop(user, slug="otra-tienda")
        db.session.commit()
        user_id = user.id
    other = app.test_client()
    sign_in_as(other, user_id)
    for path in ("/dashboard/share", "/dashboard/share/qr.png"):
        assert other.get(f"{path}?discount={codes['verano']}").status_code == 404
    assert "VERANO10" not in other.get("/dashboard/share").get_data(as_text=True)


def test_without_codes_the_page_leads_to_the_discounts(client, merchant):
    page = client.get("/dashboard/share").get_data(as_text=True)
    assert "You have no discount code on." in page
    assert 'href="/dashboard/discounts"' in page
