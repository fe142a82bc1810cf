"""The `tiemnang eval` command: matching precision and recall per noise profile and source pair, beside Splink."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg

log = logging.getLogger(__name__)
AS_OF = date(2026, 11, 20)


def main(args) -> int:
    """`tiemnang eval`: for each profile, generate a world, ingest it as of its last Friday, match, score.

    The Splink peer runs on the same records when `splink` is importable, by this interpreter or by the one
    `TIEMNANG_SPLINK_PYTHON` names (a separate virtualenv with `pip install -e '.[peer]'`).
    """
    from tiemnang import localpg
    from tiemnang_tools.generate import profiles

    localpg.ensure_running()
    names = list(profiles.PROFILES) if args.profile == ["all"] else args.profile
    for name in names:
        profiles.get(name)  # unknown names fail before any work
    results = {}
    for name in names:
        results[name] = evaluate_profile(args.persons, args.seed, name, getattr(args, "locale", None))
        _print(name, results[name])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    body = {"persons": args.persons, "seed": args.seed, "locale": getattr(args, "locale", None) or "cluster default",
            "as_of": AS_OF.isoformat(), "profiles": results}
    out.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    log.info("eval written to %s", out)
    return 0


def evaluate_profile(persons: int, seed: int, profile: str, locale: str | None = None) -> dict:
    """One profile's world, matched on a warehouse of its own (`locale`: created as another DBA would, #22)."""
    from tiemnang import config, db, localpg, warehouse
    from tiemnang.matching import evaluate, run_matching
    from tiemnang.matching.weights import estimate_weights
    from tiemnang.sources import ingest, registry
    from tiemnang_tools.generate import generate, profiles

    world = config.local_dir() / "eval" / f"{persons}-{seed}-{profile}"
    if not (world / "truth" / "records.csv").exists():
        generate(out=world, persons=persons, seed=seed, truth_lists=False, profile=profile)
    name = f"tiemnang_eval_{persons}"
    conninfo = localpg.create_database(name, locale=locale)
    warehouse.prepare_database(conninfo)
    for source in registry.NAMES:
        ingest(conninfo, source, world / "landing", AS_OF)
    truth_csv = world / "truth" / "records.csv"
    with db.connect(conninfo) as conn:
        started = time.perf_counter()
        counts = run_matching(conn, AS_OF)
        seconds = round(time.perf_counter() - started, 1)
        quality = evaluate(conn, truth_csv)
        checks = quarantine_vs_truth(conn, truth_csv)
        conn.commit()
        started = time.perf_counter()
        estimate_weights(conn, AS_OF)
        learnt = {"seconds": round(time.perf_counter() - started, 1), "w": {}}
        for cap, truong, muc, w, n_m in conn.execute(
                "SELECT cap_nguon, truong, muc, w, so_cap_m FROM mt.trong_so_hoc ORDER BY 1, 2, 3"):
            learnt["w"].setdefault(cap, {"labelled_pairs": n_m}).setdefault(truong, {})[muc] = w
        conn.commit()
    result = {"knobs": profiles.get(profile).knobs(), "matching_seconds": seconds, "records": counts.get("records"),
              "truth_check": checks, "tiemnang": quality, "splink": splink(conninfo, truth_csv),
              "learnt_weights": learnt}
    return result


def quarantine_vs_truth(conn: psycopg.Connection, truth_csv: Path) -> dict:
    """Rows of the loaded files whose fate (accepted / quarantined) differs from what the truth says.

    Both counts are 0 when the generator's truth is right about the rows it mangled.
    """
    import csv

    loaded = {p for (p,) in conn.execute("SELECT path FROM ops.file_log WHERE status = 'loaded'")}
    quarantined = {(p, int(n)) for p, n in conn.execute(
        "SELECT path, row_number FROM ops.quarantine WHERE row_number IS NOT NULL")}
    expected = set()
    accepted = set()
    with truth_csv.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["path"] not in loaded:
                continue
            key = (row["path"], int(row["dong"]))
            (expected if row["expected"] == "quarantined" else accepted).add(key)
    return {"quarantined_but_truth_accepted": len(quarantined & accepted),
            "truth_quarantined_but_accepted": len(expected - quarantined)}


def splink(conninfo: str, truth_csv: Path) -> dict | str:
    python = os.environ.get("TIEMNANG_SPLINK_PYTHON") or sys.executable
    probe = subprocess.run([python, "-c", "import splink"], capture_output=True)
    if probe.returncode != 0:
        return "not installed: pip install -e '.[peer]' (or set TIEMNANG_SPLINK_PYTHON) to compare"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))  # include/: both packages
    peer = subprocess.run([python, "-m", "tiemnang_tools.peers.splink_matching", "--db", conninfo,
                           "--truth", str(truth_csv)], capture_output=True, text=True, env=env)
    return json.loads(peer.stdout) if peer.returncode == 0 else f"failed: {peer.stderr[-500:]}"


def _print(profile: str, r: dict) -> None:
    q, s = r["tiemnang"], r["splink"]
    peer = f"splink P {s['pairwise_precision']} R {s['pairwise_recall']}" if isinstance(s, dict) else s
    print(f"[{profile}] matching {r['matching_seconds']}s: pairwise P {q['pairwise_precision']} "
          f"R {q['pairwise_recall']}, clusters joining two persons {q['joined_clusters']}; {peer}")
    for pair, v in q["by_source_pair"].items():
        print(f"    {pair:40s} true {v['true_pairs']:>7} P {v['pairwise_precision']:.5f} R {v['pairwise_recall']:.5f}")
    print(f"    truth check {r['truth_check']}")
