"""Defaults every DAG uses, the closed set of tags, and the reference date D of a run."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from datetime import time as dt_time
from typing import Any

import pendulum
from airflow.sdk import Param
from airflow.timetables.trigger import CronTriggerTimetable

from tiemnang import config
from tiemnang.orchestration import alerts, cadence
from tiemnang.sources import registry

log = logging.getLogger(__name__)

TZ = pendulum.timezone(config.TIMEZONE)
OWNER = "bhxh-data-engineering"
TAGS = frozenset({"tiemnang", "ingest", "build", "publish", "nightly", "weekly", *registry.NAMES})

# Start-date policy: no start_date, catchup off. On the first unpause of a fresh deployment the ingests run
# the latest 01:00 tick at once (loading is idempotent and is what the lists need first); the publication
# runs its latest 13:00 tick only while it is still inside its window (< 3 h old, before 16:00), else it
# waits for the next publication day — and any publication run waits for the ingests of its D before building
# (docs/operations.md "What runs when"). Once a DAG has runs, catchup=False runs its latest missed tick.
NIGHTLY = CronTriggerTimetable("0 1 * * *", timezone=TZ, run_immediately=True)
# 13:00 on the days of the publication calendar (cadence.CALENDAR: Fridays, and the working days of 14–31
# December); the run's first task checks the day against the warehouse's calendar (ref.tham_so, migration 0021).
WEEKLY = cadence.PublicationTimetable(cadence.CALENDAR, at=dt_time(13, 0), timezone=TZ,
                                      run_immediately=timedelta(hours=3))

# The pool the 34 mapped publication and export tasks share; its size (TIEMNANG_PUBLISH_SLOTS) is set by
# `tiemnang setup` and the compose deployment's airflow-init (runner.ensure_pool), not by the DAG.
PUBLISH_POOL = "tiemnang_publish"

DEFAULT_ARGS: dict[str, Any] = {
    "owner": OWNER,
    "retries": 2,
    # Fault-injection tests shorten the wait between tries; production keeps the 2 minutes.
    "retry_delay": timedelta(seconds=int(os.environ.get("TIEMNANG_RETRY_DELAY_SECONDS", "120"))),
    "retry_exponential_backoff": True,
    # A hung task (a lock never released, a stuck mount) fails and alerts instead of holding its slot for
    # ever; the national register load and the build take about an hour (docs/benchmarks).
    "execution_timeout": timedelta(hours=4),
    "on_failure_callback": [alerts.TiemnangNotifier("failure")],
    "on_retry_callback": [alerts.TiemnangNotifier("retry")],
}
# How long a publication waits for the ingests covering its D (from the run's start), and how often it looks.
INGEST_WAIT = timedelta(seconds=int(os.environ.get("TIEMNANG_INGEST_WAIT_SECONDS", str(150 * 60))))
INGEST_POKE = timedelta(seconds=int(os.environ.get("TIEMNANG_INGEST_POKE_SECONDS", "60")))
# One province's publication or export is one transaction over that province's rows: minutes at most.
PROVINCE_TIMEOUT = timedelta(minutes=30)

RUN_PARAMS = {
    "as_of": Param(None, type=["null", "string"], format="date",
                   description="Reference date D (YYYY-MM-DD); empty = the run's own date in Asia/Ho_Chi_Minh"),
    "landing": Param(None, type=["null", "string"], description="Landing root; empty = configured default"),
}


def run_date(context: Mapping) -> date:
    """The local date (Asia/Ho_Chi_Minh) of the run's logical date: the tick it was scheduled for.

    A manual run has no logical date in Airflow 3 unless one is given: its date is when it was triggered.
    """
    moment = context.get("logical_date") or context["dag_run"].run_after
    return pendulum.instance(moment).in_timezone(TZ).date()


def reference_date(context: Mapping) -> date:
    """D of a time-scheduled or manual run: the `as_of` param, else the run's date (run_date)."""
    as_of = (context.get("params") or {}).get("as_of")
    return date.fromisoformat(str(as_of)) if as_of else run_date(context)


def publication_date(context: Mapping) -> date:
    """D of a publication: the `as_of` param, else the publication day of its tick — the latest publication
    day of the calendar (a Friday; a working day in the year-end daily period) on or before the run's date, so a
    manual run never publishes a day whose deliveries are still to come. `check_publication_day` has checked
    that day against the warehouse's calendar first."""
    return given_date(context) or WEEKLY.cadence.latest_on_or_before(run_date(context))


def given_date(context: Mapping) -> date | None:
    """The run's `as_of` param as a date; None when the run was not given one."""
    as_of = (context.get("params") or {}).get("as_of")
    return date.fromisoformat(str(as_of)) if as_of else None


def is_time_scheduled(context: Mapping) -> bool:
    """A run the timetable made (scheduled, or a backfill of its ticks), not a manual or asset-triggered one."""
    run_type = getattr(context.get("dag_run"), "run_type", None)
    return str(getattr(run_type, "value", run_type)) in ("scheduled", "backfill")


def event_dates(context: Mapping) -> list[date]:
    """The dates an asset-triggered build is for: the `as_of` param, else every `as_of` of the triggering
    events (oldest first). Never "today": a run with no dated event builds nothing."""
    as_of = (context.get("params") or {}).get("as_of")
    if as_of:
        return [date.fromisoformat(str(as_of))]
    return dated_events(context.get("triggering_asset_events") or {})


def dated_events(events: Mapping[Any, Iterable]) -> list[date]:
    """The distinct `as_of` dates the events carry, oldest first.

    Each is built once every source has finished an ingest covering it (weekly.ensure_dates_built), and
    only if its files in force changed: an event left queued from an earlier night never moves D, and at
    worst costs that check. Taking one date per source instead loses a backfill whose events came in
    beside a night's (the build would run for the night only).
    """
    return sorted({date.fromisoformat(event.extra["as_of"])
                   for items in events.values() for event in items if (event.extra or {}).get("as_of")})


def landing_root(context: Mapping):
    """The landing root: the run's `landing` param, TIEMNANG_LANDING_DIR, the Airflow Variable, .local/landing."""
    override = (context.get("params") or {}).get("landing")
    variable = None
    if not override and not os.environ.get(config.LANDING_ENV):
        from airflow.sdk import Variable

        variable = Variable.get(config.LANDING_VARIABLE, default=None)
    return config.landing_dir(override, variable)


def prepare_warehouse() -> dict:
    """Apply pending migrations and reference data; the first task of every DAG (idempotent)."""
    from tiemnang import warehouse

    return warehouse.prepare_database(config.warehouse_conninfo())
