"""
### build_lists_nightly — airflow DAG

Owner: BHXH data engineering (tiemnang). Runs when all four sources have been ingested for the night:
matches every person-record in force on D against the insured register (IDs first, then names, birth
dates, sex and place), then builds the lists of CONTRACT §4 for D in the `lists` schema —
potential participants by group, enterprises not registered or under-declaring, people due to pay.
Nothing is published here: provinces see the lists after the Friday publication.
"""

from airflow.sdk import chain, dag, task

from tiemnang.orchestration import alerts, assets, common


@dag(
    schedule=assets.STAGED["register"] & assets.STAGED["tax"] & assets.STAGED["schools"] & assets.STAGED["welfare"],
    start_date=common.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args={**common.DEFAULT_ARGS, "on_failure_callback": alerts.task_failed},
    tags=["tiemnang", "build", "nightly"],
    params=common.RUN_PARAMS,
    doc_md=__doc__,
)
def build_lists_nightly():
    @task
    def prepare_warehouse() -> dict:
        return common.prepare_warehouse()

    @task
    def match_persons(**context) -> dict:
        from tiemnang import db
        from tiemnang.matching import run_matching

        with db.connect(common.warehouse_conninfo()) as conn:
            return run_matching(conn, common.reference_date(context))

    @task(outlets=[assets.LISTS])
    def build_lists(matched: dict, **context) -> dict:
        from tiemnang import db
        from tiemnang.lists import build_lists as build

        d = common.reference_date(context)
        with db.connect(common.warehouse_conninfo()) as conn:
            counts = build(conn, d)
        context["outlet_events"][assets.LISTS].extra = {"as_of": d.isoformat(), **matched, **counts}
        return counts

    chain(prepare_warehouse(), build_lists(match_persons()))


build_lists_nightly()
