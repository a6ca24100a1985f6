"""Who changed what in a shop, and when: one writer (record), one table (activity).

An order's history is the same rows (kinds status, edit and payment), so there is one
mechanism for both; the dashboard's activity page reads them all (shop.activity.log),
and rows without an order are pruned after ACTIVITY_KEEP_DAYS (shop.activity.pruning).
"""

from shop.activity.record import differences, record, record_changes, snapshot

__all__ = ["differences", "record", "record_changes", "snapshot"]
