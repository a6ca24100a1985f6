"""Opening hours as pure functions: `now` is always passed in, never read from the clock."""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from shop.lib import hours

MADRID = "Europe/Madrid"
WEEK = {0: "09:00-14:00, 17:00-20:00", 4: "20:00-02:00", 6: "22-2"}


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def state_text(week, when, zone=MADRID):
    return hours.status_text(hours.status(hours.check_week(week), zone, at(when)))


def test_reads_the_ways_merchants_write_hours(ctx):
    assert hours.parse_day("9-14, 17:30 - 20") == [["09:00", "14:00"], ["17:30", "20:00"]]
    assert hours.parse_day("09.00\u201313.00; 16h00 a 19h30") == [
        ["09:00", "13:00"],
        ["16:00", "19:30"],
    ]
    assert hours.parse_day("   ") == []
    assert hours.parse_day("00:00-24:00") == [["00:00", "24:00"]]


@pytest.mark.parametrize(
    "text", ["abc", "9-9", "25:00-26:00", "9-12 13-14", "9:60-10", "-", "9-10-11", "😀-9"]
)
def test_refuses_what_is_not_a_range(ctx, text):
    with pytest.raises(hours.HoursError):
        hours.parse_day(text)


def test_refuses_huge_input_and_too_many_ranges(ctx):
    with pytest.raises(hours.HoursError):
        hours.parse_day("9-10, " * 100)
    with pytest.raises(hours.HoursError):
        hours.parse_day(", ".join(f"{h}-{h}:30" for h in range(1, 9)))


def test_refuses_overlapping_ranges_naming_the_day(ctx):
    with pytest.raises(hours.HoursError, match="Tuesday"):
        hours.check_week({1: "09-14, 13-18"})


def test_every_day_empty_means_no_hours(ctx):
    assert hours.check_week({day: "" for day in range(7)}) is None
    assert hours.status(None, MADRID, at("2026-03-30T03:00+02:00")).open


def test_open_closes_at_and_next_opening(ctx):
    # 2026-03-30 is a Monday.
    assert state_text(WEEK, "2026-03-30T10:00+02:00") == "Open now, closes at 14:00"
    assert state_text(WEEK, "2026-03-30T15:00+02:00") == "Closed, opens today at 17:00"
    assert state_text(WEEK, "2026-03-30T21:00+02:00") == "Closed, opens Friday at 20:00"
    assert state_text(WEEK, "2026-04-02T21:00+02:00") == "Closed, opens tomorrow at 20:00"


def test_overnight_ranges_run_past_midnight_and_past_sunday(ctx):
    assert state_text(WEEK, "2026-04-03T23:30+02:00") == "Open now, closes at 02:00"
    assert state_text(WEEK, "2026-04-04T01:59+02:00") == "Open now, closes at 02:00"
    assert state_text(WEEK, "2026-04-04T02:00+02:00") == "Closed, opens tomorrow at 22:00"
    # Sunday 22:00-02:00 still holds early on Monday.
    assert state_text(WEEK, "2026-04-06T01:00+02:00") == "Open now, closes at 02:00"


def test_hours_follow_the_shop_clock_across_dst(ctx):
    week = {day: "09:00-20:00" for day in range(7)}
    # 08:30 UTC is 09:30 in Madrid in winter but 10:30 in summer: open either way.
    assert hours.status(hours.check_week(week), MADRID, at("2026-03-28T08:30+00:00")).open
    assert hours.status(hours.check_week(week), MADRID, at("2026-03-29T07:30+00:00")).open
    # 07:30 UTC on the Saturday before the change is 08:30 in Madrid: closed.
    assert not hours.status(hours.check_week(week), MADRID, at("2026-03-28T07:30+00:00")).open
    # The night the clocks go back, 02:30 happens twice: neither crashes.
    night = {6: "01:00-03:00"}
    assert hours.status(hours.check_week(night), MADRID, at("2026-10-25T00:30+00:00")).open
    assert hours.status(hours.check_week(night), MADRID, at("2026-10-25T01:30+00:00")).open


def test_other_zones_and_unknown_zones(ctx):
    week = {day: "09:00-18:00" for day in range(5)}
    mexico = hours.status(hours.check_week(week), "America/Mexico_City", at("2026-03-30T16:00Z"))
    assert mexico.open  # 10:00 in Mexico City
    assert hours.status(hours.check_week(week), "Mars/Olympus", at("2026-03-30T16:00Z")).open
    assert hours.week_minute("", datetime(2026, 3, 30, 10, 0)) == 600  # naive = UTC


def test_always_open_says_no_closing_time(ctx):
    week = {day: "00:00-24:00" for day in range(7)}
    assert state_text(week, "2026-03-30T10:00+02:00") == "Open now"


def test_stored_garbage_never_breaks_a_page(ctx):
    garbage = {"0": [["9", "x"]], "9": [["09:00", "10:00"]], "x": [], "1": [["10:00", "11:00"]]}
    state = hours.status(garbage, MADRID, at("2026-03-31T10:30+02:00"))
    assert state.open


def test_texts_in_spanish(ctx):
    with force_locale("es"):
        assert state_text(WEEK, "2026-03-30T21:00+02:00") == "Cerrado, abre el viernes a las 20:00"
        state = hours.status(hours.check_week(WEEK), MADRID, at("2026-03-30T15:00+02:00"))
        assert hours.closed_note(state) == (
            "La tienda está cerrada ahora; responderá hoy a las 17:00."
        )


def test_default_zone_from_the_whatsapp_number(ctx):
    assert hours.default_zone("+34612345678") == "Europe/Madrid"
    assert hours.default_zone("+5215512345678") == "America/Mexico_City"
    assert hours.default_zone("+573001234567") == "America/Bogota"
    assert hours.default_zone("not a number") == "UTC"


def test_zone_choices_are_named_in_the_language(ctx):
    choices = dict(hours.zone_choices("es"))
    assert "España" in choices["Europe/Madrid"]
    assert "Etc/GMT+3" not in choices
