"""The publication's timetable (orchestration.cadence.PublicationTimetable) as Airflow uses it: the runs it makes
around the year-end daily period, its first run, its round trip through DAG serialization (registered by the
plugin), D of each run, and the 16:00 deadline on a daily day."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pendulum
import pytest
from airflow.timetables.base import DataInterval, TimeRestriction

from tiemnang import config, runner
from tiemnang.orchestration import alerts, cadence, common

TZ = pendulum.timezone(config.TIMEZONE)
DAG_ID = "publish_province_lists_weekly"


@pytest.fixture(scope="module")
def dag():
    os.environ.update(runner.airflow_environment())
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(config.DAGS_DIR))
    assert bag.import_errors == {}
    return bag.dags[DAG_ID]


def _local(moment) -> str:
    return pendulum.instance(moment).in_timezone(TZ).format("ddd YYYY-MM-DD HH:mm")


def _runs(timetable, earliest: pendulum.DateTime, count: int) -> list[str]:
    """The next `count` runs from `earliest` the way the scheduler asks for them, one after another."""
    restriction = TimeRestriction(earliest=earliest, latest=None, catchup=True)
    out, last = [], None
    for _ in range(count):
        info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)
        assert info.data_interval.start == info.data_interval.end == info.run_after == info.logical_date
        out.append(_local(info.logical_date))
        last = info.data_interval
    return out


DECEMBER_INTO_JANUARY = [
    "Fri 2026-12-11 13:00",                                          # 10 Dec (Thursday) is before the period
    "Mon 2026-12-14 13:00", "Tue 2026-12-15 13:00", "Wed 2026-12-16 13:00", "Thu 2026-12-17 13:00",
    "Fri 2026-12-18 13:00",
    "Mon 2026-12-21 13:00", "Tue 2026-12-22 13:00", "Wed 2026-12-23 13:00", "Thu 2026-12-24 13:00",
    "Fri 2026-12-25 13:00",
    "Mon 2026-12-28 13:00", "Tue 2026-12-29 13:00", "Wed 2026-12-30 13:00", "Thu 2026-12-31 13:00",
    "Fri 2027-01-01 13:00", "Fri 2027-01-08 13:00", "Fri 2027-01-15 13:00",
]


def test_runs_fridays_then_every_working_day_of_the_period_then_fridays(dag):
    assert isinstance(dag.timetable, cadence.PublicationTimetable)
    assert dag.timetable.cadence == cadence.CALENDAR
    earliest = pendulum.datetime(2026, 12, 1, tz=TZ)
    assert _runs(dag.timetable, earliest, 20) == ["Fri 2026-12-04 13:00", *DECEMBER_INTO_JANUARY,
                                                  "Fri 2027-01-22 13:00"]


ROUND_TRIP = """
import json, sys
import pendulum
from airflow import plugins_manager
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.serialized_objects import DagSerialization
from airflow.timetables.base import TimeRestriction
from tiemnang import config

dag = DagBag(dag_folder=str(config.DAGS_DIR)).dags["publish_province_lists_weekly"]
stored = json.loads(json.dumps(DagSerialization.to_dict(dag)))          # what the dag-processor writes
loaded = DagSerialization.from_dict(stored).timetable                   # what the scheduler reads back
restriction = TimeRestriction(pendulum.datetime(2026, 12, 10, tz="Asia/Ho_Chi_Minh"), None, True)
runs, last = [], None
for _ in range(int(sys.argv[1])):
    info = loaded.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)
    runs.append(info.logical_date.in_timezone("Asia/Ho_Chi_Minh").format("ddd YYYY-MM-DD HH:mm"))
    last = info.data_interval
print(json.dumps({"registered": sorted(plugins_manager.get_timetables_plugins()),
                  "type": stored["dag"]["timetable"]["__type"], "var": stored["dag"]["timetable"]["__var"],
                  "loaded": type(loaded).__module__ + "." + type(loaded).__name__,
                  "equal": loaded == dag.timetable, "runs": runs}))
"""


def test_round_trip_through_dag_serialization():
    """What the dag-processor stores and the scheduler reads back, in a process configured like them: only the
    plugin's registration (plugins/tiemnang_cadence.py) makes the stored timetable loadable."""
    env = dict(os.environ, **runner.airflow_environment())
    done = subprocess.run([sys.executable, "-c", ROUND_TRIP, str(len(DECEMBER_INTO_JANUARY))], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    qualname = "tiemnang.orchestration.cadence.PublicationTimetable"
    assert qualname in out["registered"]
    assert out["type"] == out["loaded"] == qualname and out["equal"] is True
    assert out["var"] == {"daily_from": 1214, "daily_to": 1231, "at": "13:00", "timezone": config.TIMEZONE,
                          "run_immediately": 3 * 3600.0}
    assert out["runs"] == DECEMBER_INTO_JANUARY


def test_serialize_deserialize_keeps_every_setting():
    other = cadence.PublicationTimetable(cadence.Cadence(1201, 105), at=dt.time(9, 30), timezone="UTC",
                                         run_immediately=False)
    again = cadence.PublicationTimetable.deserialize(json.loads(json.dumps(other.serialize())))
    assert again == other and again != common.WEEKLY
    assert again._run_immediately is False and again.at == dt.time(9, 30)
    assert _runs(again, pendulum.datetime(2027, 1, 4, tz="UTC"), 4) == [   # 09:30 UTC, shown in Vietnam's time
        "Mon 2027-01-04 16:30", "Tue 2027-01-05 16:30", "Fri 2027-01-08 16:30", "Fri 2027-01-15 16:30"]


def _first_run(timetable, monkeypatch, now: pendulum.DateTime, last: pendulum.DateTime | None = None) -> str:
    monkeypatch.setattr(cadence, "_utcnow", lambda: now.in_timezone("UTC"))
    info = timetable.next_dagrun_info(last_automated_data_interval=last and DataInterval.exact(last),
                                      restriction=TimeRestriction(earliest=None, latest=None, catchup=False))
    return _local(info.run_after)


def test_first_run_and_catchup_off_follow_the_calendar(dag, monkeypatch):
    tt = dag.timetable
    at = lambda *a: pendulum.datetime(*a, tz=TZ)  # noqa: E731
    # a fresh deployment: the latest tick when it is less than 3 h old (before 16:00), else the next day
    assert _first_run(tt, monkeypatch, at(2026, 12, 15, 14, 0)) == "Tue 2026-12-15 13:00"
    assert _first_run(tt, monkeypatch, at(2026, 12, 15, 16, 30)) == "Wed 2026-12-16 13:00"
    assert _first_run(tt, monkeypatch, at(2026, 12, 10, 17, 0)) == "Fri 2026-12-11 13:00"
    assert _first_run(tt, monkeypatch, at(2026, 12, 19, 10, 0)) == "Mon 2026-12-21 13:00"
    assert _first_run(tt, monkeypatch, at(2026, 11, 18, 14, 0)) == "Fri 2026-11-20 13:00"
    # runs exist: the next publication day; after an outage, the latest missed tick only (catchup off)
    assert _first_run(tt, monkeypatch, at(2026, 12, 31, 14, 0), last=at(2026, 12, 31, 13, 0)) == "Fri 2027-01-01 13:00"
    assert _first_run(tt, monkeypatch, at(2026, 12, 16, 15, 0), last=at(2026, 12, 11, 13, 0)) == "Wed 2026-12-16 13:00"
    assert _first_run(tt, monkeypatch, at(2027, 1, 4, 9, 0), last=at(2027, 1, 1, 13, 0)) == "Fri 2027-01-08 13:00"


def test_latest_bound_and_manual_interval(dag):
    tt = dag.timetable
    bounded = TimeRestriction(earliest=pendulum.datetime(2026, 12, 19, tz=TZ),
                              latest=pendulum.datetime(2026, 12, 21, 12, 0, tz=TZ), catchup=True)
    assert tt.next_dagrun_info(last_automated_data_interval=None, restriction=bounded) is None
    now = pendulum.datetime(2026, 12, 16, 8, 0, tz="UTC")
    assert tt.infer_manual_data_interval(run_after=now) == DataInterval(now, now)


def _scheduled(tick: pendulum.DateTime, **extra) -> dict:
    return {"logical_date": tick.in_timezone("UTC"),
            "dag_run": SimpleNamespace(run_after=tick, run_type=SimpleNamespace(value="scheduled")), **extra}


def test_d_of_each_run_is_its_publication_day(dag):
    restriction = TimeRestriction(earliest=pendulum.datetime(2026, 12, 10, tz=TZ), latest=None, catchup=True)
    info, days = None, []
    for _ in range(len(DECEMBER_INTO_JANUARY)):
        info = dag.timetable.next_dagrun_info(last_automated_data_interval=info and info.data_interval,
                                              restriction=restriction)
        d = common.publication_date(_scheduled(info.logical_date))
        assert d == info.logical_date.in_timezone(TZ).date(), "D is the run's own day, not that week's Friday"
        days.append(d)
    assert days[1:6] == [dt.date(2026, 12, d) for d in (14, 15, 16, 17, 18)]
    assert common.is_time_scheduled(_scheduled(info.logical_date))
    manual = {"logical_date": None, "dag_run": SimpleNamespace(run_after=pendulum.datetime(2026, 12, 19, 9, 0, tz=TZ),
                                                               run_type="manual")}
    assert common.publication_date(manual) == dt.date(2026, 12, 18) and not common.is_time_scheduled(manual)
    assert common.publication_date({**manual, "params": {"as_of": "2026-12-16"}}) == dt.date(2026, 12, 16)


def test_the_deadline_is_16_00_of_each_publication_day_and_names_it(dag):
    deadline = dag.deadline[0] if isinstance(dag.deadline, list) else dag.deadline
    assert deadline.reference.__class__.__name__ == "DagRunLogicalDateDeadline"
    restriction = TimeRestriction(earliest=pendulum.datetime(2026, 12, 10, tz=TZ), latest=None, catchup=True)
    info = None
    for _ in range(len(DECEMBER_INTO_JANUARY)):
        info = dag.timetable.next_dagrun_info(last_automated_data_interval=info and info.data_interval,
                                              restriction=restriction)
        due = (info.logical_date + deadline.interval).in_timezone(TZ)
        assert (due.date(), due.hour, due.minute) == (info.logical_date.in_timezone(TZ).date(), 16, 0)

    # the alert a missed daily deadline raises: the run's day is D, and it says which kind of publication
    tick = pendulum.datetime(2026, 12, 15, 13, 0, tz=TZ).in_timezone("UTC")
    run = {"dag_id": DAG_ID, "run_id": f"scheduled__{tick.isoformat()}", "logical_date": tick.isoformat(), "conf": {}}
    alert = alerts.describe("deadline", {"dag_run": run})
    assert alert["d"] == "2026-12-15"
    assert "for D=2026-12-15 (daily publication) not finished by 16:00" in alert["message"]
    friday = pendulum.datetime(2026, 11, 13, 13, 0, tz=TZ).in_timezone("UTC")
    weekly = alerts.describe("deadline", {"dag_run": {**run, "logical_date": friday.isoformat()}})
    assert weekly["d"] == "2026-11-13" and "(weekly publication)" in weekly["message"]
