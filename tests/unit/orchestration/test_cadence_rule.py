"""The publication calendar's rule (orchestration.cadence.Cadence): Fridays, and working days of the daily period."""

from __future__ import annotations

from datetime import date

import pytest

from tiemnang.orchestration.cadence import CALENDAR, DAILY, WEEKLY, Cadence


def test_default_calendar_is_fridays_and_the_working_days_of_14_to_31_december():
    assert CALENDAR == Cadence(1214, 1231)
    assert CALENDAR.days(date(2026, 12, 1), date(2027, 1, 16)) == [
        date(2026, 12, 4), date(2026, 12, 11),                                   # Fridays before the period
        date(2026, 12, 14), date(2026, 12, 15), date(2026, 12, 16), date(2026, 12, 17), date(2026, 12, 18),
        date(2026, 12, 21), date(2026, 12, 22), date(2026, 12, 23), date(2026, 12, 24), date(2026, 12, 25),
        date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31),
        date(2027, 1, 1), date(2027, 1, 8), date(2027, 1, 15),                   # Fridays again
    ]
    assert CALENDAR.kind(date(2026, 12, 11)) == WEEKLY
    assert CALENDAR.kind(date(2026, 12, 14)) == DAILY
    assert CALENDAR.kind(date(2026, 12, 18)) == DAILY     # a Friday inside the period is one of its days
    assert CALENDAR.kind(date(2026, 12, 19)) is None      # Saturday
    assert CALENDAR.kind(date(2026, 12, 13)) is None      # Sunday before the period
    assert CALENDAR.kind(date(2027, 1, 1)) == WEEKLY


def test_a_run_publishes_the_latest_publication_day_on_or_before_its_day():
    assert CALENDAR.latest_on_or_before(date(2026, 11, 18)) == date(2026, 11, 13)   # outside: the Friday, as before
    assert CALENDAR.latest_on_or_before(date(2026, 12, 13)) == date(2026, 12, 11)
    assert CALENDAR.latest_on_or_before(date(2026, 12, 16)) == date(2026, 12, 16)   # inside: that day
    assert CALENDAR.latest_on_or_before(date(2026, 12, 20)) == date(2026, 12, 18)   # weekend: Friday
    assert CALENDAR.latest_on_or_before(date(2027, 1, 6)) == date(2027, 1, 1)


def test_a_period_over_the_new_year_and_no_period():
    wrap = Cadence(1228, 105)
    assert wrap.days(date(2026, 12, 24), date(2027, 1, 9)) == [
        date(2026, 12, 25), date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31),
        date(2027, 1, 1), date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 8)]
    fridays = Cadence(0, 0)
    assert fridays.days(date(2026, 12, 14), date(2026, 12, 31)) == [
        date(2026, 12, 18), date(2026, 12, 25)]
    assert Cadence(229, 229).kind(date(2028, 2, 29)) == DAILY   # a leap day is a month-day like any other


@pytest.mark.parametrize("bad", [(1232, 1231), (1214, 1300), (1300, 1231), (14, 1231)])
def test_impossible_month_days_are_refused(bad):
    with pytest.raises(ValueError):
        Cadence(*bad)
