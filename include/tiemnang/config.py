"""Where things live: project paths, the local cluster, the warehouse, landing and export folders."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = Path(__file__).resolve().parent / "sql"  # package data: shipped inside the wheel
DAGS_DIR = PROJECT_ROOT / "dags"
TIMEZONE = "Asia/Ho_Chi_Minh"
WAREHOUSE_CONN_ID = "tiemnang_warehouse"
LANDING_VARIABLE = "tiemnang_landing_dir"


def local_dir() -> Path:
    """Home of everything the embedded set-up creates (cluster, Airflow home, demo data)."""
    return Path(os.environ.get("TIEMNANG_LOCAL_DIR", PROJECT_ROOT / ".local")).resolve()


def local_pg_port() -> int:
    return int(os.environ.get("TIEMNANG_PGPORT", "54329"))


LOCAL_PG_USER = "tiemnang"
LOCAL_WAREHOUSE_DB = "tiemnang"
LOCAL_AIRFLOW_DB = "airflow"


LOCAL_PG_ADMIN = "postgres"


def local_passfile(user: str = LOCAL_PG_USER) -> Path:
    """The 0600 pgpass file holding `user`'s password on the local cluster: the pipeline's login, or the superuser's."""
    name = "pgpass-admin" if user == LOCAL_PG_ADMIN else "pgpass"
    return local_dir() / "secrets" / name


def local_conninfo(dbname: str = LOCAL_WAREHOUSE_DB, user: str = LOCAL_PG_USER) -> str:
    """The local cluster (scram-sha-256): the password comes from `local_passfile`, never from the command line."""
    return (f"host=127.0.0.1 port={local_pg_port()} user={user} dbname={dbname}"
            f" passfile={_quote(str(local_passfile(user)))}")


def airflow_home() -> Path:
    return Path(os.environ.get("AIRFLOW_HOME", local_dir() / "airflow"))


def conninfo_from_airflow_uri(value: str) -> str:
    """Turn an Airflow connection (URI or JSON form) into a libpq conninfo string."""
    value = value.strip()
    if value.startswith("{"):
        data = json.loads(value)
        parts = {
            "host": data.get("host"),
            "port": data.get("port"),
            "user": data.get("login"),
            "password": data.get("password"),
            "dbname": data.get("schema") or (data.get("extra") or {}).get("dbname"),
        }
    else:
        url = urlsplit(value)
        if url.scheme.split("+")[0] not in {"postgres", "postgresql"}:
            raise ValueError(f"{WAREHOUSE_CONN_ID} must be a PostgreSQL connection, got scheme {url.scheme!r}")
        parts = {
            "host": unquote(url.hostname or "") or None,
            "port": url.port,
            "user": unquote(url.username) if url.username else None,
            "password": unquote(url.password) if url.password else None,
            "dbname": unquote(url.path.lstrip("/")) or None,
        }
    return " ".join(f"{k}={_quote(str(v))}" for k, v in parts.items() if v not in (None, ""))


def _quote(v: str) -> str:
    if v and all(c not in v for c in " '\\"):
        return v
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def airflow_conninfo(conn_id: str) -> str | None:
    """The Airflow connection `conn_id` as a libpq conninfo, or None when nothing defines it.

    The one resolver of tasks, the monitoring plugin and the CLI, in Airflow's own order: the environment
    (AIRFLOW_CONN_<ID>), then — where this process runs with Airflow configured — the secrets backends and
    the metadata database, i.e. a connection created in the UI or with `airflow connections add`. Inside a
    task these come through the Execution API; in the api-server (the plugin) and in `tiemnang summary`
    / `export` from the metadata database.
    """
    env = os.environ.get("AIRFLOW_CONN_" + conn_id.upper())
    if env:
        return conninfo_from_airflow_uri(env)
    uri = _airflow_connection_uri(conn_id)
    return conninfo_from_airflow_uri(uri) if uri else None


def _airflow_connection_uri(conn_id: str) -> str | None:
    import sys

    task_runner = sys.modules.get("airflow.sdk.execution_time.task_runner")
    in_task = getattr(task_runner, "SUPERVISOR_COMMS", None) is not None
    if not in_task and not (os.environ.get("AIRFLOW_HOME") or "airflow.settings" in sys.modules):
        return None  # Airflow not configured here: importing it would create a default ~/airflow home
    from airflow.exceptions import AirflowNotFoundException

    try:
        if in_task:
            from airflow.sdk import Connection

            return Connection.get(conn_id).get_uri()
        from airflow.models.connection import Connection as StoredConnection

        return StoredConnection.get_connection_from_secrets(conn_id).get_uri()
    except AirflowNotFoundException:
        return None


def warehouse_conninfo() -> str:
    """The warehouse: the Airflow connection `tiemnang_warehouse` when defined anywhere, else the local cluster."""
    return airflow_conninfo(WAREHOUSE_CONN_ID) or local_conninfo()


def uses_local_warehouse() -> bool:
    """No AIRFLOW_CONN_TIEMNANG_WAREHOUSE in the environment (a UI connection is seen only once Airflow runs)."""
    return not os.environ.get("AIRFLOW_CONN_" + WAREHOUSE_CONN_ID.upper())


LANDING_ENV = "TIEMNANG_LANDING_DIR"


def landing_dir(override: str | os.PathLike | None = None, variable: str | None = None) -> Path:
    """Landing root, first found: explicit override (the run's `landing` param, --landing), TIEMNANG_LANDING_DIR,
    the Airflow Variable `tiemnang_landing_dir` (`variable`, as a task read it, or AIRFLOW_VAR_…), else
    .local/landing."""
    for value in (override, os.environ.get(LANDING_ENV), variable,
                  os.environ.get("AIRFLOW_VAR_" + LANDING_VARIABLE.upper())):
        if value:
            return Path(value).resolve()
    return local_dir() / "landing"


def export_dir() -> Path:
    return Path(os.environ.get("TIEMNANG_EXPORT_DIR", local_dir() / "exports")).resolve()


def export_group() -> str | None:
    """TIEMNANG_EXPORT_GROUP: the OS group (name or gid) that may read exported workbooks; unset = the owner only."""
    return os.environ.get("TIEMNANG_EXPORT_GROUP") or None
