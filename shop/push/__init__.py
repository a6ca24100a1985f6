"""Web Push to the merchant's devices: subscriptions, and the job that sends a message
to every device of a shop (so no request waits on a push service)."""

from shop.push.sender import push_configured, queue_push
from shop.push.subscriptions import (
    SubscriptionError,
    device_subscribed,
    remove_subscription,
    save_subscription,
)

__all__ = [
    "SubscriptionError",
    "device_subscribed",
    "push_configured",
    "queue_push",
    "remove_subscription",
    "save_subscription",
]
