"""Cookieless shop analytics: what shoppers looked at, added and ordered, and where
they came from, counted per day without storing anyone's address or a cookie.

`events` takes what the shop page's beacon reports, `sources` names where a visit came
from, `visitors` tells visitors apart for one day only, `report` reads the figures for
the merchant's analytics page, and `pruning` forgets each day's hashes and salt.
"""

from shop.analytics import live, pruning  # noqa: F401  (register the periodic tasks)
from shop.analytics.events import KINDS, Event, read_event, record
from shop.analytics.visitors import is_bot, opted_out

__all__ = ["KINDS", "Event", "is_bot", "opted_out", "read_event", "record"]
