"""Matching quality against a truth mapping (record → true person): pairwise and cluster precision/recall."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import psycopg
from psycopg import sql

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
             "true_persons", "predicted_persons", "exact_true_persons", "exact_predicted_persons")
    out = dict(zip(names, (int(v) for v in result), strict=True))
    out["pairwise_precision"] = _ratio(out["correct_pairs"], out["predicted_pairs"])
    out["pairwise_recall"] = _ratio(out["correct_pairs"], out["true_pairs"])
    out["cluster_precision"] = _ratio(out["exact_predicted_persons"], out["predicted_persons"])
    out["cluster_recall"] = _ratio(out["exact_true_persons"], out["true_persons"])
    return out


def _ratio(a: int, b: int) -> float:
    return round(a / b, 5) if b else 1.0


def main(args) -> int:
    """`tiemnang eval`: generate a world, ingest it as of its last Friday, match, score against the truth.

    The Splink peer runs on the same records when `splink` is installed (`pip install '.[peer]'`).
    """
    import json
    import logging
    import subprocess
    import sys
    import time
    from datetime import date

    from tiemnang import config, localpg, warehouse
    from tiemnang.generate import generate
    from tiemnang.matching.run import run_matching
    from tiemnang.sources import ingest

    log = logging.getLogger(__name__)
    localpg.ensure_running()
    d = date(2026, 11, 20)
    world = config.local_dir() / "eval" / f"{args.persons}-{args.seed}"
    if not (world / "truth" / "records.csv").exists():
        generate(out=world, persons=args.persons, seed=args.seed, truth_lists=False)
    name = f"tiemnang_eval_{args.persons}"
    locale = getattr(args, "locale", None)
    # another locale than the cluster's: a warehouse as another DBA would create it (issue #22)
    options = (sql.SQL(" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE {l} LC_CTYPE {l}").format(l=sql.Literal(locale))
               if locale else sql.SQL(""))
    with psycopg.connect(config.local_conninfo("postgres", user="postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(name), sql.Identifier(config.LOCAL_PG_USER)) + options)
    conninfo = config.local_conninfo(name)
    warehouse.prepare_database(conninfo)
    for source in ("register", "tax", "schools", "welfare"):
        ingest(conninfo, source, world / "landing", d)
    with db.connect(conninfo) as conn:
        started = time.perf_counter()
        counts = run_matching(conn, d)
        seconds = round(time.perf_counter() - started, 1)
        quality = evaluate(conn, world / "truth" / "records.csv")
        conn.commit()
    result = {"persons": args.persons, "seed": args.seed, "locale": locale or "cluster default",
              "as_of": d.isoformat(), "matching_seconds": seconds,
              "records": counts.get("records"), "tiemnang": quality}
    try:
        import splink  # noqa: F401
    except ImportError:
        result["splink"] = "not installed: pip install '.[peer]' to compare"
    else:
        truth_csv = world / "truth" / "records.csv"
        peer = subprocess.run([sys.executable, "-m", "tiemnang.matching.splink_peer", "--db", conninfo,
                               "--truth", str(truth_csv)], capture_output=True, text=True)
        result["splink"] = json.loads(peer.stdout) if peer.returncode == 0 else f"failed: {peer.stderr[-500:]}"
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    q = quality
    log.info("eval written to %s", out)
    print(f"matching N={args.persons:,}: {seconds}s; pairwise precision {q['pairwise_precision']}, recall "
          f"{q['pairwise_recall']}; cluster precision {q['cluster_precision']}, recall {q['cluster_recall']}"
          + (f"; splink {result['splink']}" if not isinstance(result["splink"], str) else f"; {result['splink']}"))
    return 0
