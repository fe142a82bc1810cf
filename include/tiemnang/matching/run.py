"""The matching run: named SQL steps under sql/matching/, each building one mt.w_* table, then the hand-off."""

from __future__ import annotations

import json
import logging
import time
from datetime import date

import psycopg

from tiemnang import db

log = logging.getLogger(__name__)

# Only one matching run at a time: the mt tables hold one reference date.
_LOCK = 7_414_004
# Candidate-link weight (log2 odds) above which a link may place a record; see docs/matching.md.
THRESHOLD = 4.0
# Blocking keys shared by more entities than this are too common to tell people apart.
MAX_BLOCK = 500
_MAX_ROUNDS = 20


def _step(conn: psycopg.Connection, name: str, timings: dict[str, float], **params) -> int:
    started = time.perf_counter()
    rows = db.run(conn, f"matching/{name}", params)
    timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - started, 2)
    return rows


def run_matching(conn: psycopg.Connection, as_of: date, *, threshold: float = THRESHOLD,
                 max_block: int = MAX_BLOCK, commit: bool = True) -> dict:
    """Fill mt.record, mt.record_person and mt.person for reference date D; commits; returns counts."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        cur.execute("SET LOCAL work_mem = '256MB'")
    _step(conn, "01_records", timings, as_of=as_of)
    _step(conn, "02_entities", timings)
    _step(conn, "03_id_keys", timings)
    for _ in range(_MAX_ROUNDS):
        if _step(conn, "04_id_components", timings) == 0:
            break
    _step(conn, "04_id_components_done", timings)
    _step(conn, "05_blocking", timings, max_block=max_block)
    _step(conn, "06_scores", timings, threshold=threshold)
    _step(conn, "07_clusters", timings)
    moves = 0
    rnd = 0
    for phase in (1, 2):
        for _ in range(_MAX_ROUNDS):
            rnd += 1
            _step(conn, "08_cluster_state", timings, round=rnd)
            _step(conn, "09_proposals", timings, phase=phase)
            moved = _step(conn, "10_attach", timings, round=rnd)
            moves += moved
            if moved == 0:
                break
    _step(conn, "11_output", timings)
    counts = dict(zip(
        ("records", "entities", "persons", "register_persons", "candidate_pairs", "links_above_threshold",
         "id_conflicts"),
        _counts(conn), strict=True,
    ))
    counts["components_moved"] = moves
    with conn.cursor() as cur:
        cur.execute("SELECT quy_tac, count(*) FROM mt.record_person GROUP BY quy_tac ORDER BY quy_tac")
        counts["by_rule"] = dict(cur.fetchall())
    counts["seconds"] = round(time.perf_counter() - started, 1)
    counts["step_seconds"] = timings
    db.run(conn, "build/record_build", {"d": as_of, "counts": json.dumps(counts)}, {"schema": "mt"})
    if commit:
        conn.commit()
    log.info("matching %s: %d records -> %d persons (%d register persons) in %.1fs", as_of,
             counts["records"], counts["persons"], counts["register_persons"], counts["seconds"])
    return counts


def _counts(conn: psycopg.Connection) -> tuple[int, ...]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT (SELECT count(*) FROM mt.record), (SELECT count(*) FROM mt.w_ent),"
            " (SELECT count(*) FROM mt.person), (SELECT count(*) FROM mt.person WHERE id_nguoi IS NOT NULL),"
            " (SELECT count(*) FROM mt.w_pair), (SELECT count(*) FROM mt.w_cedge) / 2,"
            " (SELECT count(*) FROM mt.w_id_mau_thuan)"
        )
        return cur.fetchone()
