"""Delivery zones (issue 25): a list, postal codes and distance bands, priced on the
server through the real checkout route, whatever the browser says."""

from __future__ import annotations

import math

import pytest

from shop.extensions import db
from shop.models import Order, ShippingMethod, ShippingZone, Shop, ZoneKind
from shop.ordering import zone_edits, zones
from tests.storefront.shopper import build_shop, orders, post_cart

SOL = (40.416775, -3.703790)  # Puerta del Sol, Madrid


def north_of(origin, metres: float) -> tuple[float, float]:
    """A point `metres` due north: along a meridian the haversine distance is R * dlat."""
    radius = 6371008.8  # the haversine package's mean Earth radius, in metres
    return (origin[0] + math.degrees(metres / radius), origin[1])


@pytest.fixture
def ids(app):
    ids = build_shop(app)
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        zone_edits.set_location(shop, SOL[0], SOL[1])
        method = db.session.get(ShippingMethod, ids.delivery)
        method.zones.clear()  # delivery only to the zones below, not everywhere
        db.session.flush()
        save = zone_edits.save_zone
        save(method, None, kind=ZoneKind.LIST, name="Centro", fee_minor=150)
        save(method, None, kind=ZoneKind.POSTAL, codes="28001, 280*", fee_minor=250)
        save(method, None, kind=ZoneKind.POSTAL, codes="28013", fee_minor=100, min_order_minor=9000)
        save(method, None, kind=ZoneKind.DISTANCE, max_m=3000, fee_minor=200)
        save(method, None, kind=ZoneKind.DISTANCE, max_m=7000, fee_minor=400, free_above_minor=5000)
        db.session.commit()
        ids.centro = method.zones[0].id
    return ids


def _zone_order(app, client, ids, **where):
    response = post_cart(client, ids, **where)
    assert response.status_code == 200, response.get_json()
    order = orders(app, ids.shop)[-1]
    return order


def test_a_list_zone_is_priced_by_the_server(app, client, ids):
    order = _zone_order(app, client, ids, zone_id=ids.centro)
    assert (order.zone_name, order.shipping_price_minor) == ("Centro", 150)
    assert order.total_minor == 2 * 2000 + 850 + 150
    assert order.customer_lat is None


def test_postal_codes_exact_beats_prefix_and_prefix_matches(app, client, ids):
    assert _zone_order(app, client, ids, postal_code="28 001").shipping_price_minor == 250
    assert _zone_order(app, client, ids, postal_code="28045").shipping_price_minor == 250
    refused = post_cart(client, ids, postal_code="28013")  # exact: its own minimum
    assert refused.status_code == 422
    assert refused.get_json()["field"] == "zone"
    assert "at least" in refused.get_json()["error"]


@pytest.mark.parametrize(("metres", "fee"), [(2999, 200), (3001, 400), (6999, 400)])
def test_distance_bands_at_their_edges(app, client, ids, metres, fee):
    point = north_of(SOL, metres)
    assert abs(zones.distance_m(SOL, point) - metres) < 0.01
    order = _zone_order(app, client, ids, latitude=point[0], longitude=point[1])
    assert order.shipping_price_minor == fee  # 48.50 in the cart: under 50.00
    assert (order.customer_lat, order.customer_lng) == pytest.approx(point)


def test_a_band_is_free_above_its_amount(app, client, ids):
    point = north_of(SOL, 5000)
    lines = [{"item_id": ids.shirt, "quantity": 3}]
    order = _zone_order(app, client, ids, lines=lines, latitude=point[0], longitude=point[1])
    assert (order.subtotal_minor, order.shipping_price_minor) == (6000, 0)


def test_outside_every_zone_is_told_with_the_methods_that_work(app, client, ids):
    far = north_of(SOL, 7001)
    response = post_cart(client, ids, latitude=far[0], longitude=far[1])
    assert response.status_code == 422
    body = response.get_json()
    assert body["field"] == "zone"
    assert "does not reach you" in body["error"]
    assert "Recogida en tienda" in body["error"]
    assert orders(app, ids.shop) == []
    unknown = post_cart(client, ids, postal_code="08001")
    assert "does not reach you" in unknown.get_json()["error"]


@pytest.mark.parametrize(
    ("lat", "lng"),
    [(91, 0), (0, 181), (-90.0001, 0), ("NaN", 0), ("nan", "nan"), ("inf", 0), ("1e400", 0),
     (True, False), ([1], 2), ({"a": 1}, 0), ("40.4; DROP TABLE", 0), ("4" * 40, 0), (40.4, None)],
)  # fmt: skip
def test_forged_coordinates_are_refused(app, client, ids, lat, lng):
    response = post_cart(client, ids, latitude=lat, longitude=lng, shipping_method_id=ids.delivery)
    assert response.status_code == 422
    assert response.get_json()["field"] == "zone"
    assert orders(app, ids.shop) == []


def test_a_location_far_away_is_never_priced_from_the_browser(app, client, ids):
    # Sydney, with a price the browser made up: outside every band, nothing recorded.
    response = post_cart(client, ids, latitude=-33.86, longitude=151.2, shipping_price_minor=0)
    assert response.status_code == 422
    assert orders(app, ids.shop) == []


def test_geolocation_refused_falls_back_to_the_list(app, client, ids):
    """No location shared (the browser said no): asked for where, then the list works."""
    asked = post_cart(client, ids)
    assert asked.status_code == 422
    assert asked.get_json()["field"] == "zone"
    assert "Choose your area" in asked.get_json()["error"]
    order = _zone_order(app, client, ids, zone_id=ids.centro, latitude="", longitude="")
    assert order.zone_name == "Centro"


def test_a_list_zone_of_another_method_or_shop_is_not_taken(app, client, ids):
    with app.app_context():
        other = db.session.get(ShippingMethod, ids.other_method)
        foreign = zone_edits.save_zone(other, None, kind=ZoneKind.LIST, name="Ajena")
        db.session.commit()
        foreign_id = foreign.id
    response = post_cart(client, ids, zone_id=foreign_id)
    assert response.status_code == 422
    assert orders(app, ids.shop) == []


def test_pickup_ignores_where(app, client, ids):
    order = _zone_order(
        app, client, ids, shipping_method_id=ids.pickup, address="", latitude=91, longitude=0
    )
    assert (order.zone_name, order.shipping_price_minor) == ("", 0)


def test_distance_bands_need_another_way_in(app, ids):
    with app.test_request_context():
        method = db.session.get(ShippingMethod, ids.delivery)
        for zone in [z for z in method.zones if z.kind != ZoneKind.DISTANCE][:-1]:
            zone_edits.delete_zone(zone)
        last = next(z for z in method.zones if z.kind != ZoneKind.DISTANCE)
        with pytest.raises(zone_edits.ZoneError):
            zone_edits.delete_zone(last)
        db.session.rollback()
        method = db.session.get(ShippingMethod, ids.pickup)
        method.zones.clear()
        with pytest.raises(zone_edits.ZoneError):
            zone_edits.save_zone(method, None, kind=ZoneKind.DISTANCE, max_m=3000)


def test_the_method_fee_and_its_everywhere_zone_agree(app, ids):
    from shop.ordering import shipping

    with app.test_request_context():
        shop = db.session.get(Shop, ids.shop)
        method = shipping.create_method(shop, name="Moto", price_minor=500, needs_address=True)
        (zone,) = method.zones
        assert (zone.kind, zone.fee_minor) == (ZoneKind.EVERYWHERE, 500)
        shipping.update_method(
            method, name="Moto", price_minor=700, needs_address=True, active=True,
            free_above_minor=3000,
        )  # fmt: skip
        assert (zone.fee_minor, zone.free_above_minor) == (700, 3000)
        zone_edits.save_zone(method, zone, kind=ZoneKind.EVERYWHERE, fee_minor=650)
        assert (method.price_minor, method.free_above_minor) == (650, None)
        with pytest.raises(zone_edits.ZoneError):
            zone_edits.save_zone(method, None, kind=ZoneKind.EVERYWHERE)


@pytest.mark.parametrize(
    ("lat", "lng"), [("91", "0"), ("0", "-181"), ("nan", "0"), ("x", "y"), ("40", "")]
)
def test_the_shop_location_is_checked(app, ids, lat, lng):
    with app.test_request_context():
        shop = db.session.get(Shop, ids.shop)
        with pytest.raises(zone_edits.ZoneError):
            zone_edits.set_location(shop, lat, lng)
        with pytest.raises(zone_edits.ZoneError):  # distance bands measure from it
            zone_edits.set_location(shop, "", "")
        assert (shop.latitude, shop.longitude) == pytest.approx(SOL)


def test_postal_codes_are_read_as_the_merchant_means_them():
    assert zones.parse_codes("28001,28002 ; 280* , x-1 , ***") == ["28001", "28002", "280*", "X1"]
    assert zones.postal_match("280*, 28*", "28045") == 4
    assert zones.postal_match("280*", "29000") == 0
    assert zones.normal_postal("sw1a 1aa") == "SW1A1AA"
    assert zones.normal_postal("😀") == ""
    order = Order(customer_lat=40.4, customer_lng=-3.7)
    assert order.location_url == "https://maps.google.com/?q=40.400000,-3.700000"
    assert Order(customer_lat=None, customer_lng=None).location_url == ""


def test_a_zone_saved_moves_the_catalog_version(app, ids):
    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        before = shop.catalog_version
        zone = db.session.get(ShippingZone, ids.centro)
        zone.fee_minor = 175
        db.session.commit()
        assert db.session.get(Shop, ids.shop).catalog_version > before


def test_the_carts_discount_preview_prices_the_zone_as_checkout_does(app, client, ids):
    """Issue 25 with issue 24: the total the cart shows with a code counts the zone's fee
    once the shopper says where they are, and the items alone until then."""
    from shop.ordering.coupon_edits import save_discount

    with app.app_context():
        shop = db.session.get(Shop, ids.shop)
        save_discount(shop, None, code="HOLA10", name="", kind="percent", value=1000)
        db.session.commit()
    body = {
        "lines": [{"item_id": ids.shirt, "quantity": 2}, {"item_id": ids.cap, "quantity": 1}],
        "shipping_method_id": ids.delivery,
        "coupon": "hola10",
    }
    url = f"/s/{ids.slug}/discount"
    unknown = client.post(url, json=body).get_json()
    assert (unknown["discount_minor"], unknown["total_minor"]) == (485, 4850 - 485)
    assert unknown["shipping_pending"] is True
    centro = client.post(url, json=body | {"zone_id": ids.centro}).get_json()
    assert (centro["total_minor"], centro["shipping_pending"]) == (4850 + 150 - 485, False)
    far = north_of(SOL, 50_000)
    away = client.post(url, json=body | {"latitude": far[0], "longitude": far[1]}).get_json()
    assert (away["total_minor"], away["shipping_pending"]) == (4850 - 485, True)
    order = _zone_order(app, client, ids, zone_id=ids.centro, coupon="HOLA10")
    assert order.total_minor == centro["total_minor"]  # what the cart said is what was recorded
