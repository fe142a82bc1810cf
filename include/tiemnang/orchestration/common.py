"""Defaults every DAG uses, the closed set of tags, and the reference date D of a run."""

from __future__ import annotations

import logging
import os
from datetime import date, timedelta
from typing import Any

import pendulum
from airflow.sdk import Param

from tiemnang import config

log = logging.getLogger(__name__)

TZ = pendulum.timezone(config.TIMEZONE)
START_DATE = pendulum.datetime(2026, 1, 1, tz=TZ)
OWNER = "bhxh-data-engineering"
TAGS = frozenset({"tiemnang", "ingest", "build", "publish", "register", "tax", "schools", "welfare", "nightly", "weekly"})

DEFAULT_ARGS: dict[str, Any] = {
    "owner": OWNER,
    "retries": 2,
    # Fault-injection tests shorten the wait between tries; production keeps the 2 minutes.
    "retry_delay": timedelta(seconds=int(os.environ.get("TIEMNANG_RETRY_DELAY_SECONDS", "120"))),
    "retry_exponential_backoff": True,
}

RUN_PARAMS = {
    "as_of": Param(None, type=["null", "string"], format="date",
                   description="Reference date D (YYYY-MM-DD); empty = the run's own date in Asia/Ho_Chi_Minh"),
    "landing": Param(None, type=["null", "string"], description="Landing root; empty = configured default"),
}


def reference_date(context: dict) -> date:
    """D: the as_of param, else the latest as_of of the triggering asset events, else the run's local date."""
    as_of = (context.get("params") or {}).get("as_of")
    if as_of:
        return date.fromisoformat(str(as_of))
    candidates = [
        date.fromisoformat(event.extra["as_of"])
        for events in (context.get("triggering_asset_events") or {}).values()
        for event in events
        if (event.extra or {}).get("as_of")
    ]
    if candidates:
        return max(candidates)
    moment = context.get("logical_date") or context["dag_run"].run_after
    return pendulum.instance(moment).in_timezone(TZ).date()


def landing_root(context: dict):
    """The landing root: run param, TIEMNANG_LANDING_DIR, the Airflow Variable, else .local/landing."""
    override = (context.get("params") or {}).get("landing")
    if not override:
        from airflow.sdk import Variable

        override = Variable.get(config.LANDING_VARIABLE, default=None)
    return config.landing_dir(override)


def iso_week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def warehouse_conninfo() -> str:
    """Inside a task: the `tiemnang_warehouse` connection from any Airflow backend, else the local cluster."""
    if not config.uses_local_warehouse():
        return config.warehouse_conninfo()
    from airflow.exceptions import AirflowNotFoundException
    from airflow.sdk import Connection

    try:
        conn = Connection.get(config.WAREHOUSE_CONN_ID)
    except AirflowNotFoundException:
        return config.warehouse_conninfo()
    return config.conninfo_from_airflow_uri(conn.get_uri())


def prepare_warehouse() -> dict:
    """Apply pending migrations and reference data; the first task of every DAG (idempotent)."""
    from tiemnang import warehouse

    return warehouse.prepare_database(warehouse_conninfo())
