"""The time "now" for rules that depend on it (opening hours at checkout).

Rules take `now` as an argument; views ask here. Tests, and browser tests driving a
live server, set ``app.config["CLOCK"]`` to a function returning an aware datetime,
so no test waits for, or depends on, the real time of day.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app


def now() -> datetime:
    clock = current_app.config.get("CLOCK")
    return clock() if callable(clock) else datetime.now(UTC)
