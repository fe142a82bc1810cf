"""`tiemnang run`: the whole chain for one reference date through Airflow's own DAG runner (dag.test)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

from tiemnang import config, localpg
from tiemnang.sources import registry

log = logging.getLogger(__name__)

CHAIN = (
    *(f"ingest_{source}_nightly" for source in registry.NAMES),
    "build_lists_nightly",
    "publish_province_lists_weekly",
)


class RunFailed(RuntimeError):
    """A DAG of the chain did not succeed."""


def airflow_environment() -> dict[str, str]:
    """Airflow settings for the local set-up; values the user already exported win."""
    home = config.airflow_home()
    defaults = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN":
            f"postgresql+psycopg://{config.LOCAL_PG_USER}@127.0.0.1:{config.local_pg_port()}/{config.LOCAL_AIRFLOW_DB}"
            f"?passfile={quote(str(config.local_passfile()), safe='/')}",
        # libpq's password file for every other connection to the local cluster made without a password
        # (warehouse URIs in AIRFLOW_CONN_*, Great Expectations' engine): the pipeline's login only.
        "PGPASSFILE": str(config.local_passfile()),
        "AIRFLOW__CORE__DAGS_FOLDER": str(config.DAGS_DIR),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(config.PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": config.TIMEZONE,
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "120",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "simple_auth_manager_passwords.json"),
        "AIRFLOW__API__PORT": os.environ.get("TIEMNANG_AIRFLOW_PORT", "8780"),
        # Local set-up: the UI/API on this machine only; the LocalExecutor starts one worker process per
        # parallelism slot (Airflow's default 32 on a 2-core laptop is 32 idle processes and swapping).
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__CORE__PARALLELISM": str(max(2, 2 * (os.cpu_count() or 1))),
        # Log servers next to the API port, so several set-ups (and a standalone) on one host do not clash.
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(int(os.environ.get("TIEMNANG_AIRFLOW_PORT", "8780")) + 100),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(int(os.environ.get("TIEMNANG_AIRFLOW_PORT", "8780")) + 200),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL":
            f"http://127.0.0.1:{os.environ.get('TIEMNANG_AIRFLOW_PORT', '8780')}/execution/",
    }
    return {k: os.environ.get(k, v) for k, v in defaults.items()}


def setup_environment() -> None:
    """Export the Airflow settings into this process (before airflow is imported) and start local services."""
    env = airflow_environment()
    os.environ.update(env)
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    if config.uses_local_warehouse() or f"127.0.0.1:{config.local_pg_port()}" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]:
        localpg.ensure_running()


def ensure_ui_login() -> tuple[str, str]:
    """The local UI's admin login (Airflow's simple auth manager); the password is made once and kept."""
    import json
    import secrets

    path = Path(os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
    passwords = json.loads(path.read_text()) if path.exists() else {}
    if "admin" not in passwords:
        passwords["admin"] = secrets.token_urlsafe(12)
        path.write_text(json.dumps(passwords))
        path.chmod(0o600)
    return "admin", passwords["admin"]


def ensure_metadata_db() -> None:
    """Create or upgrade Airflow's metadata database when it is behind; make sure the publication pool exists."""
    from airflow.utils import db as airflow_db

    try:
        airflow_db.check_migrations(timeout=0)
    except TimeoutError:
        log.info("migrating Airflow's metadata database")
        airflow_db.upgradedb()
    ensure_pool()


def ensure_pool() -> int:
    """The pool of the weekly publication's mapped tasks (orchestration.common.PUBLISH_POOL), sized by
    TIEMNANG_PUBLISH_SLOTS (default 8): how many provinces publish or export at once, whatever the workers."""
    from airflow.models.pool import Pool

    from tiemnang.orchestration.common import PUBLISH_POOL

    slots = int(os.environ.get("TIEMNANG_PUBLISH_SLOTS", "8"))
    Pool.create_or_update_pool(PUBLISH_POOL, slots=slots, description="tiemnang: provinces published or exported at once",
                               include_deferred=False)
    return slots


def prepare_warehouse() -> dict:
    from tiemnang import warehouse

    return warehouse.prepare_database()


def load_dags() -> dict:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(config.DAGS_DIR))
    if bag.import_errors:
        details = "; ".join(f"{path}: {err.strip().splitlines()[-1]}" for path, err in bag.import_errors.items())
        raise RunFailed(f"DAG files failed to import: {details}")
    missing = [d for d in CHAIN if d not in bag.dags]
    if missing:
        raise RunFailed(f"DAGs missing from {config.DAGS_DIR}: {', '.join(missing)}")
    return bag.dags


def run_chain(as_of: date, landing: Path | None = None) -> dict[str, float]:
    """Run every DAG of the chain once for D, in order; raise RunFailed naming the first failed task."""
    setup_environment()
    ensure_metadata_db()
    prepare_warehouse()
    dags = load_dags()
    conf = {"as_of": as_of.isoformat(), "landing": str(landing) if landing else None}
    timings: dict[str, float] = {}
    for dag_id in CHAIN:
        started = time.perf_counter()
        now = datetime.now(UTC)
        log.info("running %s for %s", dag_id, as_of)
        dag = dags[dag_id]
        # Airflow 3.3.2's dag.test() fails after a successful run of a DAG with a Deadline Alert (it looks
        # the alert up by its serialized form instead of its id); the alert guards scheduled runs only.
        dag.deadline = None
        dag_run = dag.test(run_after=now, logical_date=now, run_conf=conf)
        timings[dag_id] = round(time.perf_counter() - started, 2)
        state = str(getattr(dag_run, "state", "")).lower()
        if not state.endswith("success"):
            failed = [
                f"{ti.task_id}" + (f"[{ti.map_index}]" if ti.map_index >= 0 else "")
                for ti in dag_run.get_task_instances()
                if str(ti.state).lower().endswith(("failed", "upstream_failed"))
            ]
            raise RunFailed(f"{dag_id} for {as_of} ended {state or 'without a state'}; failed tasks: "
                            f"{', '.join(failed) or 'none recorded'} (see the task log above)")
    return timings


def run_stoppable(argv: list[str]) -> int:
    """`tiemnang run` with `argv` in a child process that a SIGTERM or SIGINT here stops at once.

    Airflow's task runner replaces the SIGTERM handler of the process that runs a task with one that only
    calls the operator's on_kill(); under dag.test() nothing else stops that process, so a scheduler's
    SIGTERM was ignored until the whole chain had run. The chain therefore runs in a child, and SIGTERM or
    SIGINT (Ctrl-C) here kills it — safe at any point: every file load, matching run, lists build and publication
    is one transaction (docs/reliability.md) — and its load workers die with it (PR_SET_PDEATHSIG).
    Returns the child's exit code, or 128 + the signal's number when stopped.
    """
    child = subprocess.Popen([sys.executable, "-m", "tiemnang.cli", *argv, "--in-process"])
    stopped: list[int] = []

    def stop(signum: int, _frame) -> None:
        if not stopped:
            stopped.append(signum)
            child.kill()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        code = child.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if stopped:
        name = signal.Signals(stopped[0]).name
        print(f"tiemnang run: stopped by {name}; the step that was running rolled back. Run the same command "
              "again to finish the run: files already loaded are not loaded twice.", file=sys.stderr)
        return 128 + stopped[0]
    return code
