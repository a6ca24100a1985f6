"""A shop on the home screen, on the server's side: each shop's manifest names that
shop and its icons, the icons are PNGs of the sizes named, the worker's script is
scoped to the shop and can be switched off, and all of it is public and cookie-free."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from shop.extensions import db
from shop.models import Shop
from tests import factories
from tests.storefront.shopper import build_shop, jpeg_bytes


@pytest.fixture
def shops(app):
    build_shop(app)  # "Tienda Sol", no logo
    with app.app_context():
        other = factories.make_shop(
            factories.make_user("Eva"), slug="panaderia", name="Panadería La Espiga Dorada 🥐"
        )
        db.session.commit()
        return other.id


def _png(client, url: str) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert "Set-Cookie" not in response.headers
    return Image.open(io.BytesIO(response.data))


def test_each_shop_has_its_own_manifest_and_icons(client, shops):
    sol = client.get("/s/tienda-sol/manifest.webmanifest")
    bread = client.get("/s/panaderia/manifest.webmanifest")
    assert sol.mimetype == "application/manifest+json"
    sol, bread = sol.get_json(), bread.get_json()
    assert (sol["name"], sol["short_name"]) == ("Tienda Sol", "Tienda Sol")
    assert bread["name"] == "Panadería La Espiga Dorada 🥐"
    assert bread["short_name"] == "Panadería La"
    assert (sol["start_url"], sol["scope"]) == ("/s/tienda-sol", "/s/tienda-sol")
    assert bread["scope"] == "/s/panaderia"
    assert bread["display"] == "standalone"
    for manifest in (sol, bread):
        sizes = {icon["sizes"] for icon in manifest["icons"]}
        assert sizes == {"192x192", "512x512"}
        for icon in manifest["icons"]:
            assert icon["src"].startswith(manifest["scope"] + "/icon-")
            picture = _png(client, icon["src"])
            assert f"{picture.width}x{picture.height}" == icon["sizes"]


def test_a_shop_with_a_logo_gets_it_as_its_icon(app, client, shops):
    letter = _png(client, "/s/panaderia/icon-192.png").convert("RGB")
    assert letter.getpixel((5, 5)) == (11, 122, 75)  # the brand colour behind the initial
    with app.test_request_context():
        from shop.media.pipeline import ingest

        shop = db.session.get(Shop, shops)
        shop.logo = ingest(shop, io.BytesIO(jpeg_bytes(size=(600, 400), color=(200, 30, 60))))
        db.session.commit()
    icon = _png(client, "/s/panaderia/icon-512.png").convert("RGB")
    assert icon.getpixel((5, 5)) == (255, 255, 255)  # white around the logo
    red, green, _blue = icon.getpixel((256, 256))
    assert red > 150
    assert green < 80  # the logo itself in the middle


def test_unknown_icon_sizes_are_404(client, shops):
    assert client.get("/s/tienda-sol/icon-64.png").status_code == 404
    assert client.get("/s/no-such-shop/icon-192.png").status_code == 404
    assert client.get("/s/no-such-shop/manifest.webmanifest").status_code == 404


def test_the_worker_is_scoped_to_its_shop_and_revalidated(client, shops):
    response = client.get("/s/tienda-sol/sw.js")
    script = response.get_data(as_text=True)
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/s/tienda-sol"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Set-Cookie" not in response.headers
    assert 'const SCOPE = "/s/tienda-sol";' in script
    assert 'request.method !== "GET"' in script  # an order is never sent by the worker
    page = client.get("/s/tienda-sol").get_data(as_text=True)
    assert 'rel="manifest" href="/s/tienda-sol/manifest.webmanifest"' in page
    assert 'data-worker="/s/tienda-sol/sw.js"' in page


def test_an_operator_switches_the_worker_off(app, client, shops):
    app.config["SERVICE_WORKER"] = False
    script = client.get("/s/tienda-sol/sw.js").get_data(as_text=True)
    assert "self.registration.unregister()" in script
    assert 'addEventListener("fetch"' not in script
    assert "data-worker=" not in client.get("/s/tienda-sol").get_data(as_text=True)


def test_manifest_and_worker_are_small(client, shops):
    import gzip

    sizes = [
        len(gzip.compress(client.get(url).data))
        for url in ("/s/tienda-sol/sw.js", "/s/tienda-sol/manifest.webmanifest")
    ]
    assert sum(sizes) < 3000, sizes
