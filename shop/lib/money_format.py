"""Writing amounts fast: Babel's currency pattern for one (locale, currency, decimals),
turned once into a few strings and an integer split.

Babel's NumberPattern.apply re-reads the locale's symbols and runs Decimal arithmetic
for every price: about 35 µs, a third of a shop page's first render. Amounts here are
integers of minor units whose shown decimals never round (shop.lib.money.shown_digits),
so writing one is grouping digits and joining strings. Each compiled format is checked
against Babel on sample amounts when it is made; if they ever differ (a locale with
rules this does not know), that format stays Babel's, so the output is Babel's always.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from babel.core import Locale
from babel.numbers import NumberPattern, get_currency_symbol, get_decimal_symbol, get_group_symbol

Writer = Callable[[int, int], str]  # (minor units, exponent) -> text
# Few, as a check costs a Babel call each on a cold worker's first page (about 25 µs):
# a whole part padded with zeros and short decimals, and the largest amount, with every
# grouping rule in play (primary and secondary group sizes, the decimals).
SAMPLES = (7, 10**13 - 1)


@lru_cache(maxsize=512)
def currency_writer(pattern: NumberPattern, locale: str, currency: str, digits: int) -> Writer:
    """A function writing non-negative amounts exactly as `pattern.apply` would."""

    parsed = Locale.parse(locale)  # once: Babel parses a locale's name on every lookup

    def babel(minor: int, exponent: int) -> str:
        from decimal import Decimal

        return pattern.apply(
            Decimal(minor).scaleb(-exponent), parsed, currency=currency, currency_digits=False
        )

    compiled = _compile(pattern, parsed, currency, digits)
    if compiled is None:
        return babel
    for sample in SAMPLES:
        if compiled(sample, digits) != babel(sample, digits):
            return babel
    return lambda minor, exponent: (
        compiled(minor, exponent) if minor >= 0 else babel(minor, exponent)
    )


def _compile(pattern: NumberPattern, parsed: Locale, currency: str, digits: int) -> Writer | None:
    if pattern.exp_prec or pattern.scale or pattern.frac_prec != (digits, digits):
        return None
    symbol = get_currency_symbol(currency, parsed)
    prefix, suffix = pattern.prefix[0], pattern.suffix[0]
    if "¤¤" in prefix + suffix:
        return None
    prefix, suffix = prefix.replace("¤", symbol), suffix.replace("¤", symbol)
    decimal, group = get_decimal_symbol(parsed), get_group_symbol(parsed)
    primary, secondary = pattern.grouping
    least = pattern.int_prec[0]

    def write(minor: int, exponent: int) -> str:
        units, cents = divmod(minor, 10**exponent)
        number = str(units).rjust(least, "0")
        grouped, size = "", primary
        while len(number) > size:
            grouped = group + number[-size:] + grouped
            number = number[:-size]
            size = secondary
        text = number + grouped
        if digits:
            text += decimal + str(cents).rjust(exponent, "0")[:digits]
        return prefix + text + suffix

    return write
