"""The DAG folder imports cleanly, holds exactly the expected DAGs, and every DAG follows the house policy."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import time, timedelta
from pathlib import Path

import pytest

from tiemnang import config, runner
from tiemnang.orchestration import cadence, common

EXPECTED_DAG_IDS = {
    "ingest_register_nightly",
    "ingest_tax_nightly",
    "ingest_schools_nightly",
    "ingest_welfare_nightly",
    "ingest_reference_nightly",
    "ingest_collection_nightly",
    "build_lists_nightly",
    "publish_province_lists_weekly",
}


@pytest.fixture(scope="module")
def dagbag():
    os.environ.update(runner.airflow_environment())
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(config.DAGS_DIR))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_expected_dag_ids(dagbag):
    assert set(dagbag.dag_ids) == EXPECTED_DAG_IDS
    assert set(runner.CHAIN) == EXPECTED_DAG_IDS


def test_one_dag_per_file_named_after_it(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert Path(dag.fileloc).name == f"{dag_id}.py"


@pytest.mark.parametrize("dag_id", sorted(EXPECTED_DAG_IDS))
def test_policy(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert set(dag.tags) <= common.TAGS, f"tags outside the closed set: {set(dag.tags) - common.TAGS}"
    assert "tiemnang" in dag.tags
    assert dag.catchup is False
    # start-date policy (common.NIGHTLY / WEEKLY): no start_date, so run_immediately decides the first run
    assert dag.start_date is None
    timezone = getattr(dag.timetable, "_timezone", None)  # cron schedules; the build follows assets
    assert timezone is None or str(timezone) in (config.TIMEZONE, f"Timezone('{config.TIMEZONE}')")
    assert dag.doc_md and "Owner:" in dag.doc_md
    assert dag_id.endswith(("_nightly", "_weekly"))
    for task in dag.tasks:
        assert task.owner == common.OWNER
        assert task.retries >= 1, f"{task.task_id} has no retries"
        assert task.on_failure_callback, f"{task.task_id} has no failure callback"
        assert task.on_retry_callback, f"{task.task_id} has no retry callback"
        assert task.execution_timeout, f"{task.task_id} has no execution_timeout"
        verb = task.task_id.split("_")[0]
        assert verb in {"prepare", "extract", "load", "validate", "match", "build", "check", "ensure", "list",
                        "publish", "export", "summarize", "wait"}, f"task id {task.task_id} is not verb_object"


def test_schedules(dagbag):
    nightly = dagbag.dags["ingest_register_nightly"].timetable
    weekly = dagbag.dags["publish_province_lists_weekly"].timetable
    assert "0 1 * * *" in nightly.summary
    # the publication calendar at 13:00: Fridays, and the working days of the year-end daily period
    # (tests/dags/test_publication_timetable.py has its runs)
    assert weekly.at == time(13, 0) and weekly.cadence == cadence.CALENDAR
    # first unpause: the ingests run at once, the publication only inside its Friday window
    assert nightly._run_immediately is True
    assert weekly._run_immediately == timedelta(hours=3)
    deadline = dagbag.dags["publish_province_lists_weekly"].deadline
    deadline = deadline[0] if isinstance(deadline, list) else deadline
    assert deadline.interval == timedelta(hours=3)


def test_publication_waits_for_ingests_before_building(dagbag):
    dag = dagbag.dags["publish_province_lists_weekly"]
    assert dag.get_task("wait_for_ingests").mode == "reschedule"
    assert "wait_for_ingests" in dag.get_task("ensure_lists_built").get_flat_relative_ids(upstream=True)
    assert "wait_for_ingests" in dag.get_task("check_quality_gate").upstream_task_ids


def test_mapped_tasks_share_the_configured_pool_and_show_the_province(dagbag):
    dag = dagbag.dags["publish_province_lists_weekly"]
    for task_id in ("publish_province", "export_province"):
        task = dag.get_task(task_id)
        assert task.pool == common.PUBLISH_POOL
        assert task.map_index_template == "{{ ma_tinh }}"
        assert task.max_active_tis_per_dagrun is None, "parallelism comes from the pool, not a fixed cap"


HEAVY_MODULES = ("pandas", "great_expectations", "openpyxl", "python_calamine", "psycopg", "sqlalchemy.orm",
                 "tiemnang.matching", "tiemnang.lists", "tiemnang.publish", "tiemnang.quality")


@pytest.mark.parametrize("path", sorted(config.DAGS_DIR.glob("*.py")), ids=lambda p: p.name)
def test_dag_file_parses_without_heavy_imports(path):
    """Parsing one DAG file in a fresh interpreter (after Airflow itself) imports none of the heavy modules.

    That is what keeps a DAG file's parse time low; the time itself is a benchmark figure
    (`tiemnang bench` records it per file), not a test assertion.
    """
    code = (
        "import sys, runpy, airflow.sdk, airflow.timetables.trigger\n"
        "before = set(sys.modules)\n"
        f"runpy.run_path({str(path)!r})\n"
        f"heavy = {HEAVY_MODULES!r}\n"
        "print(sorted(m for m in set(sys.modules) - before if m.startswith(heavy)))"
    )
    env = dict(os.environ, **runner.airflow_environment())
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


def test_dag_files_are_thin():
    for path in config.DAGS_DIR.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 150, path.name


def test_heavy_imports_stay_inside_tasks():
    for path in config.DAGS_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        top = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
        for line in top:
            assert not any(heavy in line for heavy in ("pandas", "great_expectations", "openpyxl", "psycopg")), line
