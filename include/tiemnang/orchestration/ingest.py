"""The nightly ingest DAG of one source: load every ready delivery dated ≤ D, then validate what came in."""

from __future__ import annotations

import logging

from airflow.sdk import chain, dag, task

from tiemnang.orchestration import assets, common

log = logging.getLogger(__name__)


def build_ingest_dag(source: str, doc_md: str):
    """ingest_<source>_nightly: prepare_warehouse → load_deliveries → validate_loaded (emits the staged asset)."""
    staged = assets.STAGED[source]

    @dag(
        dag_id=f"ingest_{source}_nightly",
        schedule=common.NIGHTLY,
        catchup=False,
        max_active_runs=1,
        default_args=common.DEFAULT_ARGS,
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
            from tiemnang.sources.register_db import extract_if_configured

            # the snapshot is tonight's only in a run for its own night; a backfill (as_of) reads stored ones
            return extract_if_configured(common.landing_root(context), common.reference_date(context),
                                         common.run_date(context))

        @task
        def load_deliveries(**context) -> dict:
            from tiemnang import config
            from tiemnang.sources import ingest

            d = common.reference_date(context)
            return ingest(config.warehouse_conninfo(), source, common.landing_root(context), d)

        @task(outlets=[staged])
        def validate_loaded(loaded: dict, **context) -> dict:
            from tiemnang import config
            from tiemnang.orchestration.weekly import record_ingest
            from tiemnang.quality import validate

            d = common.reference_date(context)
            checked = validate(config.warehouse_conninfo(), source, loaded.get("file_ids", []))
            figures = {k: v for k, v in loaded.items() if k != "file_ids"}
            figures.update({f"dq_{k}": v for k, v in checked.items() if isinstance(v, int | float)})
            # last: a publication for D waits for this row from every source (weekly.ingests_pending)
            record_ingest(config.warehouse_conninfo(), source, d, figures.get("files_loaded", 0))
            context["outlet_events"][staged].extra = {"as_of": d.isoformat(), "source": source, **figures}
            return figures

        loaded = load_deliveries()
        if source == "register":
            chain(prepare_warehouse(), extract_register_snapshot(), loaded)
        else:
            chain(prepare_warehouse(), loaded)
        validate_loaded(loaded)

    return ingest_dag()
