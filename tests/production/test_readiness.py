"""/readyz with each dependency up, then down: 503 and JSON that names what is down."""

from __future__ import annotations

import pytest

from tests.conftest import skip_without_service
from tests.production.object_store import moto_server, new_bucket, s3_settings, set_aws_env
from tests.production.servers import REDIS_SERVER, free_port, redis_server

NO_WORKER = {"seen": False, "seconds_ago": None}


def ready(app):
    response = app.test_client().get("/readyz")
    return response.status_code, response.get_json()


def test_ready_with_the_database_and_local_media(app):
    assert ready(app) == (
        200,
        {"status": "ok", "database": "up", "storage": "up", "worker": NO_WORKER},
    )


def test_not_ready_when_the_database_is_down(tmp_path):
    from shop import create_app
    from tests.conftest import _test_config

    unreachable = f"sqlite:///{tmp_path}/missing/folder/vitrina.sqlite3"
    status, body = ready(create_app(_test_config(unreachable, tmp_path / "media")))
    assert status == 503
    assert body["down"] == ["database"]
    assert body["storage"] == "up"


def test_redis_up_then_down(app, tmp_path):
    if REDIS_SERVER is None:
        skip_without_service("redis-server is not installed")
    with redis_server(tmp_path) as url:
        app.config["REDIS_URL"] = url
        assert ready(app) == (
            200,
            {"status": "ok", "database": "up", "redis": "up", "storage": "up", "worker": NO_WORKER},
        )
    status, body = ready(app)  # the same app, its Redis now stopped
    assert status == 503
    assert body == {
        "status": "unavailable",
        "down": ["redis"],
        "database": "up",
        "redis": "down",
        "storage": "up",
    }


def test_redis_on_a_closed_port_is_down(app):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/6"
    status, body = ready(app)
    assert status == 503
    assert body["down"] == ["redis"]


def test_local_media_that_cannot_be_written_is_down(app, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app.config["MEDIA_DIR"] = str(blocker / "media")
    status, body = ready(app)
    assert status == 503
    assert body["down"] == ["storage"]


@pytest.mark.parametrize("where", ["stopped", "bad endpoint", "no bucket"])
def test_object_store_up_then_down(app, monkeypatch, where):
    set_aws_env(monkeypatch)
    with moto_server() as endpoint:
        bucket = new_bucket(endpoint)
        app.config.update(s3_settings(endpoint, bucket))
        assert ready(app)[0] == 200
        if where == "bad endpoint":
            app.config["S3_ENDPOINT_URL"] = f"http://127.0.0.1:{free_port()}"
        elif where == "no bucket":
            app.config["S3_BUCKET"] = bucket + "-gone"
    status, body = ready(app)
    assert status == 503
    assert body["down"] == ["storage"]
    assert body["database"] == "up"


def test_says_when_a_job_worker_was_last_seen(app):
    from datetime import timedelta

    from shop.extensions import db
    from shop.jobs.workers import heartbeat
    from shop.models import Worker, utcnow

    assert ready(app)[1]["worker"] == {"seen": False, "seconds_ago": None}
    with app.app_context():
        heartbeat("host:1:abcd")
    status, body = ready(app)
    assert status == 200
    assert body["worker"]["seen"] is True
    assert 0 <= body["worker"]["seconds_ago"] < 5
    with app.app_context():
        db.session.get(Worker, "host:1:abcd").seen_at = utcnow() - timedelta(minutes=2)
        db.session.commit()
    status, body = ready(app)
    assert status == 200  # pages are served without a worker; a monitor reads "seen"
    assert body["worker"]["seen"] is False
    assert body["worker"]["seconds_ago"] >= 120
