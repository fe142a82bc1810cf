"""The publication calendar — every Friday, and every working day of a year-end period — and the Airflow timetable
that schedules the publication on it (registered by plugins/tiemnang_cadence.py).

The warehouse holds the calendar (ref.tham_so, ref.lich_cong_bo, migration 0021); the timetable encodes the same
rule so the scheduler never reads the warehouse, and the publication's first task checks the day against the
warehouse's calendar (check_publication_day). docs/operations.md "Publication calendar".
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pendulum
from airflow.timetables.base import DagRunInfo, DataInterval, Timetable

if TYPE_CHECKING:
    from airflow.timetables.base import TimeRestriction

log = logging.getLogger(__name__)

FRIDAY = 4
WEEKLY, DAILY = "weekly", "daily"
# The ref.tham_so parameters of the calendar; ref.lich_cong_bo answers 'hang_tuan' / 'hang_ngay' for a day.
PARAMETERS = ("cong_bo_hang_ngay_tu", "cong_bo_hang_ngay_den")
WAREHOUSE_KINDS = {"hang_tuan": WEEKLY, "hang_ngay": DAILY}


def _month_day(value: int) -> tuple[int, int]:
    month, day = divmod(int(value), 100)
    dt.date(2000, month, day)  # raises on an impossible month-day (2000 is a leap year: 0229 is allowed)
    return month, day


@dataclass(frozen=True)
class Cadence:
    """Publication days: every Friday, and every working day (Monday–Friday) from `daily_from` to `daily_to`
    of each year — month-days as MMDD, both inclusive; a period may run over the new year (1215 to 0110);
    `daily_from` 0 means no daily period. The defaults are migration 0021's rows of ref.tham_so."""

    daily_from: int = 1214
    daily_to: int = 1231

    def __post_init__(self) -> None:
        if self.daily_from:
            _month_day(self.daily_from)
            _month_day(self.daily_to)

    def in_daily_period(self, d: dt.date) -> bool:
        if not self.daily_from:
            return False
        md = d.month * 100 + d.day
        if self.daily_from <= self.daily_to:
            return self.daily_from <= md <= self.daily_to
        return md >= self.daily_from or md <= self.daily_to

    def kind(self, d: dt.date) -> str | None:
        """DAILY on a working day of the period, WEEKLY on a Friday outside it, None on any other day."""
        if d.weekday() < 5 and self.in_daily_period(d):
            return DAILY
        return WEEKLY if d.weekday() == FRIDAY else None

    def publishes(self, d: dt.date) -> bool:
        return self.kind(d) is not None

    def latest_on_or_before(self, d: dt.date) -> dt.date:
        """The publication day a run on day `d` publishes: `d` itself, else the latest one before it (≤ 6 days)."""
        while not self.publishes(d):
            d -= dt.timedelta(days=1)
        return d

    def days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The publication days from `first` to `last`, both inclusive."""
        return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)
                if self.publishes(first + dt.timedelta(days=i))]

    def describe(self) -> str:
        if not self.daily_from:
            return "Fridays"
        (m1, d1), (m2, d2) = _month_day(self.daily_from), _month_day(self.daily_to)
        return f"Fridays; every working day (Mon-Fri) from {d1:02d}/{m1:02d} to {d2:02d}/{m2:02d}"


# The rule the publication's timetable schedules (orchestration.common.WEEKLY) and deadline alerts name: keep it
# equal to the calendar in ref.tham_so when that changes (docs/operations.md "Publication calendar").
CALENDAR = Cadence(daily_from=1214, daily_to=1231)


def _utcnow() -> pendulum.DateTime:
    return pendulum.now("UTC")


class PublicationTimetable(Timetable):
    """Runs at `at` (local time of `timezone`) on every publication day of `cadence`; logical date = that moment.

    Like CronTriggerTimetable (which it replaces for the publication): no data interval (start = end = the tick),
    catchup off runs the latest missed tick, and `run_immediately` decides the very first run of a DAG with no
    start_date: the latest tick when it is at most that old (True: always; False: never), else the next one.
    """

    def __init__(self, cadence: Cadence | None = None, *, at: dt.time = dt.time(13, 0), timezone: Any = "UTC",
                 run_immediately: bool | dt.timedelta = False) -> None:
        self.cadence = cadence or Cadence()
        self.at = at
        self._timezone = pendulum.timezone(timezone) if isinstance(timezone, str) else timezone
        self._run_immediately = run_immediately
        self.description = f"At {at:%H:%M} ({self._timezone.name}): {cadence.describe()}"

    @property
    def summary(self) -> str:
        return f"{self.at:%H:%M} {self.cadence.describe()}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicationTimetable):
            return NotImplemented
        return self.serialize() == other.serialize()

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.serialize().items())))

    def serialize(self) -> dict[str, Any]:
        from airflow.serialization.encoders import encode_run_immediately, encode_timezone

        return {"daily_from": self.cadence.daily_from, "daily_to": self.cadence.daily_to,
                "at": self.at.strftime("%H:%M"), "timezone": encode_timezone(self._timezone),
                "run_immediately": encode_run_immediately(self._run_immediately)}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> PublicationTimetable:
        from airflow._shared.timezones.timezone import parse_timezone
        from airflow.serialization.decoders import decode_run_immediately

        return cls(Cadence(int(data["daily_from"]), int(data["daily_to"])), at=dt.time.fromisoformat(data["at"]),
                   timezone=parse_timezone(data["timezone"]),
                   run_immediately=decode_run_immediately(data["run_immediately"]))

    def validate(self) -> None:
        from airflow.exceptions import AirflowTimetableInvalid

        try:
            Cadence(self.cadence.daily_from, self.cadence.daily_to)
        except (ValueError, TypeError) as exc:
            raise AirflowTimetableInvalid(f"invalid publication calendar {self.cadence}: {exc}") from exc

    # ---- ticks: `at` on each publication day, as UTC moments
    def tick(self, day: dt.date) -> pendulum.DateTime:
        return pendulum.datetime(day.year, day.month, day.day, self.at.hour, self.at.minute,
                                 tz=self._timezone).in_timezone("UTC")

    def _next(self, moment: pendulum.DateTime, *, inclusive: bool) -> pendulum.DateTime:
        day = pendulum.instance(moment).in_timezone(self._timezone).date()
        while True:  # a Friday comes within 7 days
            if self.cadence.publishes(day):
                tick = self.tick(day)
                if tick > moment or (inclusive and tick == moment):
                    return tick
            day += dt.timedelta(days=1)

    def _prev(self, moment: pendulum.DateTime, *, inclusive: bool) -> pendulum.DateTime:
        day = pendulum.instance(moment).in_timezone(self._timezone).date()
        while True:
            if self.cadence.publishes(day):
                tick = self.tick(day)
                if tick < moment or (inclusive and tick == moment):
                    return tick
            day -= dt.timedelta(days=1)

    def _first_run(self, now: pendulum.DateTime) -> pendulum.DateTime:
        past, upcoming = self._prev(now, inclusive=True), self._next(now, inclusive=False)
        if self._run_immediately is True:
            return past
        if isinstance(self._run_immediately, dt.timedelta) and now - past <= self._run_immediately:
            return past
        return upcoming

    def infer_manual_data_interval(self, *, run_after: pendulum.DateTime) -> DataInterval:
        return DataInterval.exact(run_after)

    def next_dagrun_info(self, *, last_automated_data_interval: DataInterval | None,
                         restriction: TimeRestriction) -> DagRunInfo | None:
        last = last_automated_data_interval
        if restriction.catchup:
            if last is not None:
                following = self._next(last.end, inclusive=False)
            elif restriction.earliest is None:
                following = self._first_run(_utcnow())
            else:
                following = self._next(restriction.earliest, inclusive=True)
        else:
            now = _utcnow()
            candidates = [self._prev(now, inclusive=True)]
            if last is not None:
                candidates.append(self._next(last.end, inclusive=False))
            elif restriction.earliest is None:
                candidates.append(self._first_run(now))
            if restriction.earliest is not None:
                candidates.append(self._next(restriction.earliest, inclusive=True))
            following = max(candidates)
        if restriction.latest is not None and restriction.latest < following:
            return None
        return DagRunInfo.exact(following)


def warehouse_days(conninfo: str, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """The warehouse's publication days from `first` to `last` (ref.lich_cong_bo): {day: WEEKLY | DAILY}."""
    from tiemnang import db

    with db.connect(conninfo) as conn:
        rows = db.fetch(conn, "publish/calendar", {"first": first, "last": last})
    return {day: WAREHOUSE_KINDS[kind] for day, kind in rows}


# How far ahead the check compares the warehouse's calendar with the timetable's.
LOOKAHEAD = dt.timedelta(days=45)


def check_publication_day(conninfo: str, run_day: dt.date, as_of: dt.date | None, scheduled: bool,
                          timetable: PublicationTimetable) -> dict:
    """The publication day of a run, by the warehouse's calendar; skips a scheduled run on a day it does not
    publish.

    - `as_of` given (a manual run, a backfill of a week, `tiemnang run`): D = `as_of`, whatever the calendar.
    - else D = the latest publication day on or before the run's day. A scheduled run (or backfill) on a day
      the calendar does not publish (the calendar was changed after the timetable's rule) is skipped.
    - The tasks after this one take D from the timetable's rule (common.publication_date): when the warehouse
      says otherwise for a manual run, the run fails, naming both, rather than publish a day nobody asked for.
    Returns D, its cadence and the coming days on which the two calendars differ (logged as an alert).
    """
    from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

    first, last = run_day - dt.timedelta(days=7), run_day + LOOKAHEAD
    days = warehouse_days(conninfo, first, last)
    upcoming = [run_day + dt.timedelta(days=i) for i in range(1, LOOKAHEAD.days + 1)]
    differ = [d.isoformat() for d in upcoming if (d in days) != timetable.cadence.publishes(d)]
    alerts = []
    if differ:
        alerts.append(f"the publication calendar in ref.tham_so and the DAG's timetable ({timetable.summary}) "
                      f"differ on {', '.join(differ)}: runs come on the timetable's days and skip a day the "
                      "calendar does not publish; a day only the calendar publishes gets no run. See "
                      "docs/operations.md#publication-calendar")
        log.warning("TIEMNANG ALERT: %s", alerts[0])
    if as_of is not None:
        kind = days.get(as_of) if first <= as_of <= last else warehouse_days(conninfo, as_of, as_of).get(as_of)
        log.info("publication for D = %s (given as as_of; the calendar says %s)", as_of, kind or "no publication")
        return {"as_of": as_of.isoformat(), "cadence": kind, "given": True, "alerts": alerts}
    if run_day not in days and scheduled:
        raise AirflowSkipException(f"no publication on {run_day}: the calendar in ref.tham_so does not publish "
                                   "that day (ref.lich_cong_bo); nothing to do")
    d = max(day for day in days if day <= run_day)
    expected = timetable.cadence.latest_on_or_before(run_day)
    if d != expected:
        raise AirflowFailException(
            f"this run would publish {expected} (the DAG's timetable) but the calendar in ref.tham_so says "
            f"{d}: trigger the run with as_of = the day to publish, or align the two "
            "(docs/operations.md#publication-calendar)")
    log.info("publication for D = %s (%s publication day)", d, days[d])
    return {"as_of": d.isoformat(), "cadence": days[d], "given": False, "alerts": alerts}
