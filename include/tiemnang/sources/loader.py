"""Load ready deliveries into staging: one transaction per file, every data row accepted or quarantined."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import multiprocessing
import operator
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from tiemnang import db
from tiemnang.processes import die_with_parent
from tiemnang.sources import discovery, readers, registry
from tiemnang.sources.discovery import LandingFile
from tiemnang.sources.layouts import FastPath, Layout
from tiemnang.sources.readers import FileRejected, Fingerprint

log = logging.getLogger(__name__)

_SPOOL_BYTES = 8 << 20
_PROGRESS_EVERY = 250_000
_LARGE_BYTES = 4 << 20      # a CSV this big converts in a worker process when its delivery has two or more
_MAX_WORKERS = 2
# the register's files form one snapshot, held to a dated share of the snapshot in force before (ref.tham_so)
SNAPSHOT_KINDS = registry.SNAPSHOT_KINDS
_COPY_PREFIX = "tiemnang-load-"


class ConservationError(AssertionError):
    """rows_read != rows_accepted + rows_quarantined: a bug, never a data problem."""


def ingest(conninfo: str, source: str, landing_root: Path, as_of: dt.date) -> dict[str, Any]:
    """Load every ready delivery of `source` dated ≤ as_of not yet logged; returns counts only."""
    if source not in discovery.SOURCES:
        raise ValueError(f"unknown source {source!r}; expected one of {discovery.SOURCES}")
    root = Path(landing_root).resolve()
    counts: Counter[str] = Counter()
    file_ids: list[int] = []
    workers = _Workers(conninfo)
    ignored: list[discovery.Ignored] = []
    with db.connect(conninfo, autocommit=True) as conn:
        db.fetch(conn, "ingest/lock_source", {"source": source})
        _remove_stale_copies()
        copies = Path(tempfile.mkdtemp(prefix=f"{_COPY_PREFIX}{os.getpid()}-"))
        try:
            for date, folder in discovery.deliveries(root, source, as_of, ignored):
                counts["deliveries"] += 1
                files = discovery.delivery_files(root, source, date, folder)
                workers.choose(files)
                # results are checked against the lists of the same delivery (an agent in its dai_ly_thu.csv):
                # those are done first, results after; a later delivery is checked against this one's files in
                # force: all of them are done first
                for phase in _phases(files):
                    slots: list[int | Future | None] = [_ingest_file(conn, f, counts, workers, copies) for f in phase]
                    for f, slot in zip(phase, slots, strict=True):
                        file_id = _settle(slot, counts)
                        if file_id is not None:
                            file_ids.append(file_id)
                            if f.kind == "contributions":
                                _quarantine_unknown_units(conn, f, file_id, counts)
                for copy in copies.iterdir():
                    copy.unlink()
            for entry in ignored:
                db.run(conn, "ingest/landing_ignored", vars(entry))
        finally:
            workers.shutdown()
            shutil.rmtree(copies, ignore_errors=True)
            db.fetch(conn, "ingest/unlock_source", {"source": source})
    counts["entries_ignored"] = len(ignored)
    result: dict[str, Any] = {
        key: counts[key]
        for key in (
            "deliveries", "files_seen", "files_already_done", "files_loaded", "files_unchanged",
            "files_quarantined", "files_altered", "entries_ignored", "rows_read", "rows_accepted",
            "rows_quarantined", "rows_warned",
        )
    }
    result["file_ids"] = file_ids
    log.info("ingest %s as of %s: %s", source, as_of, {k: v for k, v in result.items() if k != "file_ids"})
    return result


def _phases(files: list[LandingFile]) -> tuple[list[LandingFile], list[LandingFile]]:
    """A delivery's files in the order they must be done: every file but results, then the results."""
    results = [f for f in files if f.kind in registry.ACCUMULATING_KINDS]
    return [f for f in files if f.kind not in registry.ACCUMULATING_KINDS], results


def _quarantine_unknown_units(conn: psycopg.Connection, f: LandingFile, file_id: int, counts: Counter[str]) -> None:
    """Ledger rows of a unit missing from the delivery's employers.csv, known only once the whole delivery is in.

    Its own transaction after the delivery's files: were the process to die just before it, those rows would stay
    accepted, and count for no unit in the lists (don_vi_no_dong joins the employers in force).
    """
    with conn.transaction():
        moved = db.fetch(conn, "ingest/move_unknown_units",
                         {"file_id": file_id, "path": f.path, "delivery_date": f.delivery_date})[0][0]
    counts["rows_accepted"] -= moved
    counts["rows_quarantined"] += moved
    if moved:
        log.info("ingest %s: %d ledger rows of units not in employers.csv quarantined", f.path, moved)


def _ingest_file(conn: psycopg.Connection, f: LandingFile, counts: Counter[str], workers: _Workers,
                 copies: Path) -> int | Future | None:
    counts["files_seen"] += 1
    workers.wait_for_key(f)
    fp = _fingerprint(f, None)
    seen, in_force, altered, previous_rows, min_share = _file_state(conn, f, fp)
    if not seen and f.real_path is not None:
        # a file to load is copied as it is hashed again, and its rows are read from the copy: hash and rows are
        # the same bytes whatever the source does meanwhile (files already done, most of every night, are not copied)
        copy = copies / f"{counts['files_seen']}{Path(f.path).suffix.lower()}"
        first, fp = fp.sha256, _fingerprint(f, copy)
        if fp.sha256 != first:
            seen, in_force, altered, previous_rows, min_share = _file_state(conn, f, fp)
        f = replace(f, real_path=copy)
    if seen:
        counts["files_already_done"] += 1
        return None
    problem = FileRejected(f.problem, f.message or f.problem) if f.problem else fp.problem
    if altered and f.real_path is not None:
        # a delivered folder is immutable: what was read of it stays what the old weeks were computed from
        counts["files_altered"] += 1
        return _settle(_quarantine_file(conn, f, fp, FileRejected(
            "tep_bi_thay_doi", "this path was read before with other content; a delivered file must not be"
                               " changed (re-deliver it in a new dated folder); not loaded"), "altered"), counts)
    if problem is None:
        if in_force == fp.sha256:
            with conn.transaction():
                file_id = _log_file(conn, f, fp, "unchanged", "identical to the file in force; nothing loaded")
            counts["files_unchanged"] += 1
            _report(f, "unchanged", {})
            return file_id
        floor = _snapshot_floor(f, previous_rows, min_share)
        if workers.takes(f):
            # the id is taken now, in delivery order, so file ids do not depend on which worker ends first
            return workers.submit(f, fp, db.fetch(conn, "ingest/next_file_id")[0][0], floor)
        return _settle(_load_file(conn, f, fp, None, floor), counts)
    return _settle(_quarantine_file(conn, f, fp, problem), counts)


def _file_state(conn: psycopg.Connection, f: LandingFile, fp: Fingerprint) -> tuple:
    """(seen, in_force, altered, previous_rows, min_share): sql/ingest/file_state.sql."""
    return db.fetch(conn, "ingest/file_state", {
        "path": f.path, "sha256": fp.sha256, "source": f.source, "kind": f.kind, "file_key": f.file_key,
        "delivery_date": f.delivery_date, "accumulating": f.kind in registry.ACCUMULATING_KINDS,
    })[0]


def _snapshot_floor(f: LandingFile, previous_rows: int | None, min_share) -> Floor | None:
    """The fewest accepted rows a register snapshot file may have against the snapshot in force before it."""
    if f.source != "register" or f.kind not in SNAPSHOT_KINDS or not previous_rows or min_share is None:
        return None
    return Floor(math.ceil(previous_rows * float(min_share)), previous_rows, float(min_share))


@dataclass(frozen=True)
class Floor:
    rows: int
    previous_rows: int
    share: float


def _load_file(conn: psycopg.Connection, f: LandingFile, fp: Fingerprint, file_id: int | None = None,
               floor: Floor | None = None) -> Outcome:
    """The file's own transaction; a file the rows show to be unreadable is quarantined whole instead."""
    try:
        with conn.transaction():
            file_id, stats, refused = _load_rows(conn, f, fp, file_id, floor)
    except FileRejected as exc:
        return _quarantine_file(conn, f, fp, exc)
    if refused is not None:
        return Outcome(f, file_id, f"quarantined ({refused.reason}: {refused.message})", stats)
    return Outcome(f, file_id, "loaded", stats)


def _quarantine_file(conn: psycopg.Connection, f: LandingFile, fp: Fingerprint, problem: FileRejected,
                     status: str = "quarantined") -> Outcome:
    with conn.transaction():
        file_id = _log_file(conn, f, fp, status, f"{problem.reason}: {problem.message}")
        _quarantine_entry(conn, f, file_id, problem)
    return Outcome(f, file_id, f"{status} ({problem.reason}: {problem.message})", {})


def _quarantine_entry(conn: psycopg.Connection, f: LandingFile, file_id: int, problem: FileRejected) -> None:
    db.run(conn, "ingest/quarantine_file", {
        "file_id": file_id, "source": f.source, "path": f.path, "reason": problem.reason, "message": problem.message,
    })


def _remove_stale_copies() -> None:
    """Copies left by a killed load (its process is gone); a live process's copies are its own."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_COPY_PREFIX}*-*"):
        pid = folder.name.removeprefix(_COPY_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class Outcome:
    """A file loaded or quarantined whole, as the main process accounts for it (also from a worker)."""

    file: LandingFile
    file_id: int
    status: str
    stats: dict[str, int]


def _settle(slot: Outcome | Future | int | None, counts: Counter[str]) -> int | None:
    """Count and report an outcome (waiting for a worker's); ids of unchanged files and None pass through."""
    if isinstance(slot, Future):
        slot = slot.result()
    if not isinstance(slot, Outcome):
        return slot
    if not slot.status.startswith("altered"):
        counts["files_loaded" if slot.status == "loaded" else "files_quarantined"] += 1
    counts.update(slot.stats)
    _report(slot.file, slot.status, slot.stats)
    return slot.file_id


# ---------------------------------------------------------------- worker processes for large files
def _is_large(f: LandingFile) -> bool:
    return f.problem is None and f.is_csv and f.real_path is not None and _size(f.real_path) >= _LARGE_BYTES


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class _Workers:
    """Large files of one delivery (register persons and coverage) loaded side by side, one worker process each.

    The per-row rules are Python, so one process converts ~120k persons or ~200k coverage rows/s (fast paths,
    binary COPY) whatever PostgreSQL could take. Each worker loads a file on its own connection in the file's own
    transaction, exactly as the main process would; the main process keeps the source lock, checks each file
    (seen, unchanged), takes the file ids in delivery order and accounts for the outcomes. Not for deliveries of
    many small files (rosters, welfare lists): starting the workers and handing files over cost more than they
    saved there (measured on 100k).
    """

    def __init__(self, conninfo: str):
        self.conninfo = conninfo
        self._chosen: set[str] = set()
        self._pool: ProcessPoolExecutor | None = None
        self._pending: dict[tuple[str, str, str], Future] = {}

    def choose(self, files: list[LandingFile]) -> None:
        """A delivery's large files go to workers when there are two or more (one alone gains nothing).

        Not from a daemonic process (some executors' pool workers are): it may not have children, so its
        files load one by one, as they would on one core.
        """
        large = [f.path for f in files if _is_large(f)]
        self._chosen = set(large) if len(large) >= 2 and not multiprocessing.current_process().daemon else set()

    def takes(self, f: LandingFile) -> bool:
        return f.path in self._chosen

    def submit(self, f: LandingFile, fp: Fingerprint, file_id: int, floor: Floor | None) -> Future:
        if self._pool is None:
            # spawn, not fork: the parent holds a connection and, inside Airflow, threads
            self._pool = ProcessPoolExecutor(
                max_workers=max(1, min(_MAX_WORKERS, os.cpu_count() or 1)),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init, initargs=(logging.getLogger().getEffectiveLevel(),),
            )
        future = self._pool.submit(_load_in_worker, self.conninfo, f, fp, file_id, floor)
        self._pending[(f.source, f.kind, f.file_key)] = future
        return future

    def wait_for_key(self, f: LandingFile) -> None:
        """A file replacing one still loading must see it in force, as it would one by one."""
        future = self._pending.pop((f.source, f.kind, f.file_key), None)
        if future is not None:
            wait([future])

    def shutdown(self) -> None:
        self._pending.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _worker_init(level: int) -> None:
    # progress lines of a long load go to stderr, which the task log captures like the parent's
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s [worker]: %(message)s")
    # a worker must not outlive a killed task: its half-loaded file would commit behind a retry's back
    die_with_parent()


def _load_in_worker(conninfo: str, f: LandingFile, fp: Fingerprint, file_id: int, floor: Floor | None) -> Outcome:
    with db.connect(conninfo, autocommit=True) as conn:
        return _load_file(conn, f, fp, file_id, floor)


def _fingerprint(f: LandingFile, copy: Path | None) -> Fingerprint:
    if f.real_path is None:
        return Fingerprint(hashlib.sha256(f"refused:{f.message}".encode()).hexdigest(), 0, None)
    try:
        return readers.fingerprint(f.real_path, f.is_csv, copy)
    except OSError as exc:
        return Fingerprint(hashlib.sha256(b"").hexdigest(), 0, None,
                           FileRejected("tep_hong", f"cannot be read: {exc.strerror or type(exc).__name__}"))


def _log_file(conn: psycopg.Connection, f: LandingFile, fp: Fingerprint, status: str, message: str | None,
              file_id: int | None = None) -> int:
    rows = db.fetch(conn, "ingest/log_file", {
        "file_id": file_id, "source": f.source, "path": f.path, "delivery_date": f.delivery_date, "kind": f.kind,
        "file_key": f.file_key, "sha256": fp.sha256, "size_bytes": fp.size, "status": status,
        "message": message, "encoding": fp.encoding,
    })
    return rows[0][0]


def _load_rows(conn: psycopg.Connection, f: LandingFile, fp: Fingerprint, file_id: int | None,
               floor: Floor | None) -> tuple[int, dict[str, int], FileRejected | None]:
    """Inside the file's transaction: log it, stream accepted rows into stg and the rest into quarantine.

    A file with data rows none of which is usable is kept with its rows' quarantine entries but quarantined
    as a file (returned as the third value), so it replaces nothing; a register snapshot file below its floor
    raises FileRejected (the file is refused whole and its rows are not kept).
    """
    layout = f.layout
    assert layout is not None and f.real_path is not None
    file_id = _log_file(conn, f, fp, "loaded", None, file_id)
    staged = None
    if layout.binary_copy and f.is_csv:
        try:
            with conn.transaction():  # a savepoint: the file starts over in text when a value does not fit
                staged = _stage_rows(conn, f, fp, file_id, binary=True)
        except _TextNeeded:
            pass
    if staged is None:
        staged = _stage_rows(conn, f, fp, file_id, binary=False)
    read, accepted, quarantined, warned, duplicates_possible, notes = staged
    moved = moved_warned = 0
    if duplicates_possible:
        moved, moved_warned = db.fetch(conn, "ingest/move_duplicates",
                                       {"file_id": file_id, "source": f.source, "path": f.path},
                                       identifiers={"table": layout.table})[0]
    for step in layout.after_load:
        step_moved, step_warned = db.fetch(conn, step, {"file_id": file_id, "source": f.source, "path": f.path,
                                                        "delivery_date": f.delivery_date})[0]
        moved, moved_warned = moved + step_moved, moved_warned + step_warned
    accepted, quarantined, warned = accepted - moved, quarantined + moved, warned - moved_warned
    if read != accepted + quarantined:
        raise ConservationError(f"{f.path}: read {read} != accepted {accepted} + quarantined {quarantined}")
    stats = {"rows_read": read, "rows_accepted": accepted, "rows_quarantined": quarantined, "rows_warned": warned}
    message = "; ".join([*notes, *([] if read or accepted else ["no data rows"])]) or None
    db.run(conn, "ingest/finish_file", {"file_id": file_id, "message": message, **stats})
    if read and not accepted:
        refused = FileRejected("khong_co_dong_hop_le", f"all {read} data rows quarantined; the file replaces nothing")
        db.run(conn, "ingest/refuse_loaded_file", {"file_id": file_id, "reason": refused.reason,
                                                   "message": refused.message})
        _quarantine_entry(conn, f, file_id, refused)
        return file_id, stats, refused
    if floor is not None and accepted < floor.rows:
        raise FileRejected("ban_chup_thu_hep", f"{accepted} rows accepted against {floor.previous_rows} in the"
                           f" snapshot in force, below the threshold ty_le_toi_thieu_ban_chup = {floor.share:g};"
                           " this register delivery is not used, the snapshot in force stays")
    return file_id, stats, None


class _TextNeeded(Exception):
    """A value a binary COPY would not store as the text COPY does (an integer beyond its column's range: the
    text COPY fails on it, as it always did, where binary would wrap it)."""


_INT_RANGES = {21: (-(1 << 15), (1 << 15) - 1), 23: (-(1 << 31), (1 << 31) - 1), 20: (-(1 << 63), (1 << 63) - 1)}


def _stage_rows(conn: psycopg.Connection, f: LandingFile, fp: Fingerprint, file_id: int,
                binary: bool) -> tuple[int, int, int, int, bool, list[str]]:
    """COPY the file's accepted rows into stg and its rejected rows into quarantine.

    Returns rows read, accepted, quarantined, warned, whether the duplicates statement must run, and the reader's
    notes on the file (sheets not read). A CSV row the layout's fast path takes is converted without a Verdict;
    every other row gets the full rules. Binary COPY (register files) spares the text formatting and parsing of
    every value.
    """
    layout = f.layout
    assert layout is not None and f.real_path is not None
    # a CSV's last record is kept to tell a file cut mid-record (_cut_short); workbooks are checked whole
    records = _Last(readers.csv_records(f.real_path, fp.encoding or "utf-8-sig")) if f.is_csv else None
    tbl = (readers.table(records, layout) if records is not None
           else readers.open_table(f.real_path, fp.encoding, layout, is_csv=False))
    ctx = {**f.context, "ngay_giao": f.delivery_date.isoformat()}  # births after the delivery are impossible
    columns = [*layout.stg_columns, "canh_bao", "hang_bam", "file_id", "dong"]
    copy_stg = sql.SQL("COPY stg.{} ({}) FROM STDIN{}").format(
        sql.Identifier(layout.table), sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(" (FORMAT BINARY)" if binary else ""),
    )
    fields = _Fields(tbl.positions)
    stg_columns = layout.stg_columns
    fast, pick, width = _fast_path(layout, tbl.positions) if f.is_csv else (None, None, 0)
    types: list[int] = []
    ranges: list[tuple[int, int, int]] = []   # (index, least, greatest) of the integer staging columns
    if binary:
        types = [row[0] for row in db.fetch(conn, "ingest/copy_types", {"table": f"stg.{layout.table}",
                                                                        "columns": columns})]
        ranges = [(i, *_INT_RANGES[oid]) for i, oid in enumerate(types[:len(stg_columns)]) if oid in _INT_RANGES]
    no_warnings: list[str] | str = [] if binary else "{}"  # the text form of an empty array is cheaper than a list
    read = accepted = warned = skipped = 0
    skip = layout.skip
    # the first 8 bytes of every staged row's digest (8 bytes a row): a file where none repeats has no exact
    # duplicate and skips the duplicates statement (a sort of the whole file in PostgreSQL)
    prefixes = bytearray()
    started = time.perf_counter()
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES, mode="w+", encoding="utf-8") as spool:
        with conn.cursor() as cur, cur.copy(copy_stg) as copy:
            if binary:
                copy.set_types(types)
            for number, cells in tbl.rows:
                if skip is not None and skip(fields(cells)):
                    skipped += 1
                    continue
                read += 1
                if read % _PROGRESS_EVERY == 0:  # a 40-minute load shows it is alive, with its rate
                    seconds = time.perf_counter() - started
                    log.info("ingest %s %r: %d rows read in %.0fs (%.0f rows/s)",
                             f.source, f.path, read, seconds, read / seconds)
                values = fast(pick(cells), ctx) if fast is not None and len(cells) >= width else None
                if values is not None:
                    row = list(values)
                    warnings = no_warnings
                else:
                    verdict = layout.convert(fields(cells), ctx)
                    if verdict.reasons:
                        spool.write(json.dumps([number, verdict.reasons, readers.raw_cells(tbl.header, cells)],
                                               ensure_ascii=False) + "\n")
                        continue
                    if verdict.warnings:
                        warnings = list(dict.fromkeys(verdict.warnings))
                        warned += 1
                    else:
                        warnings = no_warnings
                    row = list(map(verdict.values.get, stg_columns))
                    for index, least, greatest in ranges:
                        if row[index] is not None and not least <= row[index] <= greatest:
                            raise _TextNeeded
                digest = readers.row_hash(cells)
                prefixes += digest[:8]
                row += (warnings, digest, file_id, number)
                copy.write_row(row)
                accepted += 1
        if f.is_csv and (cut := _cut_short(layout, tbl, records.last, fp.tail)):
            raise FileRejected("tep_hong", cut)
        quarantined = _copy_quarantine(conn, f, file_id, spool)
    notes = tbl.notes
    if skipped:
        notes = [*notes, f"{skipped} rows with neither Kết quả nor Ngày filled in (not visited) are no result;"
                         " not read"]
    return read, accepted, quarantined, warned, _may_repeat(prefixes), notes


class _Last:
    """An iterator of records that remembers the last one it gave."""

    def __init__(self, records: Iterator[tuple[int, list[Any]]]):
        self._records = records
        self.last: tuple[int, list[Any]] | None = None

    def __iter__(self) -> _Last:
        return self

    def __next__(self) -> tuple[int, list[Any]]:
        self.last = next(self._records)
        return self.last


def _cut_short(layout: Layout, tbl: readers.Table, last: tuple[int, list[Any]] | None, tail: bytes) -> str | None:
    """Why a CSV looks cut mid-record, or None: it ends inside a quoted field, or without a final newline
    after a last record (a data row, in titled layouts) with fewer fields than the header."""
    if last is None:
        return None
    number, cells = last
    ends_with_newline = tail.endswith((b"\n", b"\r"))
    final = cells[-1] if cells and isinstance(cells[-1], str) else ""
    if ends_with_newline:
        # the file's last line break is inside the last cell: a quoted field still open at the end of the file
        if final.endswith(("\n", "\r")) and not tail.rstrip(b"\r\n").endswith(b'"'):
            return f"cut mid-record: record {number} ends inside a quoted field at the end of the file"
        return None
    if tail.rsplit(b"\n", 1)[-1].count(b'"') % 2:
        return f"cut mid-record: record {number} ends inside a quoted field, without a final newline"
    if len(cells) < len(tbl.header) and (not layout.titled or readers.is_data_row(cells, tbl.positions)):
        return (f"cut mid-record: the last record ({number}) has {len(cells)} of {len(tbl.header)} fields"
                " and no final newline")
    return None


def _may_repeat(prefixes: bytearray) -> bool:
    """Whether two of the 8-byte digest prefixes are equal. Equal digests have equal prefixes, so False proves
    the file has no exact duplicate; a chance equality of prefixes only runs the exact statement."""
    if len(prefixes) <= 8 * 1000:  # most roster and welfare files: no numpy needed
        return len({bytes(prefixes[i:i + 8]) for i in range(0, len(prefixes), 8)}) < len(prefixes) // 8
    import numpy as np  # with pandas anyway; imported here, not where DAG files are parsed

    keys = np.sort(np.frombuffer(prefixes, dtype=np.uint64))
    return bool((keys[1:] == keys[:-1]).any())


def _fast_path(layout: Layout, positions: dict[str, int]) -> tuple[FastPath | None, Callable | None, int]:
    """The layout's fast path with the picker of its cells, when the header has every column it reads."""
    if layout.fast is None or any(c.name not in positions for c in layout.columns) or len(layout.columns) < 2:
        return None, None, 0
    indices = [positions[c.name] for c in layout.columns]
    return layout.fast, operator.itemgetter(*indices), max(indices) + 1


class _Fields:
    """A row's cells by field name (None past the row's end)."""

    def __init__(self, positions: dict[str, int]):
        self.names = tuple(positions)
        self.indices = tuple(positions.values())
        self.width = max(self.indices, default=-1) + 1
        # one C call picks every field of a full-width row (every CSV row but a short one)
        self.pick = operator.itemgetter(*self.indices) if len(self.indices) >= 2 else None

    def __call__(self, cells: list[Any]) -> dict[str, Any]:
        if self.pick is not None and len(cells) >= self.width:
            return dict(zip(self.names, self.pick(cells), strict=True))
        width = len(cells)
        return {name: cells[index] if index < width else None for name, index in zip(self.names, self.indices, strict=True)}


def _copy_quarantine(conn: psycopg.Connection, f: LandingFile, file_id: int, spool) -> int:
    if not spool.tell():
        return 0  # nothing quarantined: spare the round trip (most of hundreds of small roster files)
    spool.seek(0)
    n = 0
    with conn.cursor() as cur, cur.copy(
        "COPY ops.quarantine (file_id, source, path, row_number, reasons, raw) FROM STDIN"
    ) as copy:
        for line in spool:
            number, reasons, raw = json.loads(line)
            copy.write_row([file_id, f.source, f.path, number, reasons, json.dumps(raw, ensure_ascii=False)])
            n += 1
    return n


def _report(f: LandingFile, outcome: str, stats: dict[str, int]) -> None:
    # file paths are codes (dates, ma_truong, ma_xa, labels), never personal data; %r keeps odd names on one line
    log.info(
        "ingest %s %r: %s read=%d accepted=%d quarantined=%d warned=%d",
        f.source, f.path, outcome, stats.get("rows_read", 0), stats.get("rows_accepted", 0),
        stats.get("rows_quarantined", 0), stats.get("rows_warned", 0),
    )
