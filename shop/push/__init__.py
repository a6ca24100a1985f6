"""Web Push to the merchant's devices: subscriptions, and the job that sends a message
to every device of a shop (so no request waits on a push service)."""

from shop.push.sender import push_configured, queue_push
from shop.push.subscriptions import (
    SubscriptionError,
    remove_subscription,
    save_subscription,
)

__all__ = [
    "SubscriptionError",
    "push_configured",
    "queue_push",
    "remove_subscription",
    "save_subscription",
]
