"""
### publish_province_lists_weekly — airflow DAG

Owner: BHXH data engineering (tiemnang). At 13:00 Asia/Ho_Chi_Minh of every publication day — each
Friday, and each working day of the year-end daily period (14–31 December by default; the calendar is
ref.tham_so, docs/operations.md "Publication calendar") — publishes the lists of D (that day) into the
34 province schemas `tinh_<code>`, replacing that week's tables, one atomic transaction per province
(mapped task: a failing province is retried alone, the others publish), then writes one Excel
workbook per commune for collectors. `check_publication_day` skips a scheduled day the warehouse's
calendar does not publish. Then it waits until every source's ingest covering D has
finished (`wait_for_ingests`, read from `ops.ingest_run`), then (re)builds the lists of D when they are
missing or stale — the files in force on D differ from those the build recorded — and refuses D when a
source has nothing in force (no register snapshot): nothing is published. So re-running this DAG for D
is always the fix after a late delivery. Stops before publishing when a hard data-quality failure is
open on a file in force that concerns every province (register, tax authority); one on a commune's
welfare list or a school's roster holds back that province only: the others publish, the province
keeps last week's lists and the run fails at `summarize_publication`, naming it. A Deadline Alert fires
if the day's publication has not finished by 16:00 of that day.
"""

from datetime import timedelta

from airflow.sdk import (
    AsyncCallback,
    DeadlineAlert,
    DeadlineReference,
    PokeReturnValue,
    chain,
    dag,
    get_current_context,
    task,
)

from tiemnang.orchestration import alerts, assets, common


@dag(
    schedule=common.WEEKLY,
    catchup=False,
    max_active_runs=1,
    default_args=common.DEFAULT_ARGS,
    tags=["tiemnang", "publish", "weekly"],
    params=common.RUN_PARAMS,
    doc_md=__doc__,
    deadline=DeadlineAlert(
        reference=DeadlineReference.DAGRUN_LOGICAL_DATE,
        interval=timedelta(hours=3),
        callback=AsyncCallback(alerts.TiemnangNotifier, kwargs={"kind": "deadline"}),
    ),
)
def publish_province_lists_weekly():
    @task
    def prepare_warehouse() -> dict:
        return common.prepare_warehouse()

    @task
    def check_publication_day(prepared: dict, **context) -> dict:
        from tiemnang import config
        from tiemnang.orchestration.cadence import check_publication_day as check

        return check(config.warehouse_conninfo(), common.run_date(context), common.given_date(context),
                     common.is_time_scheduled(context), common.WEEKLY)

    @task.sensor(poke_interval=common.INGEST_POKE, timeout=common.INGEST_WAIT + 2 * common.INGEST_POKE, mode="reschedule")
    def wait_for_ingests(day: dict, **context) -> PokeReturnValue:
        from tiemnang import config
        from tiemnang.orchestration.weekly import await_ingests

        d = common.publication_date(context)
        return PokeReturnValue(await_ingests(config.warehouse_conninfo(), d, context["dag_run"].start_date,
                                             common.INGEST_WAIT), {"as_of": d.isoformat()})

    @task
    def check_quality_gate(ready: dict, **context) -> dict:
        from tiemnang import config
        from tiemnang.orchestration.weekly import check_quality_gate as check

        return check(config.warehouse_conninfo(), common.publication_date(context))

    @task
    def ensure_lists_built(gate: dict, **context) -> dict:
        from tiemnang import config
        from tiemnang.orchestration.weekly import ensure_lists_built as ensure

        return ensure(config.warehouse_conninfo(), common.publication_date(context))

    @task
    def list_provinces(built: dict, gate: dict) -> list[str]:
        from tiemnang.orchestration.weekly import provinces_to_publish

        return provinces_to_publish(gate)

    @task(pool=common.PUBLISH_POOL, map_index_template="{{ ma_tinh }}", execution_timeout=common.PROVINCE_TIMEOUT)
    def publish_province(ma_tinh: str, **context) -> dict:
        from tiemnang import config
        from tiemnang.publish import publish_province as publish

        get_current_context()["ma_tinh"] = ma_tinh  # the map index shows the province code
        return publish(config.warehouse_conninfo(), ma_tinh, common.publication_date(context))

    @task(pool=common.PUBLISH_POOL, map_index_template="{{ ma_tinh }}", execution_timeout=common.PROVINCE_TIMEOUT)
    def export_province(published: dict, **context) -> dict:
        from tiemnang import config
        from tiemnang.publish.export import export_province as export

        get_current_context()["ma_tinh"] = published["ma_tinh"]  # the map index shows the province code
        paths = export(config.warehouse_conninfo(), published["ma_tinh"], published["tuan"], config.export_dir())
        return {"ma_tinh": published["ma_tinh"], "workbooks": len(paths)}

    @task(outlets=[assets.PUBLISHED])
    def summarize_publication(published: list[dict], exported: list[dict], gate: dict, **context) -> dict:
        from tiemnang.orchestration.weekly import summarize

        # one slice request each: iterating asks item by item and probes one past the end, which Airflow's
        # client logs as an error ("XCom not found") in every healthy run
        figures = summarize(list(published[:]), list(exported[:]), gate)
        context["outlet_events"][assets.PUBLISHED].extra = {"as_of": common.publication_date(context).isoformat(),
                                                            **figures}
        return figures

    gate = check_quality_gate(wait_for_ingests(check_publication_day(prepare_warehouse())))
    provinces = list_provinces(ensure_lists_built(gate), gate)
    published = publish_province.expand(ma_tinh=provinces)
    exported = export_province.expand(published=published)
    chain(summarize_publication(published, exported, gate))


publish_province_lists_weekly()
