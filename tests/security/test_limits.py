"""Request sizes and rates (ASVS V2.4 anti-automation, V4 API, V5.2 file upload).

This module turns the rate limits on (TESTING apps have them off, see shop.web.limits),
with counts in memory unless a test says Redis.
"""

from __future__ import annotations

import io
import socket
import uuid

import pytest
from sqlalchemy import func, select

from shop import create_app
from shop.extensions import db, limiter
from shop.models import Category, Item, Order, OrderLine
from tests.conftest import (
    REDIS_ADDRESS,
    VitrinaClient,
    _test_config,
    redis_url,
    skip_without_service,
)
from tests.security.world import jpeg

REDIS = redis_url(0)


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def cart(world, **fields) -> dict:
    body = {
        "lines": [{"item_id": world.item, "quantity": 1}],
        "name": "Ana",
        "shipping_method_id": world.method,
        "address": "Calle Mayor 1",
        "notes": "",
        "idempotency_key": str(uuid.uuid4()),
    }
    return body | fields


def item_form(name="Camiseta", photos=0) -> dict:
    form = {"name": name, "price": "20.00", "availability": "available", "category": ""}
    if photos:
        form["photos"] = [
            (io.BytesIO(jpeg(color=(n * 20, 40, 90))), f"p{n}.jpg") for n in range(photos)
        ]
    return form


def post_item(client, form):
    return client.post("/dashboard/items/new", data=form, content_type="multipart/form-data")


# -- Request sizes ---------------------------------------------------------------------


class CountingStream(io.RawIOBase):
    """A request body that counts what the server read of it."""

    def __init__(self, size: int) -> None:
        self.size, self.read_bytes = size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = b"a" * n
        self.read_bytes += n
        return n


def test_refuses_a_large_form_with_413_before_reading_it(app, client, world, snapshot):
    before = snapshot()
    body = CountingStream(2 * 1024 * 1024)
    response = client.post(
        "/dashboard/categories",
        content_type="application/x-www-form-urlencoded",
        environ_overrides={"wsgi.input": body, "CONTENT_LENGTH": str(body.size)},
    )
    assert response.status_code == 413
    assert body.read_bytes == 0
    assert "Shorten the text" in response.text
    assert snapshot() == before


@pytest.mark.parametrize(
    "url",
    ["/language", "/logout", "/dashboard/items/bulk", "/dashboard/switch", "/dashboard/categories"],
)
def test_refuses_more_than_1_mb_on_every_form_without_photos(client, world, url):
    response = client.post(url, data={"name": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413


def test_takes_a_form_just_under_1_mb(app, client, world):
    # Refused for its length by the form (422), not by the size limit.
    response = client.post("/dashboard/categories", data={"name": "x" * 900_000})
    assert response.status_code == 422


def test_photo_forms_take_several_megabytes(app, client, world):
    big = jpeg((2400, 1800)) + b"\0" * (3 * 1024 * 1024)  # trailing bytes Pillow ignores
    form = item_form() | {"photos": [(io.BytesIO(big), "big.jpg")]}
    assert post_item(client, form).status_code == 302
    assert count(app, Item) == 4


def test_photo_forms_refuse_more_than_64_mb(app, client, world, snapshot):
    before = snapshot()
    body = CountingStream(65 * 1024 * 1024)
    response = client.post(
        "/dashboard/items/new",
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"wsgi.input": body, "CONTENT_LENGTH": str(body.size)},
    )
    assert response.status_code == 413
    assert body.read_bytes == 0
    assert snapshot() == before


def test_checkout_answers_a_json_413_to_the_cart_script(app, world):
    response = app.test_client().post(
        f"/s/{world.slug}/checkout", json=cart(world, notes="n" * 70_000)
    )
    assert response.status_code == 413
    assert response.is_json
    assert response.get_json()["error"]
    assert count(app, Order) == 1


# -- Rates -----------------------------------------------------------------------------


def test_limits_sign_in_attempts_per_address(app):
    visitor = app.test_client()
    answers = [visitor.get("/login").status_code for _ in range(21)]
    assert 429 not in answers[:20]
    refused = visitor.get("/login/callback?code=x&state=y")
    assert answers[20] == 429
    assert refused.status_code != 429  # the callback counts on its own
    page = visitor.get("/login")
    assert page.status_code == 429
    assert "Too many tries" in page.text
    assert int(page.headers["Retry-After"]) > 0
    # Another address is not held back by this one.
    assert (
        app.test_client().get("/login", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code != 429
    )


def test_limits_checkouts_per_visitor_and_shop(app, world):
    shopper = app.test_client()
    for _ in range(10):
        assert shopper.post(f"/s/{world.slug}/checkout", json=cart(world)).status_code == 200
    orders, lines = count(app, Order), count(app, OrderLine)
    refused = shopper.post(f"/s/{world.slug}/checkout", json=cart(world))
    assert refused.status_code == 429
    assert refused.is_json
    assert refused.get_json()["error"].startswith("Too many tries")
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["Cache-Control"] == "private, no-store"
    assert (count(app, Order), count(app, OrderLine)) == (orders, lines)
    # The form without JavaScript gets the friendly page.
    form = {"item_id": str(world.item), "quantity": "1", "name": "Ana", "address": "Calle 1"}
    page = shopper.post(f"/s/{world.slug}/checkout", data=form)
    assert page.status_code == 429
    assert page.mimetype == "text/html"
    assert "Too many tries" in page.text
    # Another shopper, or this shopper in another shop, can still order.
    other = app.test_client()
    elsewhere = {"REMOTE_ADDR": "10.0.0.3"}
    answer = other.post(f"/s/{world.slug}/checkout", json=cart(world), environ_base=elsewhere)
    assert answer.status_code == 200
    rival = shopper.post(
        f"/s/{world.rival_slug}/checkout",
        json={"lines": [{"item_id": world.rival_item, "quantity": 1}], "name": "Ana"}
        | {"idempotency_key": str(uuid.uuid4())},
    )
    assert rival.status_code != 429


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_CHECKOUT": "2/day"}])
def test_the_daily_checkout_limit_is_a_setting(app, world):
    shopper = app.test_client()
    answers = [shopper.post(f"/s/{world.slug}/checkout", json=cart(world)) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_CODE_GUESSES": "3/minute"}]
)
def test_limits_code_guesses_per_visitor_and_shop(app, world):
    shopper = app.test_client()
    guess = {"lines": [{"item_id": world.item, "quantity": 1}], "coupon": "¿verano?🏖️"}
    url = f"/s/{world.slug}/discount"
    answers = [shopper.post(url, json=guess) for _ in range(4)]
    assert [answer.status_code for answer in answers[:3]] == [422, 422, 422]  # no such code
    assert "code" in answers[0].get_json()["error"]
    refused = answers[3]
    assert refused.status_code == 429
    assert refused.get_json()["error"].startswith("Too many tries")
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["Cache-Control"] == "private, no-store"
    # Checkouts are counted apart; another shop and another address are not held back.
    assert shopper.post(f"/s/{world.slug}/checkout", json=cart(world)).status_code == 200
    rival = {"lines": [{"item_id": world.rival_item, "quantity": 1}], "coupon": "suyo"}
    assert shopper.post(f"/s/{world.rival_slug}/discount", json=rival).status_code == 200
    elsewhere = {"REMOTE_ADDR": "10.0.0.9"}
    assert app.test_client().post(url, json=guess, environ_base=elsewhere).status_code == 422


def test_checkouts_counted_in_memory_leave_the_limiters_storage_alone(app, world):
    """Without Redis the checkout's counts are this worker's LocalLimits: Flask-Limiter's
    memory storage, whose timer thread starts per hit and scans every key, holds none."""
    storage = limiter.storage
    before = set(storage.storage)
    shopper = app.test_client()
    answers = [shopper.post(f"/s/{world.slug}/checkout", json=cart(world)) for _ in range(11)]
    assert [answer.status_code for answer in answers] == [200] * 10 + [429]
    assert set(storage.storage) == before
    assert not any("X-RateLimit-Limit" in answer.headers for answer in answers[:10])
    # A new app (another worker) counts afresh: the counts were per worker, as before.
    other = create_app(app.config | {})
    other.test_client_class = VitrinaClient
    again = other.test_client().post(f"/s/{world.slug}/checkout", json=cart(world))
    assert again.status_code == 200


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": False}])
def test_checkouts_are_not_counted_with_the_limits_off(app, world):
    shopper = app.test_client()
    answers = {shopper.post(f"/s/{world.slug}/checkout", json=cart(world)).status_code
               for _ in range(12)}  # fmt: skip
    assert answers == {200}


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_UPLOADS": "3/hour"}])
def test_limits_photo_uploads_per_merchant_counting_photos(app, client, world, sign_in_as):
    assert post_item(client, item_form("Uno", photos=2)).status_code == 302
    assert post_item(client, item_form("Dos", photos=1)).status_code == 302
    items = count(app, Item)
    refused = post_item(client, item_form("Tres", photos=1))
    assert refused.status_code == 429
    assert count(app, Item) == items
    # Logos count too, and editing without photos is not an upload.
    logo = {"logo": (io.BytesIO(jpeg()), "logo.jpg")}
    assert client.post("/dashboard/settings", data=logo).status_code == 429
    assert post_item(client, item_form("Sin fotos")).status_code == 302
    # Another merchant has their own count.
    other = app.test_client()
    sign_in_as(other, _second_merchant(app))
    assert post_item(other, item_form("Suyo", photos=1)).status_code == 302


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_UPLOADS": "3/hour"}])
def test_photos_held_as_soon_as_picked_count_against_the_same_limit(app, client, world):
    """Issue 16: the item form's early uploads are counted like the form's own photos,
    and saving the held ones later is not another upload."""

    def early(*names):
        files = [(io.BytesIO(jpeg()), name) for name in names]
        return client.post("/dashboard/uploads", data={"photos": files})

    first = early("a.jpg", "b.jpg")
    assert first.status_code == 200
    assert post_item(client, item_form("Uno", photos=1)).status_code == 302
    assert early("c.jpg").status_code == 429
    tokens = [upload["token"] for upload in first.get_json()["uploads"]]
    assert post_item(client, item_form("Dos") | {"uploads": tokens}).status_code == 302


def _second_merchant(app) -> int:
    from tests import factories

    with app.app_context():
        user = factories.make_user("Otra")
        factories.make_shop(user, slug="otra-mas")
        db.session.commit()
        return user.id


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_DASHBOARD_POSTS": "5/minute"}]
)
def test_puts_a_ceiling_on_dashboard_posts_per_merchant(app, client, world):
    answers = [
        client.post("/dashboard/categories", data={"name": f"Cat {n}"}).status_code
        for n in range(6)
    ]
    assert answers == [302] * 5 + [429]
    assert count(app, Category) == 6  # the world's one and five new ones
    assert client.get("/dashboard/categories").status_code == 200  # reading is not limited


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": False}])
def test_limits_can_be_turned_off(app):
    visitor = app.test_client()
    assert 429 not in {visitor.get("/login").status_code for _ in range(40)}


def test_limits_are_off_in_testing_apps_unless_asked_and_on_otherwise(migrated, tmp_path):
    config = _test_config(migrated, tmp_path / "media")
    assert create_app(config).config["RATELIMIT_ENABLED"] is False
    assert create_app(config | {"TESTING": False}).config["RATELIMIT_ENABLED"] is True
    assert create_app(config | {"RATELIMIT_ENABLED": True}).config["RATELIMIT_ENABLED"] is True


def test_registering_the_limits_again_for_another_app_adds_none(migrated, tmp_path):
    config = _test_config(migrated, tmp_path / "media") | {"RATELIMIT_ENABLED": True}
    create_app(config)
    sizes = {name: len(group) for name, group in limiter.limit_manager._decorated_limits.items()}
    for _ in range(3):
        create_app(config)
    after = {name: len(group) for name, group in limiter.limit_manager._decorated_limits.items()}
    assert after == sizes


def _redis_up() -> bool:
    try:
        host, port = REDIS_ADDRESS.rsplit(":", 1)
        socket.create_connection((host, int(port)), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_app_servers_share_counts_through_redis(migrated, tmp_path):
    if not _redis_up():
        skip_without_service(f"needs the machine's Redis on {REDIS_ADDRESS}")
    import redis

    # A made-up address of our own: other test runs may share this Redis.
    address = "10.{}.{}.{}".format(*uuid.uuid4().bytes[:3])
    visitor = {"REMOTE_ADDR": address}
    config = _test_config(migrated, tmp_path / "media") | {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS,
        "RATELIMIT_SIGN_IN": "3/minute",
    }
    server = redis.Redis.from_url(REDIS)
    try:
        first = create_app(config)
        answers = [first.test_client().get("/login", environ_base=visitor) for _ in range(3)]
        assert 429 not in {answer.status_code for answer in answers}
        assert list(server.scan_iter(f"*/{address}/*"))
        second = create_app(config)  # another server: a fresh process would hold no counts
        second.test_client_class = VitrinaClient
        assert second.test_client().get("/login", environ_base=visitor).status_code == 429
    finally:
        for key in server.scan_iter(f"*/{address}/*"):
            server.delete(key)


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_CHECKOUT": "2/minute"}],
)
def test_app_servers_share_checkout_counts_through_redis(app, world):
    """With Redis, checkouts are counted through Flask-Limiter in it, shared by every
    server, as before (only counts that live in memory anyway are kept per worker)."""
    if not _redis_up():
        skip_without_service(f"needs the machine's Redis on {REDIS_ADDRESS}")
    import redis

    address = "10.{}.{}.{}".format(*uuid.uuid4().bytes[:3])
    visitor = {"REMOTE_ADDR": address}
    server = redis.Redis.from_url(REDIS)
    url = f"/s/{world.slug}/checkout"
    try:
        for _ in range(2):
            answer = app.test_client().post(url, json=cart(world), environ_base=visitor)
            assert answer.status_code == 200
        assert list(server.scan_iter(f"*/{address}/{world.slug}*"))
        second = create_app(app.config | {})  # another server: no counts of its own
        second.test_client_class = VitrinaClient
        refused = second.test_client().post(url, json=cart(world), environ_base=visitor)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
    finally:
        for key in server.scan_iter(f"*/{address}/*"):
            server.delete(key)


def test_keeps_answering_when_redis_is_down(migrated, tmp_path):
    config = _test_config(migrated, tmp_path / "media") | {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0",  # nothing listens there
        "RATELIMIT_SIGN_IN": "2/minute",
    }
    app = create_app(config)
    visitor = app.test_client()
    try:
        answers = [visitor.get("/login").status_code for _ in range(3)]
    finally:
        limiter._storage_dead = False  # the extension object outlives this test's app
    assert 500 not in answers
    assert answers[-1] == 429  # counted in memory meanwhile


# -- What issues 5, 6 and 7 added --------------------------------------------------------


def new_posts(world) -> dict[str, dict]:
    """Each new dashboard POST with a body it takes (or refuses cleanly): url -> form."""
    group = {
        "new-name": "Extras",
        "new-kind": "other",
        "new-min_choices": "0",
        "new-max_choices": "1",
        "new-choices": "Queso",
    }
    return {
        f"/dashboard/items/{world.cap}/options": group,
        f"/dashboard/items/{world.cap}/options/{world.group}/move": {"direction": "down"},
        f"/dashboard/items/{world.cap}/variant-stock": {f"stock-{world.choices[0]}": "3"},
        "/dashboard/rules": {"time_zone": "Europe/Madrid", "closed_policy": "note"},
        "/dashboard/payments": {"kind": "cash", "name": "Efectivo"},
        f"/dashboard/payments/{world.payment}/edit": {"kind": "cash", "name": "Caja"},
        "/dashboard/data/delete": {"name": "not the name"},
    }


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_DASHBOARD_POSTS": "2/minute"}]
)
@pytest.mark.parametrize("which", range(7))
def test_the_new_dashboard_posts_share_the_ceiling(app, client, world, which):
    url, form = list(new_posts(world).items())[which]
    answers = [client.post(url, data=form).status_code for _ in range(3)]
    assert 429 not in answers[:2], url
    assert answers[2] == 429, url


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_DASHBOARD_POSTS": "3/minute"}]
)
def test_the_message_preview_counts_and_answers_json(app, client, world, snapshot):
    headers = {"X-CSRFToken": client.csrf_token()}
    answers = [
        client.post("/dashboard/rules/preview", json={"greeting": "Hola"}, headers=headers)
        for _ in range(4)
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert answers[3].is_json
    assert answers[3].get_json()["error"].startswith("Too many tries")
    assert int(answers[3].headers["Retry-After"]) > 0
    # The same ceiling as every other dashboard post: the forms are held back too.
    assert client.post("/dashboard/payments", data={"kind": "cash"}).status_code == 429


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_DASHBOARD_POSTS": "2/minute"}]
)
def test_operator_posts_have_a_ceiling_and_others_still_get_404(app, client, world, sign_in_as):
    from shop.models import User

    with app.app_context():
        db.session.get(User, world.user).is_operator = True
        db.session.commit()
    url = f"/operator/shops/{world.rival_shop}/suspend"
    answers = [client.post(url, data={"reason": f"Spam {n}"}).status_code for n in range(3)]
    assert answers == [303, 303, 429]
    stranger = app.test_client()
    assert {stranger.post(url, data={"reason": "x"}).status_code for _ in range(4)} == {404}


@pytest.mark.parametrize("which", range(7))
def test_new_forms_refuse_more_than_1_mb(client, world, snapshot, which):
    url, form = list(new_posts(world).items())[which]
    before = snapshot()
    big = dict.fromkeys(form, "x" * (1024 * 1024 + 1))
    assert client.post(url, data=big).status_code == 413, url
    assert snapshot() == before


def test_the_preview_and_operator_forms_refuse_more_than_1_mb(app, client, world, snapshot):
    before = snapshot()
    headers = {"X-CSRFToken": client.csrf_token()}
    huge = {"greeting": "x" * (1024 * 1024 + 1)}
    answer = client.post("/dashboard/rules/preview", json=huge, headers=headers)
    assert answer.status_code == 413
    assert answer.is_json
    from shop.models import User

    with app.app_context():
        db.session.get(User, world.user).is_operator = True
        db.session.commit()
    before = snapshot()
    url = f"/operator/shops/{world.rival_shop}/suspend"
    assert client.post(url, data={"reason": "x" * (1024 * 1024 + 1)}).status_code == 413
    assert snapshot() == before


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_TIMES": "3/minute"}])
def test_limits_the_carts_list_of_times_per_visitor_and_shop(app, world):
    """A read, yet counted: each answer reads the shop's bookings, so a scraper is cut short."""
    shopper = app.test_client()
    url = f"/s/{world.slug}/times/{world.method}"
    answers = [shopper.get(url) for _ in range(4)]
    assert [answer.status_code for answer in answers[:3]] == [200, 200, 200]
    refused = answers[3]
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["Cache-Control"] == "private, no-store"
    elsewhere = {"REMOTE_ADDR": "10.0.0.7"}
    assert app.test_client().get(url, environ_base=elsewhere).status_code == 200
    # The shop's pages are reads as before: never counted.
    assert all(shopper.get(f"/s/{world.slug}").status_code == 200 for _ in range(5))
