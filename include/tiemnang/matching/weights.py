"""Matching weights learnt from the data, per source pair (issue #19; docs/matching.md, "Learnt weights").

Records that share a trusted so_ddcn or ma_so_bhxh are one person for free: their comparison levels give
the m-probabilities; random pairs of records give the u-probabilities. The levels are the ones 06_scores
computes (the same SQL runs on the labelled pairs), so a learnt weight and a hand-set one speak of the same
thing. The result goes to mt.trong_so_hoc with the reference date of the data; 06_scores does not read it
yet (the hand-set weights stay in force until the learnt ones are shown not to cost precision).
"""

from __future__ import annotations

import logging
import math
from datetime import date

import psycopg

from tiemnang import db

log = logging.getLogger(__name__)

SMOOTHING = 0.5  # added to every level's count (m and u), so an unseen level has a finite weight
SAMPLE = 400  # random entities per source for the u-pairs
CAP = 20_000  # labelled pairs per source pair at most


def estimate_weights(conn: psycopg.Connection, as_of: date, *, sample: int = SAMPLE, cap: int = CAP) -> int:
    """Estimate m, u and w per source pair and level from the records in force on D; returns rows stored.

    The work tables are built inside a savepoint that is rolled back, so the last matching run's hand-off
    tables and mt.w_* are left as they were; only mt.trong_so_hoc changes (replaced whole). Commit is the
    caller's.
    """
    from tiemnang.matching.run import _LOCK

    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
    with conn.transaction(force_rollback=True):
        db.run(conn, "matching/01_records", {"as_of": as_of})
        db.run(conn, "matching/02_entities")
        db.run(conn, "matching/03_id_keys")  # IDs shared by clearly different persons are not trusted
        db.run(conn, "matching/learn_pairs", {"sample": sample, "cap": cap})
        db.run(conn, "matching/06_scores", {"threshold": 1e9})  # no link is needed
        counts = db.fetch(conn, "matching/learn_counts")
    rows = weights_from_counts(counts)
    with conn.cursor() as cur:
        cur.execute("DELETE FROM mt.trong_so_hoc")
        cur.executemany(
            "INSERT INTO mt.trong_so_hoc (cap_nguon, truong, muc, m, u, w, so_cap_m, so_cap_u, ngay_du_lieu)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", [(*r, as_of) for r in rows])
    log.info("learnt weights: %d levels over %d source pairs", len(rows), len({r[0] for r in rows}))
    return len(rows)


def weights_from_counts(counts: list[tuple[str, str, str, int, int]]) -> list[tuple]:
    """(cap_nguon, truong, muc, m, u, w, n_m, n_u) from pair counts per level, smoothed; a comparison of a
    source pair with no labelled pair or no random pair at all gives nothing (nothing to learn from)."""
    totals: dict[tuple[str, str], list[int]] = {}
    levels: dict[tuple[str, str], int] = {}
    for cap, truong, _, n_m, n_u in counts:
        t = totals.setdefault((cap, truong), [0, 0])
        t[0] += n_m
        t[1] += n_u
        levels[(cap, truong)] = levels.get((cap, truong), 0) + 1
    out = []
    for cap, truong, muc, n_m, n_u in counts:
        tm, tu = totals[(cap, truong)]
        if not tm or not tu:
            continue
        k = levels[(cap, truong)]
        m = (n_m + SMOOTHING) / (tm + SMOOTHING * k)
        u = (n_u + SMOOTHING) / (tu + SMOOTHING * k)
        out.append((cap, truong, muc, m, u, round(math.log2(m / u), 2), tm, tu))
    return out
