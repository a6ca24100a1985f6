"""The discount money rule, called directly: rounded once, split exactly, never below zero."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shop.ordering.discounts import (
    Applied,
    DiscountKind,
    apply_discount,
    percent_of,
    split_in_proportion,
)


def test_a_percentage_is_rounded_half_up_once_per_order():
    # 10 % of 10,05 € is 1,005 €: one cent and a half rounds up to 1,01 €.
    assert percent_of(1005, 1000) == 101
    assert percent_of(1004, 1000) == 100
    # Three lines of 3,35 €: per line 0,335 would round to 0,34 three times (1,02 €);
    # once per order it is 10 % of 10,05 €, 1,01 €.
    applied = apply_discount("percent", 1000, [335, 335, 335], [True] * 3)
    assert applied.total_minor == 101
    # Floors of 33,5 are 33 each; the 2 left go to the largest line (the first of equals).
    assert applied.lines_minor == (35, 33, 33)


def test_the_remainder_goes_to_the_largest_line():
    assert split_in_proportion(10, [100, 200, 700]) == (1, 2, 7)
    # 7 shared 1:1:1 gives 2 each and 1 left for the largest (the first among equals).
    assert split_in_proportion(7, [500, 500, 500]) == (3, 2, 2)
    # Floors 0, 4, 2 leave 1, which goes to the 900 line.
    assert split_in_proportion(7, [100, 900, 500]) == (0, 5, 2)


def test_a_remainder_larger_than_the_largest_line_spills_to_the_next():
    # 2 off three lines of 1: each floor share is 0; no line may go to -1.
    assert split_in_proportion(2, [1, 1, 1]) == (1, 1, 0)


@pytest.mark.parametrize(
    ("currency", "lines", "basis_points", "expected"),
    [
        # EUR, cents: 15 % of 33,33 € = 4,9995 € -> 5,00 €.
        ("EUR", [1111, 1111, 1111], 1500, 500),
        # CLP, no decimals: 15 % of $9.999 = 1.499,85 -> $1.500.
        ("CLP", [3333, 3333, 3333], 1500, 1500),
        # KWD, fils: 12,5 % of 1,001 KWD = 0,125125 -> 0,125 KWD.
        ("KWD", [1001], 1250, 125),
        # KWD: 12,5 % of 0,012 KWD = 0,0015 -> 0,002 KWD (half up).
        ("KWD", [5, 7], 1250, 2),
    ],
)
def test_a_percentage_is_exact_in_any_minor_unit(currency, lines, basis_points, expected):
    applied = apply_discount("percent", basis_points, lines, [True] * len(lines))
    assert applied.total_minor == expected
    assert all(0 <= off <= total for off, total in zip(applied.lines_minor, lines, strict=True))


def test_only_eligible_lines_count_and_are_discounted():
    applied = apply_discount("percent", 5000, [1000, 3000, 600], [True, False, True])
    assert applied.lines_minor == (500, 0, 300)
    assert applied.shipping_minor == 0


def test_a_fixed_amount_never_takes_more_than_the_eligible_lines():
    applied = apply_discount("fixed", 5000, [1000, 3000], [True, False])
    assert applied.lines_minor == (1000, 0)
    assert apply_discount("fixed", 300, [1000, 3000], [True, True]).lines_minor == (75, 225)


def test_free_shipping_takes_the_shipping_only():
    applied = apply_discount(DiscountKind.FREE_SHIPPING, 0, [1000, 500], [True, True], 450)
    assert applied == Applied(lines_minor=(0, 0), shipping_minor=450)
    assert applied.total_minor == 450


def test_nothing_eligible_takes_nothing():
    assert apply_discount("percent", 10_000, [1000], [False]).total_minor == 0
    assert apply_discount("fixed", 10, [], []).total_minor == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda: percent_of(100, 10_001),
        lambda: percent_of(-1, 100),
        lambda: split_in_proportion(11, [5, 5]),
        lambda: split_in_proportion(1, [-1, 5]),
        lambda: apply_discount("percent", 100, [1, 2], [True]),
        lambda: apply_discount("half_off", 100, [1], [True]),
    ],
)
def test_impossible_inputs_are_refused(call):
    with pytest.raises(ValueError, match=r"."):
        call()


_lines = st.lists(st.integers(min_value=0, max_value=10**10), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    lines=_lines,
    flags=st.lists(st.booleans(), min_size=40, max_size=40),
    kind=st.sampled_from(list(DiscountKind)),
    basis_points=st.integers(min_value=0, max_value=10_000),
    fixed=st.integers(min_value=0, max_value=10**12),
    shipping=st.integers(min_value=0, max_value=10**6),
)
def test_lines_and_total_always_add_up_and_never_go_below_zero(
    lines, flags, kind, basis_points, fixed, shipping
):
    eligible = flags[: len(lines)]
    value = basis_points if kind is DiscountKind.PERCENT else fixed
    applied = apply_discount(kind, value, lines, eligible, shipping)
    assert applied.total_minor == sum(applied.lines_minor) + applied.shipping_minor
    for off, total, ok in zip(applied.lines_minor, lines, eligible, strict=True):
        assert 0 <= off <= total
        assert ok or off == 0
    counted = sum(t for t, ok in zip(lines, eligible, strict=True) if ok)
    if kind is DiscountKind.PERCENT:
        # Rounded once: within half a minor unit of the exact percentage.
        assert abs(applied.total_minor * 10_000 - counted * basis_points) <= 5_000
    elif kind is DiscountKind.FIXED:
        assert applied.total_minor == min(fixed, counted)
    else:
        assert applied.total_minor == shipping
    assert sum(lines) + shipping - applied.total_minor >= 0


@settings(max_examples=300, deadline=None)
@given(lines=_lines, data=st.data())
def test_the_largest_line_carries_the_remainder(lines, data):
    whole = sum(lines)
    discount = data.draw(st.integers(min_value=0, max_value=whole))
    shares = split_in_proportion(discount, lines)
    assert sum(shares) == discount
    for share, total in zip(shares, lines, strict=True):
        # Every line gets its floor share, at most the few units of the remainder more.
        assert discount * total // whole <= share if whole else share == 0
        assert share <= total
