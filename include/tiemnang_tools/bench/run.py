"""Benchmark driver: generate, run the chain as `tiemnang run` does, measure, compare, write JSON."""

from __future__ import annotations

import json
import logging
import os
import platform
import resource
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
        " file=sys.stderr);"
        "sys.exit(p.returncode)"  # the caller must see a failed run as failed
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


def _fresh_database(name: str) -> str:
    return localpg.create_database(name)


def _metadata_url() -> str:
    """Airflow's metadata database, as libpq understands it."""
    from tiemnang.runner import airflow_environment

    return airflow_environment()["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("postgresql+psycopg://", "postgresql://")


def _task_times(since_iso: str, as_of: date, landing: Path) -> dict[str, dict[str, float]]:
    """Seconds spent inside tasks per DAG and task (Airflow's task_instance table) for this run's DAG runs.

    Other `tiemnang run` processes may share the metadata database, so runs are picked by their conf.
    """
    out: dict[str, dict[str, float]] = {}
    with psycopg.connect(_metadata_url()) as conn:
        rows = conn.execute(
            "SELECT ti.dag_id, ti.task_id, sum(extract(epoch FROM ti.end_date - ti.start_date))"
            " FROM task_instance ti JOIN dag_run r ON r.dag_id = ti.dag_id AND r.run_id = ti.run_id"
            " WHERE r.start_date >= %s AND r.conf ->> 'as_of' = %s AND r.conf ->> 'landing' = %s"
            " GROUP BY 1, 2", (since_iso, as_of.isoformat(), str(landing))).fetchall()
    for dag_id, task_id, seconds in rows:
        out.setdefault(dag_id, {})[task_id] = round(float(seconds or 0), 3)
    return out


def _dag_walls(since_iso: str, as_of: date, landing: Path) -> dict[str, float]:
    """Wall seconds of each DAG run (start to end, Airflow's dag_run table) of this `tiemnang run`."""
    with psycopg.connect(_metadata_url()) as conn:
        rows = conn.execute(
            "SELECT dag_id, extract(epoch FROM end_date - start_date) FROM dag_run"
            " WHERE start_date >= %s AND conf ->> 'as_of' = %s AND conf ->> 'landing' = %s",
            (since_iso, as_of.isoformat(), str(landing))).fetchall()
    return {dag_id: round(float(seconds or 0), 2) for dag_id, seconds in rows}


def _warehouse_counters(conninfo: str) -> tuple[int, int, int]:
    """(last file_id, temp bytes so far, rows read by ingestion so far) of the bench warehouse."""
    with psycopg.connect(conninfo) as conn:
        exists = conn.execute("SELECT to_regclass('ops.file_log') IS NOT NULL").fetchone()[0]
        last, rows = conn.execute("SELECT coalesce(max(file_id), 0), coalesce(sum(rows_read), 0) FROM ops.file_log"
                                  ).fetchone() if exists else (0, 0)
        temp = conn.execute("SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()").fetchone()[0]
    return int(last), int(temp), int(rows)


def _files_loaded(conninfo: str, after_file_id: int, landing: Path) -> list[Path]:
    """The files a run read and loaded (file_log rows it added): what its floor is measured on."""
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute("SELECT path FROM ops.file_log WHERE file_id > %s AND status = 'loaded' ORDER BY file_id",
                            (after_file_id,)).fetchall()
    return [landing / path for (path,) in rows]


def _load() -> dict:
    """What else runs on the machine: load averages and other pipeline processes (they share the CPUs)."""
    ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout.splitlines()
    others = [line for line in ps if ("pytest" in line or "tiemnang run" in line) and str(os.getpid()) not in line]
    return {"loadavg": [round(x, 2) for x in os.getloadavg()], "other_pipeline_processes": len(others)}


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


def dag_parse_seconds() -> dict[str, float]:
    """Seconds to parse each DAG file in a fresh interpreter once Airflow itself is imported (what the DAG
    processor pays per file and parse); tests/dags checks the heavy modules stay out, this measures the time."""
    from tiemnang.runner import airflow_environment

    code = ("import sys, time, runpy, airflow.sdk, airflow.timetables.trigger\n"
            "t = time.perf_counter(); runpy.run_path(sys.argv[1]); print(time.perf_counter() - t)")
    env = dict(os.environ, **airflow_environment())
    out = {}
    for path in sorted(config.DAGS_DIR.glob("*.py")):
        proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env,
                              check=True)
        out[path.name] = round(float(proc.stdout.strip().splitlines()[-1]), 3)
    return out


def run_bench(persons: int, seed: int, out_dir: Path | None = None) -> dict:
    localpg.ensure_running()
    work = config.local_dir() / "bench" / f"{persons}-{seed}"
    world = work / "world"
    result: dict = {"persons": persons, "seed": seed, "date": date.today().isoformat(),
                    "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}}

    stats_file = work / "generate.json"
    if not (world / "truth" / "summary.json").exists():
        seconds, rss, proc = _measured([TIEMNANG, "generate", "--out", str(world), "--persons", str(persons),
                                        "--seed", str(seed)])
        if proc.returncode:
            raise RuntimeError(f"generate failed: {proc.stderr[-2000:]}")
        stats_file.write_text(json.dumps({"seconds": round(seconds, 2), "peak_rss_bytes": rss}))
    result["generate"] = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    summary = json.loads((world / "truth" / "summary.json").read_text(encoding="utf-8"))
    n = summary["register_persons"] or 1
    result["world"] = {
        **{k: summary[k] for k in ("communes", "provinces", "register_persons", "persons", "students", "welfare_rows",
                                   "wage_earners", "household_businesses", "enterprises", "spells")},
        "per_register_person": {k: round(summary[k] / n, 3) for k in ("students", "welfare_rows", "wage_earners",
                                                                       "household_businesses", "spells")},
    }
    landing = world / "landing"
    files = [p for p in landing.rglob("*") if p.is_file() and p.name != "_READY"]
    result["input"] = {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}
    result["load"] = {"before": _load()}

    dbname = f"tiemnang_bench_{persons}"
    conninfo = _fresh_database(dbname)
    env = dict(os.environ, AIRFLOW_CONN_TIEMNANG_WAREHOUSE=f"postgresql://{config.LOCAL_PG_USER}@127.0.0.1:"
               f"{config.local_pg_port()}/{dbname}")
    runs = []
    for d in WEEK_DATES:
        since = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 1))
        last_file, temp_before, rows_before = _warehouse_counters(conninfo)
        seconds, rss, proc = _measured([TIEMNANG, "run", "--as-of", d.isoformat(), "--landing", str(landing)], env)
        failed = None
        if proc.returncode:
            # kept with its figures (a stopped run is still measured) and failing the bench at the end
            said = [line for line in proc.stderr.splitlines() if line.startswith("tiemnang run:")]
            failed = said[-1] if said else f"exit code {proc.returncode}: {proc.stderr[-3000:]}"
            log.error("tiemnang run --as-of %s failed: %s", d, failed)
        inside = _task_times(since, d, landing)
        task_seconds = sum(sum(t.values()) for t in inside.values())
        files_after, temp_after, rows_after = _warehouse_counters(conninfo)
        rows = rows_after - rows_before
        runs.append({"as_of": d.isoformat(), "wall_seconds": round(seconds, 2), "peak_rss_bytes": rss,
                     "task_seconds": round(task_seconds, 2), "airflow_overhead_seconds": round(seconds - task_seconds, 2),
                     "rows_ingested": rows, "rows_per_second": round(rows / seconds, 1) if seconds else 0,
                     "files_logged": files_after - last_file, "pg_temp_bytes": temp_after - temp_before,
                     "dag_wall_seconds": _dag_walls(since, d, landing), "tasks": inside,
                     "files_loaded": _files_loaded(conninfo, last_file, landing),
                     **({"failed": failed} if failed else {})})
    result["runs"] = runs
    result["postgres"] = _pg_figures(conninfo)

    from tiemnang_tools.bench import floor
    from tiemnang_tools.peers import pandas_chain as peer

    # The floor of each run is measured on the files that run loaded: the first Friday reads the first
    # delivery of everything, the second only what was new that week (mostly the register snapshot).
    floors = []
    for run in runs:
        floor_db = _fresh_database(f"tiemnang_bench_floor_{persons}")
        floors.append({"as_of": run["as_of"], **floor.measure(floor_db, landing, run.pop("files_loaded"))})
    for f in floors:
        f["rows_per_second"] = round(f["rows"] / f["total_seconds"], 1) if f["total_seconds"] else 0
    result["floor"] = floors[0]
    result["floor_by_run"] = floors
    first = runs[0]
    result["ratio_to_floor"] = {
        "task_seconds": round(first["task_seconds"] / floors[0]["total_seconds"], 2),
        "wall_seconds": round(first["wall_seconds"] / floors[0]["total_seconds"], 2),
        "by_run_task_seconds": [round(r["task_seconds"] / f["total_seconds"], 2) for r, f in zip(runs, floors, strict=True)],
        "both_weeks_task_seconds": round(sum(r["task_seconds"] for r in runs)
                                         / sum(f["total_seconds"] for f in floors), 2),
    }
    seconds, rss, proc = _measured([sys.executable, "-m", "tiemnang_tools.peers.pandas_chain", str(landing), WEEK_DATES[0].isoformat()])
    result["pandas_peer"] = {"seconds": round(seconds, 2), "peak_rss_bytes": rss, "ok": proc.returncode == 0,
                             "detail": peer.parse_output(proc.stdout)}
    localpg.drop_database(f"tiemnang_bench_floor_{persons}")
    result["dag_parse_seconds"] = dag_parse_seconds()
    result["bench_process_peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result["load"]["after"] = _load()

    out_dir = out_dir or (config.PROJECT_ROOT / "docs" / "benchmarks")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{result['date']}-{persons}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    result["written_to"] = str(path)
    return result


def main(args) -> int:
    result = run_bench(args.persons, args.seed, Path(args.out) if getattr(args, "out", None) else None)
    first = result["runs"][0]
    print(f"bench N={result['persons']:,}: tiemnang run {first['wall_seconds']}s "
          f"(inside tasks {first['task_seconds']}s, Airflow overhead {first['airflow_overhead_seconds']}s, "
          f"peak RSS {first['peak_rss_bytes'] / 2**20:.0f} MiB); floor {result['floor']['total_seconds']}s "
          f"→ tasks/floor {result['ratio_to_floor']['task_seconds']}×; pandas peer {result['pandas_peer']['seconds']}s "
          f"({result['pandas_peer']['peak_rss_bytes'] / 2**20:.0f} MiB) → written to {result['written_to']}")
    failed = [f"{run['as_of']}: {run['failed']}" for run in result["runs"] if "failed" in run]
    for line in failed:
        print(f"bench N={result['persons']:,}: a run FAILED, its figures are partial — {line}", file=sys.stderr)
    return 1 if failed else 0
