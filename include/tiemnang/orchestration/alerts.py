"""Failure, retry and deadline alerts, in one place: what failed, where, and what to do, in a line a person reads.

`TiemnangNotifier` is every task's on_failure_callback and on_retry_callback and the publication's Deadline
Alert's callback (16:00 of every publication day). It logs one short line and records the alert in `ops.alert`
of the warehouse (unless TIEMNANG_ALERTS_TABLE=off), where the monitoring page, a mail job or a webhook relay of
the IT centre can pick it up. It never raises: an alert that cannot be stored is logged, and the task's own outcome stands.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import date
from typing import Any

from airflow.sdk import BaseNotifier

from tiemnang.orchestration import cadence

log = logging.getLogger("tiemnang.alerts")

KINDS = ("failure", "retry", "deadline")


class TiemnangNotifier(BaseNotifier):
    """Logs `TIEMNANG <KIND> dag=… task=… as_of=…: <error>` and records it in ops.alert."""

    def __init__(self, kind: str = "failure", context: Mapping | None = None):
        if kind not in KINDS:
            raise ValueError(f"alert kind must be one of {KINDS}, got {kind!r}")
        super().__init__(context=context)
        self.kind = kind

    def notify(self, context: Mapping) -> None:
        alert = describe(self.kind, context)
        (log.warning if self.kind == "retry" else log.error)("%s", alert["message"])
        record(alert)

    async def async_notify(self, context: Mapping) -> None:
        # the triggerer runs deadline callbacks; the record is a short insert, run off the event loop
        from asgiref.sync import sync_to_async

        await sync_to_async(self.notify)(context)


def describe(kind: str, context: Mapping) -> dict[str, Any]:
    """The alert's fields and one-line message from a task context or a deadline callback's context.

    A deadline callback gets the DAG run as a dict (not a DagRun): only its ids and dates are used.
    """
    ti = context.get("task_instance") or context.get("ti")
    dag_run = context.get("dag_run")
    run = dag_run if isinstance(dag_run, Mapping) else {"dag_id": getattr(dag_run, "dag_id", None),
                                                         "run_id": getattr(dag_run, "run_id", None),
                                                         "conf": getattr(dag_run, "conf", None)}
    params = context.get("params") or run.get("conf") or {}
    dag_id = getattr(ti, "dag_id", None) or run.get("dag_id")
    task_id = getattr(ti, "task_id", None)
    run_id = getattr(ti, "run_id", None) or run.get("run_id")
    as_of = params.get("as_of")
    if kind == "deadline":
        as_of = as_of or publication_day(run.get("logical_date"))
        which = {cadence.DAILY: "daily publication", cadence.WEEKLY: "weekly publication"}.get(
            cadence.CALENDAR.kind(date.fromisoformat(as_of)) if as_of else None, "publication")
        message = (f"TIEMNANG DEADLINE MISSED: {dag_id} run {run_id} (logical date {run.get('logical_date')}) "
                   f"for D={as_of or '?'} ({which}) not finished by 16:00 Asia/Ho_Chi_Minh of that day; provinces "
                   "still see their previous publication. See docs/operations.md#alerts-and-what-to-do.")
    else:
        error = context.get("exception")
        map_index = getattr(ti, "map_index", -1)
        where = f"{task_id}[{map_index}]" if isinstance(map_index, int) and map_index >= 0 else task_id
        message = (f"TIEMNANG {kind.upper()} dag={dag_id} task={where} as_of={as_of or 'run date'} "
                   f"try={getattr(ti, 'try_number', '?')}: "
                   + (f"{type(error).__name__}: {error}" if error else "unknown error"))
    return {"loai": kind, "dag_id": dag_id, "task_id": task_id, "run_id": run_id, "d": as_of,
            "message": message[:2000]}


def publication_day(logical_date: Any) -> str | None:
    """The local day (Asia/Ho_Chi_Minh) of a run's logical date, ISO: the D of a scheduled publication, whose
    13:00 tick the 16:00 deadline counts from. None for a run without a logical date."""
    if not logical_date:
        return None
    import pendulum

    from tiemnang import config

    moment = pendulum.parse(logical_date) if isinstance(logical_date, str) else pendulum.instance(logical_date)
    return moment.in_timezone(config.TIMEZONE).date().isoformat()


def record(alert: Mapping[str, Any]) -> bool:
    """Store the alert in ops.alert; False (logged) when switched off or the warehouse cannot take it."""
    if os.environ.get("TIEMNANG_ALERTS_TABLE", "on").lower() in ("off", "0", "false"):
        return False
    from tiemnang import config, db

    try:
        with db.connect(config.warehouse_conninfo(), connect_timeout=10) as conn:
            db.run(conn, "alerts/record", dict(alert))
    except Exception as exc:  # an alert must never fail the callback that reports the real failure
        log.warning("alert not stored in ops.alert (%s: %s); the log line above is the alert",
                    type(exc).__name__, exc)
        return False
    return True
