"""Kill -9 and database faults in the middle of `tiemnang run`, re-runs and backfills: same published answer.

One generated world (with two large welfare files in one delivery, so a COPY lasts long enough to be
interrupted, and the two load side by side in worker processes) is run undisturbed in a reference database,
and disturbed in others; provinces' tables are compared by checksum.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from harness import (
    FaultInjector,
    current,
    ledger,
    province_current,
    published,
    run_to_end,
    start_run,
    terminate_backends,
    wait_for_backend,
    week,
)

from tiemnang import config
from tiemnang.reference import geography
from tiemnang.sources import loader
from tiemnang_tools.generate import generate

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

W1, W2 = "2026-11-13", "2026-11-20"
T1, T2 = "2026-W46", "2026-W47"
BIG_ROWS = 120_000
# Moments a run is caught in, as pg_stat_activity / pg_stat_progress_copy conditions.
IN_BIG_COPY = "c.relid = 'ops.quarantine'::regclass AND c.tuples_processed > 5000"
IN_MATCHING = "a.state = 'active' AND a.query ILIKE '%%mt.w\\_%%'"
FIGURES: dict[str, int] = defaultdict(int)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(out=out, persons=800, seed=23)
    (out / "big_files.txt").write_text("\n".join(_big_welfare_file(out, n) for n in (1, 2)))
    return out


@pytest.fixture(scope="module")
def big_files(world) -> list[str]:
    return (world / "big_files.txt").read_text().splitlines()


def _big_welfare_file(world: Path, n: int) -> str:
    """A commune list with 3 real rows and BIG_ROWS numbered rows without a name (quarantined: thieu_ho_ten).

    Two of them (n = 1, 2) in one delivery: both are large, so the loader converts them in worker processes.
    """
    with open(world / "truth" / "files.csv", encoding="utf-8", newline="") as f:
        path = next(r["path"] for r in csv.DictReader(f) if r["source"] == "welfare" and r["expected"] == "accepted"
                    and r["path"].endswith(".csv") and "utf-8" in r["note"])
    landing = world / "landing"
    source = landing / path
    big = str(Path(path).with_name(Path(path).name[:5] + f"_danh_sach_bo_sung_lon_{n}.csv"))
    with open(source, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header_at = next(i for i, r in enumerate(rows) if "họ và tên" in [c.strip().lower() for c in r])
    cols = [c.strip().lower() for c in rows[header_at]]
    blank = dict.fromkeys(cols, "")
    with open(landing / big, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerows(rows[: header_at + 4])  # titles, header, then the first rows of the real list
        for i in range(n * 1_000_000, n * 1_000_000 + BIG_ROWS):
            w.writerow([{**blank, "stt": str(i), "giới tính": "Nam", "ngày sinh": "1960", "mã hộ": f"99-{i}",
                         "đối tượng": "HN", "ghi chú": "chưa ghi tên"}[c] for c in cols])
    return big


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="module")
def started_at() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def reference(world, logs, database_factory, started_at) -> dict:
    """Undisturbed: W1, W1 again, W2, then W1 again (a backfill after newer deliveries arrived)."""
    conninfo, drop = database_factory("tiemnang_rel_ref")
    landing = world / "landing"
    snaps = {}
    for label, as_of in (("w1", W1), ("w1_again", W1), ("w2", W2), ("w1_backfill", W1)):
        run_to_end(conninfo, as_of, landing, logs, f"ref_{label}")
        snaps[label] = published(conninfo)
        snaps[f"ledger_{label}"] = ledger(conninfo)
    yield snaps
    drop()


@pytest.fixture(scope="module")
def pin_province(reference) -> str:
    """The province whose current tables change most visibly from W1 to W2: its publication gets caught."""
    def rows(snap: dict, m: str) -> int:
        return sum(int(v.rsplit(":", 1)[1]) for k, v in current(snap).items() if k[0] == m)

    changed = [m for m in geography.provinces()
               if {k: v for k, v in current(reference["w1"]).items() if k[0] == m}
               != {k: v for k, v in current(reference["w2"]).items() if k[0] == m}]
    return max(changed, key=lambda m: min(rows(reference["w1"], m), rows(reference["w2"], m)))


def waiting_on_pin(ma_tinh: str) -> str:
    """A publishing backend of the province stopped on the test's lock: its transaction is open, half done."""
    # the switch of the current tables (publish/catalogue.switch_current), one statement per table
    return f"a.wait_event_type = 'Lock' AND a.query LIKE 'DELETE FROM \"tinh_{ma_tinh}\".\"tiem_nang\"%%'"  # noqa: S608


@pytest.fixture(scope="module")
def disturbed(database_factory) -> str:
    conninfo, drop = database_factory("tiemnang_rel_kill")
    yield conninfo
    drop()


# ---------------------------------------------------------------- 3. idempotency


def test_same_week_twice_publishes_identical_tables(reference):
    assert reference["w1"] == reference["w1_again"]
    assert reference["ledger_w1"] == reference["ledger_w1_again"]
    assert not reference["ledger_w1"]["duplicate_files"]
    assert reference["ledger_w1"]["rows_lost"] == 0
    assert any(k[1] == "tiem_nang" and not v.endswith(":0") for k, v in current(reference["w1"]).items())


def test_backfill_of_older_week_gives_its_original_answer(reference):
    first, after_w2, backfilled = reference["w1"], reference["w2"], reference["w1_backfill"]
    assert week(backfilled, T1) == week(first, T1), "W1 history changed by a backfill after W2"
    assert week(backfilled, T2) == week(after_w2, T2)
    assert current(backfilled) == current(after_w2), "a backfill of W1 replaced the current W2 tables"
    assert current(first) != current(after_w2), "the world must change between weeks for this test to mean much"
    assert reference["ledger_w1_backfill"] == reference["ledger_w2"]


# ---------------------------------------------------------------- 1. kill -9 and re-run


def _logged(conninfo: str, path: str) -> int:
    with psycopg.connect(conninfo) as conn:
        return conn.execute("SELECT count(*) FROM ops.file_log WHERE path = %s", (path,)).fetchone()[0] + \
            conn.execute("SELECT count(*) FROM ops.quarantine WHERE path = %s", (path,)).fetchone()[0]


def _built(conninfo: str, d: str) -> tuple[int, int, int]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM mt.build WHERE ngay_tham_chieu = %(d)s),"
            " (SELECT count(*) FROM lists.build WHERE ngay_tham_chieu = %(d)s),"
            " (SELECT count(*) FROM ops.publication WHERE ngay_tham_chieu = %(d)s)", {"d": d},
        ).fetchone()


def test_kill_during_large_file_load(world, big_files, logs, disturbed):
    run = start_run(disturbed, W1, world / "landing", logs, "kill_load")
    seen = wait_for_backend(disturbed, IN_BIG_COPY, run)
    run.kill()
    FIGURES["kills"] += 1
    assert seen["tuples"] > 5000
    assert all(_logged(disturbed, p) == 0 for p in big_files), \
        "a killed file load left a file_log or quarantine row behind"
    assert ledger(disturbed)["rows_lost"] == 0


def test_killed_task_takes_its_load_workers_with_it(world, big_files, logs, disturbed):
    """Only the process running the tasks dies (as when a worker host kills it): its load workers must not
    go on and commit their files behind a retry's back."""
    assert all((world / "landing" / p).stat().st_size >= loader._LARGE_BYTES for p in big_files)
    run = start_run(disturbed, W1, world / "landing", logs, "kill_parent_only")
    wait_for_backend(disturbed, IN_BIG_COPY, run)
    os.kill(_chain_pid(run.proc.pid), signal.SIGKILL)
    run.proc.wait(timeout=60)
    FIGURES["kills"] += 1
    _assert_group_ends(run.proc.pid, "a load worker outlived the task that started it")
    assert all(_logged(disturbed, p) == 0 for p in big_files), "a worker committed a file after its task died"
    assert ledger(disturbed)["rows_lost"] == 0


def test_sigterm_stops_the_run_at_once(world, big_files, logs, disturbed):
    """A scheduler's SIGTERM (or Ctrl-C) stops `tiemnang run` now, not after the chain: Airflow's task runner
    turns SIGTERM into on_kill() only, so the chain runs in a child that the command kills."""
    run = start_run(disturbed, W1, world / "landing", logs, "sigterm")
    wait_for_backend(disturbed, IN_BIG_COPY, run)
    os.kill(run.proc.pid, signal.SIGTERM)
    code = run.proc.wait(timeout=60)
    FIGURES["kills"] += 1
    assert code == 128 + signal.SIGTERM, run.tail()
    assert "stopped by SIGTERM" in run.tail(1000)
    _assert_group_ends(run.proc.pid, "the chain or a load worker outlived a stopped `tiemnang run`")
    assert all(_logged(disturbed, p) == 0 for p in big_files), "a file committed after the run was stopped"
    assert ledger(disturbed)["rows_lost"] == 0


def _chain_pid(cli_pid: int) -> int:
    """The child of `tiemnang run` that runs the chain's tasks (runner.run_stoppable)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(fields[1]) == cli_pid and b"--in-process" in cmdline:
            return int(stat.parent.name)
    raise AssertionError(f"no chain process under tiemnang run ({cli_pid})")


def _assert_group_ends(pgid: int, message: str) -> None:
    deadline = time.monotonic() + 30
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _group_alive(pgid), message


def _group_alive(pgid: int) -> bool:
    """A live (not zombie) process is left in the run's process group (Linux /proc)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


def test_kill_during_matching_then_rerun_equals_undisturbed(world, logs, disturbed, reference):
    run = start_run(disturbed, W1, world / "landing", logs, "kill_matching")
    wait_for_backend(disturbed, IN_MATCHING, run)
    run.kill()
    FIGURES["kills"] += 1
    assert _built(disturbed, W1) == (0, 0, 0), "a killed matching run left a build or a publication behind"

    run_to_end(disturbed, W1, world / "landing", logs, "rerun_w1")
    FIGURES["survived"] += 2
    assert published(disturbed) == reference["w1"]
    got, want = ledger(disturbed), reference["ledger_w1"]
    assert not got["duplicate_files"]
    assert got == want


class Reader(threading.Thread):
    """A province's reader: REPEATABLE READ snapshots of its four current tables, as fast as it can."""

    def __init__(self, conninfo: str, ma_tinh: str) -> None:
        super().__init__(daemon=True)
        self.conninfo, self.ma_tinh = conninfo, ma_tinh
        self.snapshots: list[dict[str, str]] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with psycopg.connect(self.conninfo, autocommit=True) as conn:
                while not self.stop.is_set():
                    with conn.transaction():
                        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                        self.snapshots.append(province_current(conn, self.ma_tinh))
                    time.sleep(0.01)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


def test_kill_during_publication_readers_see_whole_weeks(world, logs, disturbed, reference, pin_province):
    """A province's publication is caught open (held on a lock) and killed; its reader never sees a mix."""
    last_week = current(reference["w1"])
    this_week = current(reference["w2"])
    province = lambda snap, m: {k[1]: v for k, v in snap.items() if k[0] == m}  # noqa: E731
    before, after = province(last_week, pin_province), province(this_week, pin_province)
    assert before != after

    reader = Reader(disturbed, pin_province)
    reader.start()
    with psycopg.connect(disturbed) as pin:
        # row locks: the switch's DELETE waits on them, the run's DDL (comments, grants) does not
        assert pin.execute(f"SELECT count(*) FROM (SELECT 1 FROM tinh_{pin_province}.tiem_nang FOR UPDATE) x"  # noqa: S608
                           ).fetchone()[0] > 0
        run = start_run(disturbed, W2, world / "landing", logs, "kill_publication")
        wait_for_backend(disturbed, waiting_on_pin(pin_province), run)
        run.kill()
        FIGURES["kills"] += 1
        pin.rollback()
    mid = published(disturbed)
    with psycopg.connect(disturbed) as conn:
        weeks = dict(conn.execute("SELECT ma_tinh, max(tuan) FROM ops.publication GROUP BY 1").fetchall())
    assert weeks[pin_province] == T1, "the killed province's transaction committed"
    if pin_province != min(weeks):
        assert T2 in weeks.values(), "provinces before the killed one should have published W2"
    for ma_tinh in geography.provinces():
        expected = this_week if weeks[ma_tinh] == T2 else last_week
        assert province(current(mid), ma_tinh) == province(expected, ma_tinh), ma_tinh

    run_to_end(disturbed, W2, world / "landing", logs, "rerun_w2")
    FIGURES["survived"] += 1
    reader.stop.set()
    reader.join(timeout=30)
    assert reader.error is None, reader.error
    assert published(disturbed) == reference["w2"]
    assert ledger(disturbed) == reference["ledger_w2"]
    seen = {tuple(sorted(s.items())) for s in reader.snapshots}
    allowed = {tuple(sorted(before.items())), tuple(sorted(after.items()))}
    assert seen <= allowed, f"a reader saw a partial or mixed week: {seen - allowed}"
    assert seen == allowed, "the reader should have seen last week, then this week"
    FIGURES["reader_snapshots"] += len(reader.snapshots)


# ---------------------------------------------------------------- 2. database faults and Airflow retries


def test_terminated_backends_are_retried_by_airflow(world, logs, database_factory, reference, pin_province):
    conninfo, drop = database_factory("tiemnang_rel_fault")
    try:
        with psycopg.connect(conninfo) as pin:
            # the province's publication lock: its transaction waits on it right after BEGIN
            pin.execute("SELECT pg_advisory_lock(hashtext('tiemnang.publish.' || %s))", (pin_province,))
            run = start_run(conninfo, W1, world / "landing", logs, "db_faults", TIEMNANG_RETRY_DELAY_SECONDS="1")
            faults = FaultInjector(conninfo, run, {
                "load": IN_BIG_COPY, "matching": IN_MATCHING,
                "publication": f"a.wait_event = 'advisory' AND a.query LIKE '%%tiemnang.publish.%%{pin_province}%%'",
            }).start()
            while "publication" not in faults.seen and not faults.errors and run.proc.poll() is None:
                time.sleep(0.05)
            pin.execute("SELECT pg_advisory_unlock_all()")
            code = run.wait()
            faults.join()
        assert not faults.errors, faults.errors
        assert set(faults.seen) == {"load", "matching", "publication"} and all(faults.seen.values()), faults.seen
        FIGURES["db_faults"] += len(faults.seen)
        text = run.text
        assert code == 0, f"the run did not survive terminated connections:\n{run.tail()}"
        assert "terminating connection due to administrator command" in text
        retried = text.lower().count("up_for_retry")
        assert retried >= len(faults.seen), f"expected an Airflow retry per fault, saw {retried}"
        FIGURES["survived"] += len(faults.seen)
        assert published(conninfo) == reference["w1"]
        assert ledger(conninfo) == reference["ledger_w1"]
    finally:
        terminate_backends(conninfo)
        drop()


# ---------------------------------------------------------------- 6. personal data


def _personal_values(world: Path) -> dict[str, set[str]]:
    values: dict[str, set[str]] = defaultdict(set)
    with open(world / "truth" / "persons.csv", encoding="utf-8", newline="") as f:
        for person in csv.DictReader(f):
            for field in ("so_ddcn", "ma_so_bhxh", "ho_ten"):
                if len(person.get(field) or "") >= 8:
                    values[field].add(person[field])
    return values


def test_no_personal_data_in_logs_or_asset_events(world, logs, reference, started_at):
    """Run outputs (killed, faulted and clean), Airflow's log folder and asset_event.extra of these runs."""
    from tiemnang import runner

    with open(world / "truth" / "records.csv", encoding="utf-8", newline="") as f:
        assert any(r["expected"] == "quarantined" for r in csv.DictReader(f)), "world must have quarantined rows"
    texts = [p.read_text(errors="replace") for p in logs.glob("*.log")]
    log_dir = config.airflow_home() / "logs"
    texts += [p.read_text(errors="replace") for p in log_dir.rglob("*") if p.is_file()] if log_dir.exists() else []
    meta = runner.airflow_environment()["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("+psycopg", "")
    with psycopg.connect(meta) as conn:
        extras = [json.dumps(e, ensure_ascii=False) for (e,) in conn.execute(
            "SELECT e.extra FROM asset_event e JOIN asset a ON a.id = e.asset_id"
            " WHERE a.name LIKE 'tiemnang%%' AND e.timestamp >= %s", (started_at,)).fetchall()]
    assert len(extras) >= 6 * 4, "asset events of this module's runs not found"
    text = "\n".join(texts + extras)
    leaked = {field: sorted(v for v in vals if v in text)[:3] for field, vals in _personal_values(world).items()}
    leaked = {k: v for k, v in leaked.items() if v}
    assert not leaked, f"personal data in logs or asset events: {leaked}"
    FIGURES["log_bytes_scanned"] = len(text)


def test_zz_report_figures(reference):
    """Print the figures docs/reliability.md quotes (visible with -s or in -rA)."""
    print("RELIABILITY FIGURES", dict(FIGURES), "quarantined rows in the reference world:",
          reference["ledger_w2"]["quarantine"], "rows lost:", reference["ledger_w2"]["rows_lost"])
    assert reference["ledger_w2"]["rows_lost"] == 0

