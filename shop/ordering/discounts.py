"""How much a discount takes off an order, exact to the minor unit of any currency.

Amounts here are integers of minor units (shop.lib.money), so "rounded to the
currency's minor unit" is rounding to a whole number, whatever the exponent: the same
rule is exact in EUR (cents), CLP (no decimals) and KWD (fils). A percentage is rounded
once per order, half up, never line by line (ten lines each rounded would drift by up
to five minor units). The order's discount is then split across the eligible lines in
proportion to their totals, the remainder going to the largest line, and stored per
line, so an order edited later still knows what each line had. No database, no HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shop.models.discounts import DiscountKind

# A percentage is stored in hundredths of a percent (basis points): 12,5 % is 1250.
FULL_PERCENT = 10_000


@dataclass(frozen=True)
class Applied:
    """What a discount takes off: per eligible line (in the order given) and shipping."""

    lines_minor: tuple[int, ...]
    shipping_minor: int = 0

    @property
    def total_minor(self) -> int:
        return sum(self.lines_minor) + self.shipping_minor


def percent_of(amount_minor: int, basis_points: int) -> int:
    """``basis_points`` hundredths of a percent of an amount, rounded half up.

    Integer arithmetic only: 10 % of 1 005 cents is 100,5 and becomes 101.
    """
    if amount_minor < 0 or not 0 <= basis_points <= FULL_PERCENT:
        raise ValueError("a percentage from 0 to 100 of a non-negative amount")
    return (amount_minor * basis_points * 2 + FULL_PERCENT) // (2 * FULL_PERCENT)


def split_in_proportion(discount_minor: int, line_totals: Sequence[int]) -> tuple[int, ...]:
    """The discount shared across lines in proportion to their totals, summing exactly.

    Each line gets the floor of its share; what the floors leave (fewer minor units than
    there are lines) goes to the largest line, and only when that line has nothing left
    to take, to the next largest, so no line ever goes below zero.
    """
    whole = sum(line_totals)
    if any(total < 0 for total in line_totals) or not 0 <= discount_minor <= whole:
        raise ValueError("a discount from 0 to the lines' sum over non-negative lines")
    if not discount_minor:
        return tuple(0 for _ in line_totals)
    shares = [discount_minor * total // whole for total in line_totals]
    left = discount_minor - sum(shares)
    # Largest first; among equal lines, the first in the cart.
    for index in sorted(range(len(shares)), key=lambda i: (-line_totals[i], i)):
        if not left:
            break
        extra = min(left, line_totals[index] - shares[index])
        shares[index] += extra
        left -= extra
    return tuple(shares)


def apply_discount(
    kind: DiscountKind | str,
    value: int,
    line_totals: Sequence[int],
    eligible: Sequence[bool],
    shipping_minor: int = 0,
) -> Applied:
    """What a discount of ``kind`` takes off a cart's lines and shipping.

    ``value`` is basis points for a percentage, minor units for a fixed amount, and
    ignored for free shipping. Only the eligible lines (the coupon's categories or items,
    or every line) count and are discounted; a fixed amount never takes more than they
    add up to, so no order is ever below zero.
    """
    kind = DiscountKind(kind)
    if len(eligible) != len(line_totals):
        raise ValueError("one eligibility flag per line")
    if kind is DiscountKind.FREE_SHIPPING:
        return Applied(lines_minor=tuple(0 for _ in line_totals), shipping_minor=shipping_minor)
    counted = [total if ok else 0 for total, ok in zip(line_totals, eligible, strict=True)]
    base = sum(counted)
    off = percent_of(base, value) if kind is DiscountKind.PERCENT else min(max(value, 0), base)
    return Applied(lines_minor=split_in_proportion(off, counted))
