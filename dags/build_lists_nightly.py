"""
### build_lists_nightly — airflow DAG

Owner: BHXH data engineering (tiemnang). Runs when every source has been ingested for the night:
matches every person-record in force on D against the insured register (IDs first, then names, birth
dates, sex and place), then builds the lists of CONTRACT §4 for D in the `lists` schema —
potential participants by group, enterprises not registered or under-declaring, people due to pay.
Nothing is published here: provinces see the lists after the Friday publication.

D comes from the triggering asset events — every `as_of` they carry, never "today" by default — or
from the `as_of` param; a date some source has not finished ingesting is skipped and named in the asset
event (the Friday publication builds its own D when it is missing). A date already
built from the same files in force is not built again; one whose files changed is rebuilt; one that lacks
a source (no register snapshot, a source never loaded) fails, building nothing.
"""

from airflow.sdk import chain, dag, task

from tiemnang.orchestration import assets, common


@dag(
    schedule=assets.ALL_STAGED,
    catchup=False,
    max_active_runs=1,
    default_args=common.DEFAULT_ARGS,
    tags=["tiemnang", "build", "nightly"],
    params=common.RUN_PARAMS,
    doc_md=__doc__,
)
def build_lists_nightly():
    @task
    def prepare_warehouse() -> dict:
        return common.prepare_warehouse()

    @task(outlets=[assets.LISTS])
    def build_lists(**context) -> dict:
        from tiemnang import config
        from tiemnang.orchestration.weekly import ensure_dates_built

        figures = ensure_dates_built(config.warehouse_conninfo(), common.event_dates(context))
        context["outlet_events"][assets.LISTS].extra = figures
        return figures

    chain(prepare_warehouse(), build_lists())


build_lists_nightly()
