"""Load ready deliveries into staging: one transaction per file, every data row accepted or quarantined."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from tiemnang import db
from tiemnang.sources import discovery, readers
from tiemnang.sources.discovery import LandingFile
from tiemnang.sources.readers import FileRejected, Fingerprint

log = logging.getLogger(__name__)

_SPOOL_BYTES = 8 << 20
_PROGRESS_EVERY = 250_000


class ConservationError(AssertionError):
    """rows_read != rows_accepted + rows_quarantined: a bug, never a data problem."""


def ingest(conninfo: str, source: str, landing_root: Path, as_of: dt.date) -> dict[str, Any]:
    """Load every ready delivery of `source` dated ≤ as_of not yet logged; returns counts only."""
    if source not in discovery.SOURCES:
        raise ValueError(f"unknown source {source!r}; expected one of {discovery.SOURCES}")
    root = Path(landing_root).resolve()
    counts: Counter[str] = Counter()
    file_ids: list[int] = []
    with db.connect(conninfo, autocommit=True) as conn:
        db.fetch(conn, "ingest/lock_source", {"source": source})
        try:
            for date, folder in discovery.deliveries(root, source, as_of):
                counts["deliveries"] += 1
                for landing_file in discovery.delivery_files(root, source, date, folder):
                    file_id = _ingest_file(conn, landing_file, counts)
                    if file_id is not None:
                        file_ids.append(file_id)
        finally:
            db.fetch(conn, "ingest/unlock_source", {"source": source})
    result: dict[str, Any] = {
        key: counts[key]
        for key in (
            "deliveries", "files_seen", "files_already_done", "files_loaded", "files_unchanged",
            "files_quarantined", "rows_read", "rows_accepted", "rows_quarantined", "rows_warned",
        )
    }
    result["file_ids"] = file_ids
    log.info("ingest %s as of %s: %s", source, as_of, {k: v for k, v in result.items() if k != "file_ids"})
    return result


def _ingest_file(conn: psycopg.Connection, f: LandingFile, counts: Counter[str]) -> int | None:
    counts["files_seen"] += 1
    fp = _fingerprint(f)
    if db.fetch(conn, "ingest/file_seen", {"path": f.path, "sha256": fp.sha256}):
        counts["files_already_done"] += 1
        return None
    problem = FileRejected(f.problem, f.message or f.problem) if f.problem else fp.problem
    if problem is None:
        in_force = db.fetch(conn, "ingest/file_in_force", {
            "source": f.source, "kind": f.kind, "file_key": f.file_key, "delivery_date": f.delivery_date,
        })
        if in_force and in_force[0][0] == fp.sha256:
            with conn.transaction():
                file_id = _log_file(conn, f, fp, "unchanged", "identical to the file in force; nothing loaded")
            counts["files_unchanged"] += 1
            _report(f, "unchanged", {})
            return file_id
        try:
            with conn.transaction():
                file_id, stats = _load_rows(conn, f, fp)
        except FileRejected as exc:
            problem = exc
        else:
            counts["files_loaded"] += 1
            counts.update(stats)
            _report(f, "loaded", stats)
            return file_id
    with conn.transaction():
        file_id = _log_file(conn, f, fp, "quarantined", f"{problem.reason}: {problem.message}")
        db.run(conn, "ingest/quarantine_file", {
            "file_id": file_id, "source": f.source, "path": f.path,
            "reason": problem.reason, "message": problem.message,
        })
    counts["files_quarantined"] += 1
    _report(f, f"quarantined ({problem.reason}: {problem.message})", {})
    return file_id


def _fingerprint(f: LandingFile) -> Fingerprint:
    if f.real_path is None:
        return Fingerprint(hashlib.sha256(f"refused:{f.message}".encode()).hexdigest(), 0, None)
    try:
        return readers.fingerprint(f.real_path, f.is_csv)
    except OSError as exc:
        return Fingerprint(hashlib.sha256(b"").hexdigest(), 0, None,
                           FileRejected("tep_hong", f"cannot be read: {exc.strerror or type(exc).__name__}"))


def _log_file(conn: psycopg.Connection, f: LandingFile, fp: Fingerprint, status: str, message: str | None) -> int:
    rows = db.fetch(conn, "ingest/log_file", {
        "source": f.source, "path": f.path, "delivery_date": f.delivery_date, "kind": f.kind,
        "file_key": f.file_key, "sha256": fp.sha256, "size_bytes": fp.size, "status": status,
        "message": message, "encoding": fp.encoding,
    })
    return rows[0][0]


def _load_rows(conn: psycopg.Connection, f: LandingFile, fp: Fingerprint) -> tuple[int, dict[str, int]]:
    """Inside the file's transaction: log it, stream accepted rows into stg and the rest into quarantine."""
    layout = f.layout
    assert layout is not None and f.real_path is not None
    file_id = _log_file(conn, f, fp, "loaded", None)
    records = readers.csv_records(f.real_path, fp.encoding) if f.is_csv else readers.xlsx_records(f.real_path)
    tbl = readers.table(records, layout)
    columns = [*layout.stg_columns, "canh_bao", "hang_bam", "file_id", "dong"]
    copy_stg = sql.SQL("COPY stg.{} ({}) FROM STDIN").format(
        sql.Identifier(layout.table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    read = accepted = warned = 0
    started = time.perf_counter()
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES, mode="w+", encoding="utf-8") as spool:
        with conn.cursor() as cur, cur.copy(copy_stg) as copy:
            for number, cells in tbl.rows:
                read += 1
                if read % _PROGRESS_EVERY == 0:  # a 40-minute load shows it is alive, with its rate
                    seconds = time.perf_counter() - started
                    log.info("ingest %s %r: %d rows read in %.0fs (%.0f rows/s)",
                             f.source, f.path, read, seconds, read / seconds)
                verdict = layout.convert(_fields(cells, tbl.positions), f.context)
                if verdict.reasons:
                    spool.write(json.dumps([number, verdict.reasons, readers.raw_cells(tbl.header, cells)],
                                           ensure_ascii=False) + "\n")
                    continue
                warnings = list(dict.fromkeys(verdict.warnings))
                values = verdict.values
                copy.write_row([*(values.get(c) for c in layout.stg_columns), warnings,
                                readers.row_hash(cells), file_id, number])
                accepted += 1
                warned += bool(warnings)
        quarantined = _copy_quarantine(conn, f, file_id, spool)
    moved, moved_warned = db.fetch(conn, "ingest/move_duplicates",
                                   {"file_id": file_id, "source": f.source, "path": f.path},
                                   identifiers={"table": layout.table})[0]
    accepted, quarantined, warned = accepted - moved, quarantined + moved, warned - moved_warned
    if read != accepted + quarantined:
        raise ConservationError(f"{f.path}: read {read} != accepted {accepted} + quarantined {quarantined}")
    stats = {"rows_read": read, "rows_accepted": accepted, "rows_quarantined": quarantined, "rows_warned": warned}
    message = None if read or accepted else "no data rows"
    db.run(conn, "ingest/finish_file", {"file_id": file_id, "message": message, **stats})
    return file_id, stats


def _fields(cells: list[Any], positions: dict[str, int]) -> dict[str, Any]:
    width = len(cells)
    return {name: cells[index] if index < width else None for name, index in positions.items()}


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
