"""A bar chart by day as plain SVG geometry: visitors and orders side by side, drawn
by the template (no script, readable on a phone); the table beside it has the numbers."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 200


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    kind: str  # "visitors" or "orders"


def bars(days: list, width: int = WIDTH, height: int = HEIGHT) -> list[Bar]:
    """Two bars a day, scaled to the busiest day's visitors (or orders, if more)."""
    if not days:
        return []
    top = max(max(d.visitors for d in days), max(d.orders for d in days), 1)
    slot = width / len(days)
    bar = max(slot * 0.4, 0.5)
    out = []
    for n, day in enumerate(days):
        for offset, kind, value in ((0.1, "visitors", day.visitors), (0.5, "orders", day.orders)):
            h = height * value / top
            out.append(
                Bar(
                    round(n * slot + slot * offset, 2),
                    round(height - h, 2),
                    round(bar, 2),
                    round(h, 2),
                    value,
                    kind,
                )
            )
    return out
