"""The merchant's delivery zones and shop location pages (issue 25): amounts in the
merchant's language, the rules' messages, double submits and other shops' ids."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import ShippingMethod, ShippingZone, Shop, ZoneKind
from tests import factories


@pytest.fixture
def method_id(app, merchant):
    _user, shop_id = merchant
    with app.app_context():
        shop = db.session.get(Shop, shop_id)
        method = factories.make_shipping(shop, name="Moto 🛵", price_minor=300)
        db.session.commit()
        return method.id


def zones(app, method_id):
    with app.app_context():
        return [
            (z.kind.value, z.name, z.codes, z.max_m, z.fee_minor, z.min_order_minor)
            for z in db.session.scalars(
                select(ShippingZone)
                .where(ShippingZone.method_id == method_id)
                .order_by(ShippingZone.position, ShippingZone.id)
            )
        ]


def zone_form(**fields):
    return {"kind": "list", "name": "Centro", "codes": "", "distance": "", "fee": "1,50"} | fields


def test_adds_list_and_postal_zones_in_the_merchants_language(app, client, method_id):
    url = f"/dashboard/shipping/{method_id}/zones"
    assert client.post(url, data=zone_form(name="Chamberí 🌳")).status_code == 302
    assert client.post(url, data=zone_form(name="Chamberí 🌳")).status_code == 302  # twice
    added = client.post(
        url, data=zone_form(kind="postal", name="", codes="28001 28002, 280*", min_order="20")
    )
    assert added.status_code == 302
    assert zones(app, method_id) == [
        ("list", "Chamberí 🌳", "", None, 150, None),
        ("postal", "", "28001, 28002, 280*", None, 150, 2000),
    ]
    page = client.get(url).get_data(as_text=True)
    assert "Chamberí 🌳" in page
    assert "280*" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Give the zone the name"),
        ({"kind": "postal", "codes": " , ;"}, "Write the postal codes"),
        ({"kind": "distance", "distance": "3"}, "Set the shop"),
        ({"kind": "distance", "distance": "nan"}, "from 0.1 to 500"),
        ({"kind": "distance", "distance": "501"}, "from 0.1 to 500"),
        ({"fee": "-1"}, ""),
        ({"fee": "abc"}, ""),
        ({"kind": "galaxy"}, ""),
        ({"name": "x" * 81}, "At most 80"),
    ],
)
def test_refuses_bad_zones(app, client, method_id, fields, message):
    response = client.post(f"/dashboard/shipping/{method_id}/zones", data=zone_form(**fields))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert zones(app, method_id) == []


def test_distance_bands_need_the_location_and_another_way_in(app, client, method_id):
    assert client.get("/dashboard/shipping/location").status_code == 200
    bad = client.post("/dashboard/shipping/location", data={"latitude": "91", "longitude": "0"})
    assert bad.status_code == 422
    saved = client.post(
        "/dashboard/shipping/location", data={"latitude": "40.416775", "longitude": "-3,70379"}
    )
    assert saved.status_code == 422  # a comma is not a decimal point here
    saved = client.post(
        "/dashboard/shipping/location", data={"latitude": "40.416775", "longitude": "-3.70379"}
    )
    assert saved.status_code == 302
    url = f"/dashboard/shipping/{method_id}/zones"
    band = zone_form(kind="distance", distance="2,5", name="")
    alone = client.post(url, data=band)  # distance only: geolocation refused would strand shoppers
    assert alone.status_code == 422
    assert "Add a zone by list" in alone.get_data(as_text=True)
    assert client.post(url, data=zone_form(name="Centro")).status_code == 302
    assert client.post(url, data=band).status_code == 302
    assert [zone[:4] for zone in zones(app, method_id)] == [
        ("list", "Centro", "", None),
        ("distance", "", "", 2500),
    ]
    with app.app_context():
        (centro,) = [z.id for z in db.session.get(ShippingMethod, method_id).zones if z.name]
    refused = client.post(
        f"/dashboard/shipping/zones/{centro}/delete", data={}, follow_redirects=True
    )
    assert "Add a zone by list" in refused.get_data(as_text=True)
    assert len(zones(app, method_id)) == 2
    cleared = client.post("/dashboard/shipping/location", data={"latitude": "", "longitude": ""})
    assert cleared.status_code == 422  # the band measures from it


def test_edits_and_deletes_a_zone_and_the_everywhere_zone_moves_the_method_fee(
    app, client, merchant
):
    _user, shop_id = merchant
    created = client.post(
        "/dashboard/shipping/new",
        data={"name": "Casa", "price": "3", "kind": "delivery", "active": "y"},
    )
    assert created.status_code == 302
    with app.app_context():
        method = db.session.scalar(select(ShippingMethod).where(ShippingMethod.shop_id == shop_id))
        method_id, zone_id = method.id, method.zones[0].id
    edit = f"/dashboard/shipping/zones/{zone_id}/edit"
    assert "3,00" in client.get(edit).get_data(as_text=True)
    saved = client.post(edit, data=zone_form(kind="everywhere", name="", fee="4,25"))
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(ShippingMethod, method_id).price_minor == 425
    assert client.post(f"/dashboard/shipping/zones/{zone_id}/delete", data={}).status_code == 302
    assert zones(app, method_id) == []


def test_another_shops_zones_are_not_found(app, client, method_id):
    with app.app_context():
        other = factories.make_shop(factories.make_user("Eva"), slug="ajena")
        method = factories.make_shipping(other, name="Ajeno")
        zone = ShippingZone(shop_id=other.id, method_id=method.id, kind=ZoneKind.LIST,
                            name="Suya", fee_minor=1)  # fmt: skip
        db.session.add(zone)
        db.session.commit()
        ids = (method.id, zone.id)
    assert client.get(f"/dashboard/shipping/{ids[0]}/zones").status_code == 404
    assert client.post(f"/dashboard/shipping/{ids[0]}/zones", data=zone_form()).status_code == 404
    assert (
        client.post(f"/dashboard/shipping/zones/{ids[1]}/edit", data=zone_form()).status_code == 404
    )
    assert client.post(f"/dashboard/shipping/zones/{ids[1]}/delete", data={}).status_code == 404
    assert zones(app, ids[0]) == [("list", "Suya", "", None, 1, None)]
