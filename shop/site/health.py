"""Liveness and readiness probes for load balancers and orchestrators.

/healthz says the process answers. /readyz says it can do its work: the database
answers, and so do Redis (when REDIS_URL is set) and the media storage. A load
balancer takes a server that answers 503 out of rotation; the JSON names what is
down (the details go to the log, not to whoever asks). It also says when a job worker
was last heard from ("worker"); no worker does not take a web server out of rotation,
since pages are served without one, but a monitor should page someone.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app
from sqlalchemy import text

from shop.extensions import db
from shop.models import utcnow

bp = Blueprint("health", __name__)
REDIS_TIMEOUT = 1.0  # seconds; a probe must answer before the balancer gives up on it
_REDIS_CLIENT = "vitrina.readyz_redis"


@bp.get("/healthz")
def healthz():
    """The process is up; says nothing about its dependencies."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Ready to serve: every dependency this app is configured with answers."""
    checks: dict[str, Callable[[], None]] = {"database": check_database}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = check_redis
    checks["storage"] = check_storage
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as error:  # any failure means "not ready"
            current_app.logger.warning("Readiness: %s is down (%s)", name, error)
            results[name] = "down"
        else:
            results[name] = "up"
    down = sorted(name for name, state in results.items() if state == "down")
    if down:
        return {"status": "unavailable", "down": down, **results}, 503
    return {"status": "ok", **results, "worker": worker_state()}


def worker_state() -> dict:
    """Whether a job worker beat recently, and how many seconds ago the last one did."""
    from shop.jobs.workers import last_seen, stale_after

    seen = last_seen()
    if seen is None:
        return {"seen": False, "seconds_ago": None}
    ago = (utcnow() - seen).total_seconds()
    return {"seen": ago <= stale_after().total_seconds(), "seconds_ago": round(ago, 1)}


def check_database() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        raise


def check_redis() -> None:
    """PING the Redis at REDIS_URL (one client per app, made on first use)."""
    import redis

    client = current_app.extensions.get(_REDIS_CLIENT)
    if client is None:
        client = current_app.extensions[_REDIS_CLIENT] = redis.Redis.from_url(
            current_app.config["REDIS_URL"],
            socket_timeout=REDIS_TIMEOUT,
            socket_connect_timeout=REDIS_TIMEOUT,
        )
    client.ping()


def check_storage() -> None:
    from shop.media.storage import get_storage

    get_storage().ping()
