"""D of a run from its logical date, params or events; the notifier's alert line and record; config precedence."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from types import SimpleNamespace

import pendulum
import psycopg
import pytest

from tiemnang import config, runner
from tiemnang.orchestration import alerts, common

TZ = pendulum.timezone("Asia/Ho_Chi_Minh")


def _ctx(logical: dt.datetime | None, run_after: dt.datetime | None = None, **extra) -> dict:
    return {"logical_date": logical, "dag_run": SimpleNamespace(run_after=run_after or logical), **extra}


def _event(source: str, as_of: str):
    return SimpleNamespace(extra={"as_of": as_of, "source": source})


def test_scheduled_nightly_d_is_the_local_night_of_its_tick():
    tick = pendulum.datetime(2026, 11, 13, 1, 0, tz=TZ)           # 2026-11-12 18:00 UTC
    assert common.reference_date(_ctx(tick.in_timezone("UTC"))) == dt.date(2026, 11, 13)


def test_weekly_d_is_the_friday_of_its_tick_and_a_manual_run_never_a_future_friday():
    friday_tick = pendulum.datetime(2026, 11, 13, 13, 0, tz=TZ).in_timezone("UTC")
    assert common.publication_date(_ctx(friday_tick)) == dt.date(2026, 11, 13)
    wednesday = pendulum.datetime(2026, 11, 18, 9, 0, tz=TZ)
    assert common.publication_date(_ctx(None, wednesday)) == dt.date(2026, 11, 13)
    assert common.publication_date(_ctx(None, wednesday, params={"as_of": "2026-11-20"})) == dt.date(2026, 11, 20)


def test_asset_triggered_build_takes_the_dates_of_its_events_never_today():
    backfill = {source: [_event(source, "2026-11-13")] for source in ("register", "tax", "schools", "welfare")}
    assert common.event_dates({"triggering_asset_events": backfill}) == [dt.date(2026, 11, 13)]
    # a backfill's events beside a night's (the case): both dates, each built once its ingests are
    # done and only if its files changed (weekly.ensure_dates_built)
    mixed = dict(backfill, tax=[_event("tax", "2026-11-13"), _event("tax", "2026-12-03")],
                 welfare=[_event("welfare", "2026-12-03")])
    assert common.event_dates({"triggering_asset_events": mixed}) == [dt.date(2026, 11, 13), dt.date(2026, 12, 3)]
    assert common.event_dates({"triggering_asset_events": {"x": [SimpleNamespace(extra={})]}}) == []
    assert common.event_dates({"params": {"as_of": "2026-11-20"}, "triggering_asset_events": backfill}) == [
        dt.date(2026, 11, 20)]


def test_landing_root_precedence_param_env_variable_default(monkeypatch, tmp_path):
    monkeypatch.delenv("AIRFLOW_VAR_TIEMNANG_LANDING_DIR", raising=False)
    monkeypatch.setenv("TIEMNANG_LANDING_DIR", str(tmp_path / "env"))
    assert config.landing_dir(tmp_path / "param", "var") == tmp_path / "param"
    assert config.landing_dir(None, str(tmp_path / "var")) == tmp_path / "env"
    monkeypatch.delenv("TIEMNANG_LANDING_DIR")
    assert config.landing_dir(None, str(tmp_path / "var")) == tmp_path / "var"
    assert config.landing_dir() == config.local_dir() / "landing"


def test_deadline_alert_is_one_short_line_and_recorded(committed_db, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_TIEMNANG_WAREHOUSE", _uri(committed_db))
    run = {"dag_id": "publish_province_lists_weekly", "run_id": "scheduled__2026-11-13T06:00:00+00:00",
           "logical_date": "2026-11-13T06:00:00Z", "conf": {}, "note": "x" * 5000, "start_date": "…"}
    alert = alerts.describe("deadline", {"dag_run": run, "deadline": {"id": 1}})
    assert alert["message"].startswith("TIEMNANG DEADLINE MISSED: publish_province_lists_weekly run scheduled__")
    assert "xxxx" not in alert["message"] and len(alert["message"]) < 400

    notifier = alerts.TiemnangNotifier("deadline", context={"dag_run": run})
    import asyncio

    asyncio.run(_await(notifier))
    failure = {"ti": SimpleNamespace(dag_id="build_lists_nightly", task_id="build_lists", run_id="r1", map_index=-1,
                                     try_number=3), "params": {"as_of": "2026-11-13"},
               "exception": RuntimeError("boom")}
    alerts.TiemnangNotifier("failure").notify(failure)
    with psycopg.connect(committed_db) as conn:
        rows = conn.execute("SELECT loai, dag_id, task_id, ngay_tham_chieu, thong_diep FROM ops.alert ORDER BY alert_id").fetchall()
    assert [r[:3] for r in rows] == [("deadline", "publish_province_lists_weekly", None),
                                     ("failure", "build_lists_nightly", "build_lists")]
    assert rows[1][3] == dt.date(2026, 11, 13) and "RuntimeError: boom" in rows[1][4]


async def _await(notifier):
    await notifier


def test_an_alert_that_cannot_be_stored_never_raises(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_TIEMNANG_WAREHOUSE", "postgresql://nobody@127.0.0.1:9/none")
    assert alerts.record({"loai": "retry", "dag_id": "d", "task_id": "t", "run_id": "r", "d": None,
                          "message": "m"}) is False


def test_an_airflow_connection_made_in_the_metadata_db_wins_over_the_default(tmp_path):
    """`airflow connections add` (what the UI does), then the resolver in a fresh process finds it."""
    env = dict(os.environ, **runner.airflow_environment())
    env.pop("AIRFLOW_CONN_TIEMNANG_RESOLVER_TEST", None)
    airflow = [sys.executable, "-m", "airflow", "connections"]
    conn_id = "tiemnang_resolver_test"
    uri = "postgresql://someone@warehouse.example:6543/tiemnang_elsewhere"
    subprocess.run([*airflow, "delete", conn_id], env=env, capture_output=True, timeout=120)
    subprocess.run([*airflow, "add", conn_id, "--conn-uri", uri], env=env, check=True, capture_output=True, timeout=120)
    try:
        code = f"from tiemnang import config; print(config.airflow_conninfo({conn_id!r}))"
        out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True,
                             timeout=120).stdout.strip().splitlines()[-1]
        assert out == "host=warehouse.example port=6543 user=someone dbname=tiemnang_elsewhere"
        # the environment wins over the stored connection
        env_first = dict(env, AIRFLOW_CONN_TIEMNANG_RESOLVER_TEST="postgresql://other@h:1/db")
        out = subprocess.run([sys.executable, "-c", code], env=env_first, check=True, capture_output=True, text=True,
                             timeout=120).stdout.strip().splitlines()[-1]
        assert out == "host=h port=1 user=other dbname=db"
    finally:
        subprocess.run([*airflow, "delete", conn_id], env=env, capture_output=True, timeout=120)


def _uri(conninfo: str) -> str:
    parts = dict(item.split("=", 1) for item in conninfo.split())
    return f"postgresql://{parts['user']}@{parts['host']}:{parts['port']}/{parts['dbname']}"


@pytest.fixture(autouse=True)
def _alerts_on(monkeypatch):
    monkeypatch.delenv("TIEMNANG_ALERTS_TABLE", raising=False)


def test_local_airflow_defaults_fit_a_small_machine_and_yield_to_exported_values(monkeypatch):
    monkeypatch.setenv("TIEMNANG_AIRFLOW_PORT", "8999")
    for key in ("AIRFLOW__API__HOST", "AIRFLOW__CORE__PARALLELISM", "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT",
                "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"):
        monkeypatch.delenv(key, raising=False)
    env = runner.airflow_environment()
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1"
    assert 2 <= int(env["AIRFLOW__CORE__PARALLELISM"]) <= 2 * (os.cpu_count() or 1)
    assert (env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"], env["AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"]) == (
        "9099", "9199")
    monkeypatch.setenv("AIRFLOW__API__HOST", "0.0.0.0")  # noqa: S104 - a value the user chose wins
    assert runner.airflow_environment()["AIRFLOW__API__HOST"] == "0.0.0.0"  # noqa: S104
