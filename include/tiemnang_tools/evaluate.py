"""The `tiemnang eval` command: matching precision and recall on a generated world, beside Splink."""

from __future__ import annotations

from pathlib import Path


def main(args) -> int:
    """`tiemnang eval`: generate a world, ingest it as of its last Friday, match, score against the truth.

    The Splink peer runs on the same records when `splink` is installed (`pip install -e '.[peer]'`).
    """
    import json
    import logging
    import subprocess
    import sys
    import time
    from datetime import date

    from tiemnang import config, db, localpg, warehouse
    from tiemnang.matching import evaluate, run_matching
    from tiemnang.sources import ingest, registry
    from tiemnang_tools.generate import generate

    log = logging.getLogger(__name__)
    localpg.ensure_running()
    d = date(2026, 11, 20)
    world = config.local_dir() / "eval" / f"{args.persons}-{args.seed}"
    if not (world / "truth" / "records.csv").exists():
        generate(out=world, persons=args.persons, seed=args.seed, truth_lists=False)
    name = f"tiemnang_eval_{args.persons}"
    locale = getattr(args, "locale", None)   # a warehouse as another DBA would create it (issue #22)
    conninfo = localpg.create_database(name, locale=locale)
    warehouse.prepare_database(conninfo)
    for source in registry.NAMES:
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
        result["splink"] = "not installed: pip install -e '.[peer]' to compare"
    else:
        truth_csv = world / "truth" / "records.csv"
        peer = subprocess.run([sys.executable, "-m", "tiemnang_tools.peers.splink_matching", "--db", conninfo,
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
