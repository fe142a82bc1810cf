"""The embedded local PostgreSQL cluster under .local/pg, started as the `postgres` OS user when run as root."""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

import psycopg

from tiemnang import config

log = logging.getLogger(__name__)


class LocalPostgresError(RuntimeError):
    """The local cluster could not be installed, initialised or started."""


def _pg_dir() -> Path:
    """.local/pg, unless the postgres OS user cannot reach it (a checkout under a private home directory)."""
    preferred = config.local_dir() / "pg"
    if os.geteuid() != 0 or _postgres_can_reach(preferred.parent):
        return preferred
    digest = hashlib.sha256(str(config.PROJECT_ROOT).encode()).hexdigest()[:10]
    fallback = Path("/var/tmp") / f"tiemnang-{digest}" / "pg"
    fallback.parent.mkdir(parents=True, exist_ok=True)
    link = preferred
    if not link.exists() and not link.is_symlink():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(fallback)  # so .local/pg still shows where the cluster lives
    return fallback


def _postgres_can_reach(directory: Path) -> bool:
    directory.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(_as_postgres(["test", "-x", str(directory)]), capture_output=True)
    return probe.returncode == 0


def find_bin_dir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    return None


def install_server() -> Path:
    """Install PostgreSQL with apt when its binaries are missing (fresh machine, root)."""
    if os.geteuid() != 0:
        raise LocalPostgresError("PostgreSQL server binaries are missing; install them (apt-get install postgresql)")
    log.info("installing PostgreSQL with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True, env=env)
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise LocalPostgresError("apt-get installed postgresql but no initdb was found under /usr/lib/postgresql")
    return bin_dir


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(_shell_quote(a) for a in args)]


def _shell_quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\"'\"'") + "'"


def _chown_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def is_running() -> bool:
    try:
        with psycopg.connect(config.local_conninfo("postgres", user="postgres"), connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def ensure_running() -> None:
    """Initialise (first time) and start the cluster, then make sure its role and databases exist."""
    if not is_running():
        bin_dir = find_bin_dir() or install_server()
        pg = _pg_dir()
        data, run_dir = pg / "data", pg / "run"
        for d in (pg, run_dir):
            d.mkdir(parents=True, exist_ok=True)
            _chown_postgres(d)
        if not (data / "PG_VERSION").exists():
            log.info("initialising local PostgreSQL cluster in %s", data)
            subprocess.run(
                _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8",
                              "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=trust"]),
                check=True, stdout=subprocess.DEVNULL,
            )
            with open(data / "postgresql.conf", "a", encoding="utf-8") as f:
                f.write(
                    "\n# tiemnang local cluster\nshared_buffers = '1GB'\nwork_mem = '64MB'\n"
                    "maintenance_work_mem = '512MB'\nmax_wal_size = '4GB'\nsynchronous_commit = off\n"
                    "max_connections = 200\ntemp_buffers = '64MB'\n"
                )
        options = f"-c listen_addresses=127.0.0.1 -p {config.local_pg_port()} -k {run_dir}"
        subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(pg / "server.log"),
                          "-o", options, "-w", "-t", "60", "start"]),
            check=True, stdout=subprocess.DEVNULL,
        )
        for _ in range(60):
            if is_running():
                break
            time.sleep(0.5)
        else:
            raise LocalPostgresError(f"local PostgreSQL did not start; see {pg / 'server.log'}")
    _ensure_role_and_databases()


def _ensure_role_and_databases() -> None:
    with psycopg.connect(config.local_conninfo("postgres", user="postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (config.LOCAL_PG_USER,)).fetchone()
        if not exists:
            # The pipeline's login creates province reader roles, so it needs CREATEROLE, not superuser.
            conn.execute(f'CREATE ROLE "{config.LOCAL_PG_USER}" LOGIN CREATEDB CREATEROLE')
        for db in (config.LOCAL_WAREHOUSE_DB, config.LOCAL_AIRFLOW_DB):
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone():
                conn.execute(f'CREATE DATABASE "{db}" OWNER "{config.LOCAL_PG_USER}"')


def stop() -> None:
    bin_dir = find_bin_dir()
    data = _pg_dir() / "data"
    if bin_dir and (data / "PG_VERSION").exists() and is_running():
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]), check=True)
