"""
### publish_province_lists_weekly — airflow DAG

Owner: BHXH data engineering (tiemnang). Every Friday at 13:00 Asia/Ho_Chi_Minh, publishes the lists
of D (that Friday) into the 34 province schemas `tinh_<code>`, one atomic transaction per province
(mapped task: a failing province is retried alone, the others publish), then writes one Excel
workbook per commune for collectors. Stops before publishing when a hard data-quality failure is
open on a file in force that concerns every province (register, tax authority); one on a commune's
welfare list or a school's roster holds back that province only: the others publish, the province
keeps last week's lists and the run fails at `summarize_publication`, naming it. A Deadline Alert fires
if the week is not published by 16:00.
"""

from datetime import timedelta

from airflow.sdk import AsyncCallback, DeadlineAlert, DeadlineReference, chain, dag, task
from airflow.timetables.trigger import CronTriggerTimetable

from tiemnang.orchestration import alerts, assets, common


@dag(
    schedule=CronTriggerTimetable("0 13 * * 5", timezone=common.TZ),
    start_date=common.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args={**common.DEFAULT_ARGS, "on_failure_callback": alerts.task_failed},
    tags=["tiemnang", "publish", "weekly"],
    params=common.RUN_PARAMS,
    doc_md=__doc__,
    deadline=DeadlineAlert(
        reference=DeadlineReference.DAGRUN_LOGICAL_DATE,
        interval=timedelta(hours=3),
        callback=AsyncCallback(alerts.publication_deadline_missed),
    ),
)
def publish_province_lists_weekly():
    @task
    def prepare_warehouse() -> dict:
        return common.prepare_warehouse()

    @task
    def check_quality_gate(prepared: dict, **context) -> dict:
        from tiemnang.orchestration.weekly import check_quality_gate as check

        return check(common.warehouse_conninfo(), common.reference_date(context))

    @task
    def ensure_lists_built(gate: dict, **context) -> dict:
        from tiemnang.orchestration.weekly import ensure_lists_built as ensure

        return ensure(common.warehouse_conninfo(), common.reference_date(context))

    @task
    def list_provinces(built: dict, gate: dict) -> list[str]:
        from tiemnang.orchestration.weekly import provinces_to_publish

        return provinces_to_publish(gate)

    @task(max_active_tis_per_dagrun=4)
    def publish_province(ma_tinh: str, **context) -> dict:
        from tiemnang.publish import publish_province as publish

        return publish(common.warehouse_conninfo(), ma_tinh, common.reference_date(context))

    @task(max_active_tis_per_dagrun=4)
    def export_province(published: dict) -> dict:
        from tiemnang import config
        from tiemnang.publish.export import export_province as export

        paths = export(common.warehouse_conninfo(), published["ma_tinh"], published["tuan"], config.export_dir())
        return {"ma_tinh": published["ma_tinh"], "workbooks": len(paths)}

    @task(outlets=[assets.PUBLISHED])
    def summarize_publication(published: list[dict], exported: list[dict], gate: dict, **context) -> dict:
        from tiemnang.orchestration.weekly import summarize

        # one slice request each: iterating asks item by item and probes one past the end, which Airflow's
        # client logs as an error ("XCom not found") in every healthy run
        figures = summarize(list(published[:]), list(exported[:]), gate)
        context["outlet_events"][assets.PUBLISHED].extra = {"as_of": common.reference_date(context).isoformat(), **figures}
        return figures

    gate = check_quality_gate(prepare_warehouse())
    provinces = list_provinces(ensure_lists_built(gate), gate)
    published = publish_province.expand(ma_tinh=provinces)
    exported = export_province.expand(published=published)
    chain(summarize_publication(published, exported, gate))


publish_province_lists_weekly()
