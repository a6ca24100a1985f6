"""Opening hours: when a shop takes orders, in its own time zone. Pure functions.

Hours are stored per weekday (Monday = "0") as ranges of wall-clock times, e.g.
``{"0": [["09:00", "14:00"], ["17:00", "20:00"]], "4": [["20:00", "02:00"]]}``; a range
that ends at or before its start runs past midnight into the next day. Everything is
reckoned in "week minutes" of the shop's wall clock (Monday 00:00 = 0), after turning
`now` into the shop's local time with zoneinfo: opening at 09:00 means 09:00 on the
shop's clock whatever the DST offset, so clock changes need no special case. `now` is
always an argument, so tests never depend on the real clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers
from babel.core import get_global
from babel.dates import get_day_names, get_timezone_location
from flask_babel import gettext as _
from phonenumbers import timezone as phone_timezones

DAY = 24 * 60
WEEK = 7 * DAY
MAX_RANGES = 6
_TIME = re.compile(r"([01]?[0-9]|2[0-4])(?:[:.h]([0-5][0-9]))?")
_SPLIT_RANGES = re.compile(r"\s*[,;/]\s*|\s+y\s+|\s+and\s+")
_SPLIT_TIMES = re.compile("\\s*(?:-|\u2013|\u2014)\\s*|\\s+(?:a|to)\\s+")
# Countries with several zones where the first listed is not where most people live.
_MAIN_ZONE = {
    "MX": "America/Mexico_City",
    "US": "America/New_York",
    "BR": "America/Sao_Paulo",
    "ES": "Europe/Madrid",
    "CL": "America/Santiago",
    "EC": "America/Guayaquil",
    "AR": "America/Buenos_Aires",
    "PT": "Europe/Lisbon",
    "CA": "America/Toronto",
    "AU": "Australia/Sydney",
    "RU": "Europe/Moscow",
}


class HoursError(ValueError):
    """Hours a merchant typed that we cannot read; the message says why."""


@dataclass(frozen=True)
class HoursStatus:
    """Whether the shop is open at a moment, and the next change, in week minutes."""

    open: bool
    closes: int | None = None  # when open: the week minute it closes (None: never)
    opens: int | None = None  # when closed: the week minute it opens next
    now: int = 0  # the shop's week minute at that moment


# -- Reading what the merchant typed --------------------------------------------------


def parse_time(text: str) -> int:
    """Minutes after midnight for "9", "9:30", "09.30" or "24:00"."""
    match = _TIME.fullmatch(text.strip().lower())
    if match is None:
        raise HoursError(_("“%(text)s” is not a time. Write it like 09:00.", text=text.strip()))
    minutes = int(match.group(1)) * 60 + int(match.group(2) or 0)
    if minutes > DAY:
        raise HoursError(_("“%(text)s” is not a time. Write it like 09:00.", text=text.strip()))
    return minutes


def parse_day(text: str) -> list[list[str]]:
    """The ranges of one day, e.g. "09:00-14:00, 17:00-20:00"; empty text = closed."""
    text = (text or "").strip()
    if not text:
        return []
    if len(text) > 200:
        raise HoursError(_("Too long: write at most %(max)d ranges.", max=MAX_RANGES))
    ranges = []
    for chunk in _SPLIT_RANGES.split(text):
        if not chunk:
            continue
        times = _SPLIT_TIMES.split(chunk.strip())
        if len(times) != 2:
            raise HoursError(
                _("“%(text)s” is not a range. Write it like 09:00-14:00.", text=chunk.strip())
            )
        start, end = (parse_time(part) for part in times)
        start %= DAY  # "24:00-02:00" opens at midnight
        if start == end % DAY and not (start == 0 and end == DAY):
            raise HoursError(_("“%(text)s” opens and closes at the same time.", text=chunk.strip()))
        ranges.append([_hhmm(start), _hhmm(end)])
    if len(ranges) > MAX_RANGES:
        raise HoursError(_("Too long: write at most %(max)d ranges.", max=MAX_RANGES))
    return ranges


def check_week(days: dict[int, str]) -> dict | None:
    """Stored hours from the text of each weekday; None when every day is empty
    (no hours: the shop takes orders at any time). Overlapping ranges are refused."""
    hours = {str(day): parse_day(days.get(day, "")) for day in range(7)}
    if not any(hours.values()):
        return None
    for day, ranges in hours.items():
        spans = sorted(_span(parse_time(start), parse_time(end)) for start, end in ranges)
        for (_start, end), (next_start, _end) in pairwise(spans):
            if next_start < end:
                raise HoursError(_("The hours of %(day)s overlap.", day=day_name(int(day))))
    return {day: ranges for day, ranges in hours.items() if ranges}


def day_text(hours: dict | None, day: int) -> str:
    """One weekday's ranges as the form shows them: "09:00-14:00, 17:00-20:00"."""
    return ", ".join(f"{start}-{end}" for start, end in (hours or {}).get(str(day), []))


# -- When the shop is open ----------------------------------------------------------


def week_intervals(hours: dict | None) -> list[tuple[int, int]]:
    """Merged open intervals in week minutes, over three weeks (-1, 0, +1) so that a
    range past Sunday midnight and the next change are always found."""
    pieces = []
    for day, ranges in (hours or {}).items():
        if not (isinstance(day, str) and day.isdigit() and int(day) < 7):
            continue
        for pair in ranges:
            try:
                start, end = _span(*(parse_time(value) for value in pair))
            except (HoursError, TypeError, ValueError):
                continue  # stored hours are checked on save; never crash a page on them
            base = int(day) * DAY
            for week in (-WEEK, 0, WEEK):
                pieces.append((base + start + week, base + end + week))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def status(hours: dict | None, zone: str, now: datetime) -> HoursStatus:
    """Open or closed at `now` (an aware datetime); no hours means always open."""
    minute = week_minute(zone, now)
    intervals = week_intervals(hours)
    if not intervals:
        return HoursStatus(open=True, now=minute)
    for start, end in intervals:
        if start <= minute < end:
            never_closes = end - start >= 2 * WEEK
            return HoursStatus(open=True, closes=None if never_closes else end, now=minute)
    opens = min(start for start, _end in intervals if start > minute)
    return HoursStatus(open=False, opens=opens, now=minute)


def week_minute(zone: str, now: datetime) -> int:
    """The shop's wall clock at `now`, as minutes since Monday 00:00."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    local = now.astimezone(zone_info(zone))
    return local.weekday() * DAY + local.hour * 60 + local.minute


def when_text(at: int, now: int) -> str:
    """ "today at 17:00", "tomorrow at 09:00" or "Monday at 09:00" (current language)."""
    time = _hhmm(at % DAY)
    days_ahead = at // DAY - now // DAY
    if days_ahead == 0:
        return _("today at %(time)s", time=time)
    if days_ahead == 1:
        return _("tomorrow at %(time)s", time=time)
    return _("%(day)s at %(time)s", day=day_name((at // DAY) % 7), time=time)


def status_text(state: HoursStatus) -> str:
    """ "Open now, closes at 20:00" or "Closed, opens Monday at 09:00"."""
    if state.open:
        if state.closes is None:
            return _("Open now")
        return _("Open now, closes at %(time)s", time=_hhmm(state.closes % DAY))
    return _("Closed, opens %(when)s", when=when_text(state.opens, state.now))


def closed_note(state: HoursStatus) -> str:
    """The note an order placed while closed carries (message, order page, export)."""
    return _(
        "The shop is closed now; it will answer %(when)s.", when=when_text(state.opens, state.now)
    )


def closed_refusal(state: HoursStatus) -> str:
    return _(
        "The shop is closed now and takes orders again %(when)s.",
        when=when_text(state.opens, state.now),
    )


def day_name(day: int) -> str:
    """Monday is 0, in the current language ("lunes")."""
    from flask_babel import get_locale

    return str(get_day_names("wide", locale=get_locale() or "en")[day])


# -- Time zones -----------------------------------------------------------------------


def zone_info(zone: str) -> ZoneInfo:
    """The zone, or UTC for an empty or unknown name (a deleted zone must not crash pages)."""
    try:
        return ZoneInfo(zone) if zone else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def shop_zone(shop) -> str:
    """The shop's zone: its setting, else the usual zone of its WhatsApp number's country."""
    return shop.time_zone or default_zone(shop.whatsapp)


@lru_cache(maxsize=4096)
def default_zone(whatsapp: str) -> str:
    """The usual zone of the number's country (kept: parsing the number took a fifth of
    a checkout's rules, and a shop's number seldom changes)."""
    try:
        number = phonenumbers.parse(whatsapp)
    except phonenumbers.NumberParseException:
        return "UTC"
    region = phonenumbers.region_code_for_number(number) or ""
    if region in _MAIN_ZONE:
        return _MAIN_ZONE[region]
    known = valid_zones()
    candidates = [zone for zone in phone_timezones.time_zones_for_number(number) if zone in known]
    if not candidates:
        candidates = [z for z in get_global("territory_zones").get(region, []) if z in known]
    return candidates[0] if candidates else "UTC"


@lru_cache(maxsize=1)
def valid_zones() -> frozenset[str]:
    skip = ("Etc/", "SystemV/", "US/")
    return frozenset(z for z in available_timezones() if "/" in z and not z.startswith(skip))


@lru_cache(maxsize=4)
def _zone_choices(locale: str) -> tuple[tuple[str, str], ...]:
    rows = []
    for zone in valid_zones():
        try:
            place = get_timezone_location(zone, locale=locale)
        except (LookupError, ValueError):
            place = zone
        rows.append((zone, f"{place} · {zone}"))
    return tuple(sorted(rows, key=lambda row: row[1].casefold()))


def zone_choices(locale: str) -> list[tuple[str, str]]:
    """``("Europe/Madrid", "hora de España (Madrid) · Europe/Madrid")``, by localized name."""
    return list(_zone_choices(locale))


def _span(start: int, end: int) -> tuple[int, int]:
    """A range as minutes from its day's midnight; past midnight when end <= start."""
    return (start, end if end > start else end + DAY)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
