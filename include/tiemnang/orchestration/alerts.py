"""Failure and deadline alerts, in one place: what failed, where, and what to do, in a line a person reads."""

from __future__ import annotations

import logging

log = logging.getLogger("tiemnang.alerts")


def task_failed(context: dict) -> None:
    """on_failure_callback of every task: one line naming the DAG, task, D and the error."""
    ti = context.get("task_instance") or context.get("ti")
    error = context.get("exception")
    params = context.get("params") or {}
    log.error(
        "TIEMNANG FAILURE dag=%s task=%s map_index=%s as_of=%s try=%s: %s",
        getattr(ti, "dag_id", "?"), getattr(ti, "task_id", "?"), getattr(ti, "map_index", -1),
        params.get("as_of") or "run date", getattr(ti, "try_number", "?"),
        f"{type(error).__name__}: {error}" if error else "unknown error",
    )


async def publication_deadline_missed(context: dict | None = None, **kwargs) -> None:
    """Deadline Alert callback (runs in the triggerer): the weekly publication is not finished by 16:00."""
    dag_run = (context or {}).get("dag_run")
    log.error(
        "TIEMNANG DEADLINE MISSED: weekly publication %s not finished by 16:00 Asia/Ho_Chi_Minh; "
        "provinces still see last week's lists. See docs/operations.md#deadline.",
        getattr(dag_run, "run_id", dag_run),
    )
