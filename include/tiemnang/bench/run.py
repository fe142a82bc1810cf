"""Benchmark driver: generate, run the chain as `tiemnang run` does, measure, compare, write JSON."""

from __future__ import annotations

import json
import logging
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg

from tiemnang import config, localpg

log = logging.getLogger(__name__)

WEEK_DATES = (date(2026, 11, 13), date(2026, 11, 20))
TIEMNANG = str(Path(sys.executable).with_name("tiemnang"))


def _measured(args: list[str], env: dict | None = None) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run args under a tiny wrapper that reports the child's own peak RSS (not the largest so far)."""
    wrapper = (
        "import resource, subprocess, sys, json;"
        "p = subprocess.run(sys.argv[1:]);"
        "print(json.dumps({'rc': p.returncode, 'maxrss': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}),"
        " file=sys.stderr)"
    )
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    tail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "{}"
    try:
        rss = json.loads(tail)["maxrss"] * 1024
    except (ValueError, KeyError):
        rss = 0
    return seconds, rss, proc


def _admin():
    return psycopg.connect(config.local_conninfo("postgres", user="postgres"), autocommit=True)


def _fresh_database(name: str) -> str:
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" OWNER "{config.LOCAL_PG_USER}"')
    return config.local_conninfo(name)


def _task_times(since_iso: str) -> dict[str, dict[str, float]]:
    """Seconds spent inside tasks per DAG (from Airflow's metadata DB) for runs started after `since`."""
    from tiemnang.runner import airflow_environment

    url = airflow_environment()["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("postgresql+psycopg://", "postgresql://")
    out: dict[str, dict[str, float]] = {}
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT dag_id, task_id, sum(extract(epoch FROM end_date - start_date)) FROM task_instance"
            " WHERE start_date >= %s GROUP BY 1, 2", (since_iso,)).fetchall()
    for dag_id, task_id, seconds in rows:
        out.setdefault(dag_id, {})[task_id] = round(float(seconds or 0), 3)
    return out


def _pg_figures(conninfo: str) -> dict:
    with psycopg.connect(conninfo) as conn:
        temp = conn.execute("SELECT temp_files, temp_bytes FROM pg_stat_database WHERE datname = current_database()").fetchone()
        largest = conn.execute(
            "SELECT n.nspname || '.' || c.relname, pg_total_relation_size(c.oid) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'"
            " ORDER BY 2 DESC LIMIT 8").fetchall()
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return {"temp_files": temp[0], "temp_bytes": temp[1], "database_bytes": size,
            "largest_tables": {name: b for name, b in largest}}


def run_bench(persons: int, seed: int, out_dir: Path | None = None) -> dict:
    localpg.ensure_running()
    work = config.local_dir() / "bench" / f"{persons}-{seed}"
    world = work / "world"
    result: dict = {"persons": persons, "seed": seed, "date": date.today().isoformat(),
                    "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}}

    if not (world / "truth" / "persons.csv").exists():
        seconds, rss, proc = _measured([TIEMNANG, "generate", "--out", str(world), "--persons", str(persons),
                                        "--seed", str(seed)])
        if proc.returncode:
            raise RuntimeError(f"generate failed: {proc.stderr[-2000:]}")
        result["generate"] = {"seconds": round(seconds, 2), "peak_rss_bytes": rss}
    landing = world / "landing"
    files = [p for p in landing.rglob("*") if p.is_file() and p.name != "_READY"]
    result["input"] = {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}

    dbname = f"tiemnang_bench_{persons}"
    conninfo = _fresh_database(dbname)
    env = dict(os.environ, AIRFLOW_CONN_TIEMNANG_WAREHOUSE=f"postgresql://{config.LOCAL_PG_USER}@127.0.0.1:"
               f"{config.local_pg_port()}/{dbname}")
    runs = []
    for d in WEEK_DATES:
        since = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        seconds, rss, proc = _measured([TIEMNANG, "run", "--as-of", d.isoformat(), "--landing", str(landing)], env)
        if proc.returncode:
            raise RuntimeError(f"tiemnang run --as-of {d} failed: {proc.stderr[-3000:]}")
        inside = _task_times(since)
        task_seconds = sum(sum(t.values()) for t in inside.values())
        runs.append({"as_of": d.isoformat(), "wall_seconds": round(seconds, 2), "peak_rss_bytes": rss,
                     "task_seconds": round(task_seconds, 2), "airflow_overhead_seconds": round(seconds - task_seconds, 2),
                     "tasks": inside})
    result["runs"] = runs
    result["postgres"] = _pg_figures(conninfo)

    from tiemnang.bench import floor, peer

    floor_db = _fresh_database(f"tiemnang_floor_{persons}")
    result["floor"] = floor.measure(floor_db, landing)
    first = runs[0]
    result["ratio_to_floor"] = {
        "task_seconds": round(first["task_seconds"] / result["floor"]["total_seconds"], 2),
        "wall_seconds": round(first["wall_seconds"] / result["floor"]["total_seconds"], 2),
    }
    seconds, rss, proc = _measured([sys.executable, "-m", "tiemnang.bench.peer", str(landing), WEEK_DATES[0].isoformat()])
    result["pandas_peer"] = {"seconds": round(seconds, 2), "peak_rss_bytes": rss, "ok": proc.returncode == 0,
                             "detail": peer.parse_output(proc.stdout)}
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "tiemnang_floor_{persons}" WITH (FORCE)')

    out_dir = out_dir or (config.PROJECT_ROOT / "docs" / "benchmarks")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{result['date']}-{persons}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    result["written_to"] = str(path)
    return result


def main(args) -> int:
    result = run_bench(args.persons, args.seed)
    first = result["runs"][0]
    print(f"bench N={result['persons']:,}: tiemnang run {first['wall_seconds']}s "
          f"(inside tasks {first['task_seconds']}s, Airflow overhead {first['airflow_overhead_seconds']}s, "
          f"peak RSS {first['peak_rss_bytes'] / 2**20:.0f} MiB); floor {result['floor']['total_seconds']}s "
          f"→ tasks/floor {result['ratio_to_floor']['task_seconds']}×; pandas peer {result['pandas_peer']['seconds']}s "
          f"({result['pandas_peer']['peak_rss_bytes'] / 2**20:.0f} MiB) → written to {result['written_to']}")
    return 0
