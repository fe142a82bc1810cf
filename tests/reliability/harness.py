"""Helpers of the reliability tests: `tiemnang run` as a killable process, fault injection, table checksums."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

from tiemnang import config
from tiemnang.reference import geography

TIEMNANG = str(Path(sys.executable).with_name("tiemnang"))
RUN_TIMEOUT = 600
CURRENT = ("tiem_nang", "don_vi_tiem_nang", "den_han_dong", "tong_hop")
# Every published table, with no volatile column (published_at lives in ops.publication only).
PUBLISHED = CURRENT + tuple(f"{t}_lich_su" for t in CURRENT)
STG = ("persons", "coverage", "employers", "enterprises", "household_businesses", "wage_earners",
       "schools", "students", "welfare")


def admin_conninfo() -> str:
    """The local superuser, to watch and terminate the backends of a test database."""
    return config.local_conninfo("postgres", user="postgres")


def dbname(conninfo: str) -> str:
    return dict(item.split("=", 1) for item in conninfo.split())["dbname"]


def uri(conninfo: str) -> str:
    parts = dict(item.split("=", 1) for item in conninfo.split())
    return f"postgresql://{parts['user']}@{parts['host']}:{parts['port']}/{parts['dbname']}"


@dataclass
class Run:
    """One `tiemnang run` process in its own process group, output in files (no pipe to fill)."""

    proc: subprocess.Popen
    out: Path
    label: str
    killed: bool = False

    def wait(self) -> int:
        return self.proc.wait(timeout=RUN_TIMEOUT)

    def kill(self) -> None:
        """SIGKILL the whole process group: the CLI and any task process it forked."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=60)
        self.killed = True

    @property
    def text(self) -> str:
        return self.out.read_text(errors="replace") if self.out.exists() else ""

    def tail(self, n: int = 6000) -> str:
        return self.text[-n:]


def start_run(conninfo: str, as_of: str, landing: Path, logs: Path, label: str, **env_extra: str) -> Run:
    """Start `tiemnang run --as-of D --landing L` against the warehouse `conninfo`, as a user would."""
    logs.mkdir(parents=True, exist_ok=True)
    out = logs / f"{label}.log"
    env = dict(os.environ, AIRFLOW_CONN_TIEMNANG_WAREHOUSE=uri(conninfo),
               TIEMNANG_EXPORT_DIR=str(logs / "exports" / label), **env_extra)
    with open(out, "wb") as fh:
        proc = subprocess.Popen([TIEMNANG, "run", "--as-of", as_of, "--landing", str(landing)],
                                stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    return Run(proc, out, label)


def run_to_end(conninfo: str, as_of: str, landing: Path, logs: Path, label: str, **env_extra: str) -> Run:
    run = start_run(conninfo, as_of, landing, logs, label, **env_extra)
    code = run.wait()
    assert code == 0, f"tiemnang run {label} failed ({code}):\n{run.tail()}"
    return run


def wait_for_backend(conninfo: str, where: str, run: Run, timeout: float = 300, poll: float = 0.02) -> dict:
    """Poll pg_stat_activity (joined with COPY progress) of the run's database until a backend matches `where`."""
    query = sql.SQL(
        "SELECT a.pid, a.state, a.wait_event_type, left(a.query, 200) AS query,"
        " coalesce(c.tuples_processed, 0) AS tuples, c.relid::regclass::text AS copy_into"
        " FROM pg_stat_activity a LEFT JOIN pg_stat_progress_copy c ON c.pid = a.pid"
        " WHERE a.datname = %(db)s AND a.pid <> pg_backend_pid() AND ({})"
    ).format(sql.SQL(where))
    deadline = time.monotonic() + timeout
    # in the run's own database: pg_stat_progress_copy.relid is an OID of that database
    with psycopg.connect(config.local_conninfo(dbname(conninfo), user="postgres"), autocommit=True) as admin:
        while time.monotonic() < deadline:
            cur = admin.execute(query, {"db": dbname(conninfo)})
            row = cur.fetchone()
            if row:
                return dict(zip([c.name for c in cur.description], row, strict=True))
            if run.proc.poll() is not None:
                raise AssertionError(f"{run.label} ended ({run.proc.returncode}) before [{where}] was seen:\n"
                                     f"{run.tail()}")
            time.sleep(poll)
    raise AssertionError(f"{run.label}: [{where}] not seen within {timeout}s")


def terminate_backends(conninfo: str, keep: tuple[int, ...] = ()) -> int:
    """pg_terminate_backend on the pipeline's connections to the database (as the superuser); how many."""
    with psycopg.connect(admin_conninfo(), autocommit=True) as admin:
        return admin.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid() AND application_name = 'tiemnang'"
            " AND NOT (pid = ANY(%s))",
            (dbname(conninfo), list(keep)),
        ).fetchone()[0]


def _digest(conn: psycopg.Connection, relation: str, where: str = "", params: tuple = ()) -> str:
    return conn.execute(
        f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) || ':' || count(*)"  # noqa: S608
        f" FROM {relation} t {where}", params,
    ).fetchone()[0]


def province_current(conn: psycopg.Connection, ma_tinh: str) -> dict[str, str]:
    """Checksum of each current table of one province, read in the caller's snapshot."""
    return {table: _digest(conn, f"tinh_{ma_tinh}.{table}") for table in CURRENT}


def published(conninfo: str) -> dict[tuple[str, str, str], str]:
    """Checksums of everything provinces read: current tables, history per week, the publication record."""
    out: dict[tuple[str, str, str], str] = {}
    with psycopg.connect(conninfo) as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for ma_tinh in sorted(geography.provinces()):
            for table in CURRENT:
                out[(ma_tinh, table, "current")] = _digest(conn, f"tinh_{ma_tinh}.{table}")
                for (tuan,) in conn.execute(f"SELECT DISTINCT tuan FROM tinh_{ma_tinh}.{table}_lich_su").fetchall():  # noqa: S608
                    out[(ma_tinh, f"{table}_lich_su", tuan)] = _digest(
                        conn, f"tinh_{ma_tinh}.{table}_lich_su", "WHERE tuan = %s", (tuan,))
        for ma_tinh, tuan, row in conn.execute(
            "SELECT ma_tinh, tuan, (ngay_tham_chieu, so_tiem_nang, so_don_vi, so_den_han)::text"
            " FROM ops.publication"
        ).fetchall():
            out[(ma_tinh, "publication", tuan)] = row
    return out


def week(checksums: dict, tuan: str) -> dict:
    return {k: v for k, v in checksums.items() if k[2] == tuan}


def current(checksums: dict) -> dict:
    return week(checksums, "current")


def ledger(conninfo: str) -> dict:
    """What ingestion recorded: file_log rows, staging and quarantine counts (to prove nothing doubled)."""
    with psycopg.connect(conninfo) as conn:
        files = conn.execute(
            "SELECT source, path, sha256, status, rows_read, rows_accepted, rows_quarantined FROM ops.file_log"
            " ORDER BY path, sha256"
        ).fetchall()
        dup = conn.execute(
            "SELECT path, sha256, count(*) FROM ops.file_log GROUP BY 1, 2 HAVING count(*) > 1"
        ).fetchall()
        stg = {t: conn.execute(f"SELECT count(*) FROM stg.{t}").fetchone()[0] for t in STG}  # noqa: S608
        quarantine = conn.execute("SELECT count(*) FROM ops.quarantine").fetchone()[0]
        lost = conn.execute(
            "SELECT count(*) FROM ops.file_log WHERE rows_read <> rows_accepted + rows_quarantined"
        ).fetchone()[0]
    return {"files": files, "duplicate_files": dup, "stg": stg, "quarantine": quarantine, "rows_lost": lost}


@dataclass
class FaultInjector:
    """A thread that terminates the run's warehouse backends once at each named moment it sees."""

    conninfo: str
    run: Run
    moments: dict[str, str]
    seen: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    _thread: threading.Thread | None = None

    def start(self) -> FaultInjector:
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        try:
            for name, where in self.moments.items():
                wait_for_backend(self.conninfo, where, self.run, timeout=RUN_TIMEOUT)
                self.seen[name] = terminate_backends(self.conninfo)
        except AssertionError as exc:
            self.errors.append(str(exc))

    def join(self) -> None:
        assert self._thread is not None
        self._thread.join(timeout=60)
