"""Build the lists of one D (lists.tiem_nang, don_vi_tiem_nang, den_han_dong, the_trung, don_vi_no_dong,
loai_tru, the agents of tiem_nang and den_han_dong) and ops.unplaced."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date

import psycopg

from tiemnang import db

log = logging.getLogger(__name__)

# Work tables first (register persons, coverage, field results), then one file per source of leads, then the
# lists; the assignment last (it reads both lists and theo_doi, the follow-up of last week's persons).
STEPS = (
    "lists/work_register",
    "lists/work_coverage",
    "lists/work_results",
    "lists/leads_wage_earners",
    "lists/leads_household_businesses",
    "lists/leads_welfare",
    "lists/leads_students",
    "lists/leads_register",
    "lists/leads_xa_atk",
    "lists/tiem_nang",
    "lists/don_vi_tiem_nang",
    "lists/den_han_dong",
    "lists/the_trung",
    "lists/don_vi_no_dong",
    "lists/theo_doi",
    "lists/phan_cong",
)


def build_lists(conn: psycopg.Connection, as_of: date, *, commit: bool = True) -> dict[str, object]:
    """Replace the lists of reference date `as_of` (delete-then-insert by D); returns their counts."""
    params = {"d": as_of}
    if not conn.execute("SELECT 1 FROM mt.build WHERE ngay_tham_chieu = %s", (as_of,)).fetchone():
        log.warning("no matching recorded in mt.build for %s; building from the mt.* tables as they are", as_of)
    with conn.cursor() as cur:
        # For this transaction only: the work tables' hashes and sorts fit in memory, and JIT compiling
        # (triggered by the planner's cost estimates on million-row joins) costs more than it saves here.
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SET LOCAL jit = off")
    for step in STEPS:
        db.run(conn, step, params)
    counts = _counts(conn, as_of)
    files = files_in_force(conn, as_of)
    db.run(conn, "build/record_build", {"d": as_of, "counts": json.dumps(counts)}, {"schema": "lists"})
    db.run(conn, "build/record_provenance",
           {"d": as_of, "files": files.file_ids, "sources": json.dumps(files.by_source())})
    if commit:
        conn.commit()
    log.info("lists for %s: %s", as_of, counts)
    return counts


@dataclass(frozen=True)
class FilesInForce:
    """The files a build for D reads: (source, kind, file_id, delivery_date, rows_accepted) rows by file_id."""

    rows: list[tuple]

    @property
    def file_ids(self) -> list[int]:
        return [row[2] for row in self.rows]

    def by_source(self) -> dict[str, dict]:
        """Per source: files read, the latest delivery date among them, rows accepted by kind."""
        out: dict[str, dict] = {}
        for source, kind, _file_id, delivered, accepted in self.rows:
            entry = out.setdefault(source, {"files": 0, "latest_delivery": None, "rows": {}})
            entry["files"] += 1
            entry["latest_delivery"] = max(entry["latest_delivery"] or delivered.isoformat(), delivered.isoformat())
            entry["rows"][kind] = entry["rows"].get(kind, 0) + accepted
        return out


def files_in_force(conn: psycopg.Connection, as_of: date) -> FilesInForce:
    """What a build for `as_of` reads, as recorded in lists.build.tep_dung (stale when it differs)."""
    return FilesInForce(db.fetch(conn, "build/files_in_force", {"d": as_of}))


def _counts(conn: psycopg.Connection, as_of: date) -> dict[str, object]:
    rows = db.fetch(conn, "lists/counts", {"d": as_of})
    counts: dict[str, object] = {"tiem_nang_theo_nhom": {}}
    for name, key, value in rows:
        if name == "nhom":
            counts["tiem_nang_theo_nhom"][key] = value
        else:
            counts[name] = value
    return counts
