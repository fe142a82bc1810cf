"""Matching quality against a truth mapping (record → true person): pairwise and cluster precision/recall."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import psycopg

from tiemnang import db


def read_truth(path: Path) -> list[tuple[str, int, str]]:
    """(path, dong, person_uid) of the accepted rows of a generator's truth/records.csv."""
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            expected = (row.get("expected") or row.get("ket_qua") or "accepted").strip().lower()
            if expected.startswith("quarantin"):
                continue
            out.append((row["path"], int(row["dong"]), row["person_uid"]))
    return out


def evaluate(conn: psycopg.Connection, truth: Iterable[tuple[str, int, str]] | Path) -> dict:
    """Compare mt.record_person with the truth: (file path, row number, true person id) per record.

    Pairwise: a pair of records is a true link when both belong to one true person. Cluster: a predicted
    person is right when its records are exactly one true person's. Only records present on both sides count.
    `joined_clusters` counts predicted persons holding records of more than one true person; `by_source_pair`
    gives the pairwise figures per pair of sources (`register-schools`, `schools-welfare`, …).
    """
    rows = read_truth(truth) if isinstance(truth, Path) else list(truth)
    with conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS matching_truth (path text, dong bigint, uid text)")
        cur.execute("TRUNCATE matching_truth")
        with cur.copy("COPY matching_truth (path, dong, uid) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute("ANALYZE matching_truth")
    db.run(conn, "matching/evaluate_cells")
    result = db.fetch(conn, "matching/evaluate")[0]
    names = ("records", "unmatched_truth", "true_pairs", "predicted_pairs", "correct_pairs",
             "true_persons", "predicted_persons", "exact_true_persons", "exact_predicted_persons",
             "joined_clusters")
    out = dict(zip(names, (int(v) for v in result), strict=True))
    out["pairwise_precision"] = _ratio(out["correct_pairs"], out["predicted_pairs"])
    out["pairwise_recall"] = _ratio(out["correct_pairs"], out["true_pairs"])
    out["cluster_precision"] = _ratio(out["exact_predicted_persons"], out["predicted_persons"])
    out["cluster_recall"] = _ratio(out["exact_true_persons"], out["true_persons"])
    out["by_source_pair"] = {
        f"{s}-{t}": {"true_pairs": tp, "predicted_pairs": pp, "correct_pairs": cp,
                     "pairwise_precision": _ratio(cp, pp), "pairwise_recall": _ratio(cp, tp)}
        for s, t, tp, pp, cp in db.fetch(conn, "matching/evaluate_pairs")
    }
    return out


def _ratio(a: int, b: int) -> float:
    return round(a / b, 5) if b else 1.0

