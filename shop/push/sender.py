"""Sending a Web Push message to every device of a shop, as a job.

The message is encrypted per device (aes128gcm, RFC 8291) and signed with the app's
VAPID key by pywebpush; the push service keeps it until the browser wakes. A device
whose service answers 404 or 410 unsubscribed (or the browser was reset): it is removed.
Other failures are retried by the job queue.
"""

from __future__ import annotations

import json
import logging

from flask import current_app
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select

from shop.extensions import db
from shop.jobs import RunningJob, job_kind, start_job
from shop.lib.vapid import vapid_of
from shop.models import Job, PushSubscription

log = logging.getLogger(__name__)
GONE = {404, 410}
TTL_SECONDS = 24 * 3600  # a phone off for a day still hears of the order
TIMEOUT_SECONDS = 10


def push_configured() -> bool:
    """True when this server can send Web Push (a VAPID key is set)."""
    return bool(current_app.config.get("VAPID_PRIVATE_KEY"))


def queue_push(shop_id: int, message: dict, *, locale: str) -> Job | None:
    """Queue `message` (title, body, url, tag) for every device of the shop; None when
    push is not set up or no device asked for it (one indexed query)."""
    if not push_configured():
        return None
    anyone = db.session.scalar(
        select(PushSubscription.id).where(PushSubscription.shop_id == shop_id).limit(1)
    )
    if anyone is None:
        return None
    return start_job("push", shop_id=shop_id, params={"message": message}, locale=locale)


@job_kind("push", tries=3)
def deliver(job: RunningJob) -> dict:
    """One step per device, so a retry (a service down) sends only to those not done;
    the same tag makes a repeat replace the notification rather than add one."""
    devices = db.session.scalars(
        select(PushSubscription)
        .where(PushSubscription.shop_id == job.shop_id)
        .order_by(PushSubscription.id)
    ).all()
    data = json.dumps(job.params["message"], ensure_ascii=False)
    counts = {"sent": 0, "removed": 0}
    for device in job.steps(devices, key=lambda device: str(device.id)):
        if send(device, data):
            counts["sent"] += 1
        else:
            counts["removed"] += 1
            db.session.execute(delete(PushSubscription).where(PushSubscription.id == device.id))
    return counts


def send(device: PushSubscription, data: str) -> bool:
    """Push `data` to one device; False when its service says it is gone for good."""
    config = current_app.config
    try:
        webpush(
            {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}},
            data=data,
            vapid_private_key=vapid_of(config["VAPID_PRIVATE_KEY"]),
            vapid_claims={"sub": config["VAPID_SUBJECT"]},
            content_encoding="aes128gcm",
            ttl=TTL_SECONDS,
            timeout=TIMEOUT_SECONDS,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in GONE:
            log.info("push subscription %s gone (%s): removed", device.id, status)
            return False
        raise
    return True
