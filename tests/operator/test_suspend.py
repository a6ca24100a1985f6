"""An operator suspends a shop with a reason and lifts it; what shoppers and the merchant see."""

from __future__ import annotations

import json

from shop.extensions import db
from shop.models import Order, ShopSlugRedirect
from tests import factories


def suspend(client, shop_id: int, reason: str = "Sells counterfeit phones."):
    return client.post(f"/operator/shops/{shop_id}/suspend", data={"reason": reason})


def shop_row(app, shop_id: int):
    with app.app_context():
        shop = db.session.get(factories.Shop, shop_id)
        db.session.expunge(shop)
        return shop


def checkout_json(client, app, shop_id: int):
    with app.app_context():
        shop = db.session.get(factories.Shop, shop_id)
        item_id = db.session.scalars(
            db.select(factories.Item.id).filter_by(shop_id=shop_id)
        ).first()
        method_id = shop.shipping_methods[0].id
    return client.post(
        "/s/tienda-sol/checkout",
        data=json.dumps(
            {
                "lines": [{"item_id": item_id, "quantity": 1}],
                "shipping_method_id": method_id,
                "name": "Ana",
                "address": "Calle Mayor 1",
                "idempotency_key": "k" * 32,
            }
        ),
        content_type="application/json",
    )


def test_the_list_shows_every_shop_and_searches(app, client, operator, other_shop):
    with app.app_context():
        owner = factories.make_user(email="pedro@example.com")
        factories.make_shop(owner, slug="verduras-pedro", name="Verduras Pedro 🥕")
        db.session.commit()
    page = client.get("/operator/").get_data(as_text=True)
    assert "Tienda Sol" in page
    assert "Verduras Pedro 🥕" in page
    found = client.get("/operator/?q=pedro@").get_data(as_text=True)
    assert "Verduras Pedro" in found
    assert "Tienda Sol" not in found
    assert "Tienda Sol" in client.get("/operator/?q=SOL").get_data(as_text=True)
    assert "No shops match" in client.get("/operator/?q=%25_%25").get_data(as_text=True)


def test_the_list_pages_and_filters_by_status(app, client, operator, other_shop):
    with app.app_context():
        owner = factories.make_user()
        for n in range(55):
            factories.make_shop(owner, slug=f"bulk-{n}", name=f"Bulk {n}")
        db.session.commit()
    first = client.get("/operator/").get_data(as_text=True)
    assert "56 shops" in first
    assert 'rel="next"' in first
    second = client.get("/operator/?page=2").get_data(as_text=True)
    assert 'aria-current="page">2<' in second
    assert client.get("/operator/?page=999999999999").status_code == 200
    assert client.get("/operator/?page=abc&status=bogus").status_code == 200
    suspend(client, other_shop)
    suspended = client.get("/operator/?status=suspended").get_data(as_text=True)
    assert "1 shop" in suspended
    assert "Tienda Sol" in suspended
    assert "Tienda Sol" not in client.get("/operator/?status=active&q=sol").get_data(as_text=True)


def test_suspending_needs_a_reason(app, client, operator, other_shop):
    response = suspend(client, other_shop, reason="   \n ")
    assert response.status_code == 422
    assert "Say why the shop is suspended." in response.get_data(as_text=True)
    assert shop_row(app, other_shop).suspended_at is None
    response = suspend(client, other_shop, reason="x" * 1001)
    assert response.status_code == 422
    assert shop_row(app, other_shop).suspended_at is None


def test_suspend_needs_the_csrf_token(app, client, operator, other_shop):
    response = client.post(
        f"/operator/shops/{other_shop}/suspend", data={"reason": "spam"}, csrf=False
    )
    assert response.status_code == 400
    assert shop_row(app, other_shop).suspended_at is None


def test_an_unknown_shop_is_404_for_an_operator(client, operator):
    assert client.get("/operator/shops/999999").status_code == 404
    assert client.get("/operator/shops/99999999999999").status_code == 404
    assert suspend(client, 999999).status_code == 404


def test_suspension_records_who_when_and_why(app, client, operator, other_shop):
    response = suspend(client, other_shop, reason="Estafa: cobra y no envía 🚫")
    assert response.status_code == 303
    shop = shop_row(app, other_shop)
    assert shop.suspended_at is not None
    assert shop.suspended_by == "olga@vitrina.example"
    assert shop.suspension_reason == "Estafa: cobra y no envía 🚫"
    page = client.get(f"/operator/shops/{other_shop}").get_data(as_text=True)
    assert "olga@vitrina.example" in page
    assert "Estafa: cobra y no envía 🚫" in page
    # A second submit (a double click) changes nothing and still succeeds.
    version = shop.catalog_version
    assert suspend(client, other_shop, reason="Estafa: cobra y no envía 🚫").status_code == 303
    assert shop_row(app, other_shop).catalog_version == version


def test_a_suspended_shop_shows_the_neutral_page_everywhere(app, client, operator, other_shop):
    with app.app_context():
        item_id = db.session.scalars(db.select(factories.Item.id)).first()
    urls = [
        "/s/tienda-sol",
        f"/s/tienda-sol/p/{item_id}",
        "/s/tienda-sol/cart",
        f"/s/tienda-sol/p/{item_id}/order",
        "/s/tienda-sol/catalog.csv",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    suspend(client, other_shop, reason="Secret reason 42")
    anonymous = app.test_client()
    for url in urls:
        response = anonymous.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 403, url
        assert "This shop is unavailable" in page
        assert "Secret reason 42" not in page
        assert "Tienda Sol" not in page
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "Set-Cookie" not in response.headers


def test_a_suspended_shop_takes_no_orders(app, client, operator, other_shop):
    suspend(client, other_shop)
    anonymous = app.test_client()
    response = checkout_json(anonymous, app, other_shop)
    assert response.status_code == 403
    assert response.get_json()["unavailable"] is True
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Order)) == 0
    form = anonymous.post("/s/tienda-sol/checkout", data={"name": "Ana"}, csrf=False)
    assert form.status_code == 403
    assert "Esta tienda no está disponible" in form.get_data(as_text=True)  # the shop speaks es


def test_an_order_page_of_a_suspended_shop_is_unavailable(app, client, operator, other_shop):
    with app.app_context():
        order = factories.make_order(db.session.get(factories.Shop, other_shop))
        db.session.commit()
        token = order.token
    assert client.get(f"/o/{token}").status_code == 200
    suspend(client, other_shop)
    assert client.get(f"/o/{token}").status_code == 403


def test_feeds_and_sitemap_drop_a_suspended_shop(app, client, operator, other_shop):
    assert "tienda-sol" in client.get("/sitemap.xml").get_data(as_text=True)
    suspend(client, other_shop)
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "tienda-sol" not in sitemap
    assert client.get("/s/tienda-sol/catalog.csv").status_code == 403


def test_old_links_of_a_suspended_shop_still_redirect_then_show_unavailable(
    app, client, operator, other_shop
):
    with app.app_context():
        db.session.add(ShopSlugRedirect(slug="old-sol", shop_id=other_shop))
        db.session.commit()
    suspend(client, other_shop)
    response = client.get("/s/old-sol")
    assert response.status_code == 301
    assert client.get(response.headers["Location"]).status_code == 403


def test_lifting_brings_the_shop_back(app, client, operator, other_shop):
    suspend(client, other_shop)
    response = client.post(f"/operator/shops/{other_shop}/lift", data={})
    assert response.status_code == 303
    shop = shop_row(app, other_shop)
    assert shop.suspended_at is None
    assert shop.suspension_reason == ""
    assert shop.suspended_by == ""
    assert client.get("/s/tienda-sol").status_code == 200
    assert checkout_json(app.test_client(), app, other_shop).status_code == 200
    # Lifting twice is harmless.
    assert client.post(f"/operator/shops/{other_shop}/lift", data={}).status_code == 303


def test_the_merchant_sees_the_suspension_and_its_reason(app, client, operator, other_shop):
    suspend(client, other_shop, reason="Fotos robadas de otra tienda.")
    merchant = app.test_client()
    with app.app_context():
        owner_id = db.session.get(factories.Shop, other_shop).owner_id
    from shop.auth.sessions import start_session

    with app.app_context():
        token = start_session(db.session.get(factories.User, owner_id))
        db.session.commit()
    with merchant.session_transaction() as session:
        session["_user_id"] = token
    page = merchant.get("/dashboard").get_data(as_text=True)
    assert "Your shop was suspended on" in page
    assert "Fotos robadas de otra tienda." in page
    assert merchant.get("/operator/").status_code == 404
