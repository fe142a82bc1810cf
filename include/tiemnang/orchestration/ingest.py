"""The nightly ingest DAG of one source: load every ready delivery dated ≤ D, then validate what came in."""

from __future__ import annotations

import logging

from airflow.sdk import chain, dag, task
from airflow.timetables.trigger import CronTriggerTimetable

from tiemnang.orchestration import alerts, assets, common

log = logging.getLogger(__name__)

NIGHTLY = "0 1 * * *"


def build_ingest_dag(source: str, doc_md: str):
    """ingest_<source>_nightly: prepare_warehouse → load_deliveries → validate_loaded (emits the staged asset)."""
    staged = assets.STAGED[source]

    @dag(
        dag_id=f"ingest_{source}_nightly",
        schedule=CronTriggerTimetable(NIGHTLY, timezone=common.TZ),
        start_date=common.START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args={**common.DEFAULT_ARGS, "on_failure_callback": alerts.task_failed},
        tags=["tiemnang", "ingest", source, "nightly"],
        params=common.RUN_PARAMS,
        doc_md=doc_md,
    )
    def ingest_dag():
        @task
        def prepare_warehouse() -> dict:
            return common.prepare_warehouse()

        @task
        def extract_register_snapshot(**context) -> dict:
            import pendulum

            from tiemnang.sources.register_db import extract_if_configured

            today = pendulum.now(common.TZ).date()
            return extract_if_configured(common.landing_root(context), common.reference_date(context), today)

        @task
        def load_deliveries(**context) -> dict:
            from tiemnang.sources import ingest

            d = common.reference_date(context)
            return ingest(common.warehouse_conninfo(), source, common.landing_root(context), d)

        @task(outlets=[staged])
        def validate_loaded(loaded: dict, **context) -> dict:
            from tiemnang.quality import validate

            d = common.reference_date(context)
            checked = validate(common.warehouse_conninfo(), source, loaded.get("file_ids", []))
            figures = {k: v for k, v in loaded.items() if k != "file_ids"}
            figures.update({f"dq_{k}": v for k, v in checked.items() if isinstance(v, int | float)})
            context["outlet_events"][staged].extra = {"as_of": d.isoformat(), "source": source, **figures}
            return figures

        loaded = load_deliveries()
        if source == "register":
            chain(prepare_warehouse(), extract_register_snapshot(), loaded)
        else:
            chain(prepare_warehouse(), loaded)
        validate_loaded(loaded)

    return ingest_dag()
