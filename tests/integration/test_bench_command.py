"""`tiemnang bench` end to end on a tiny world: the JSON is written where asked, with sane figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tiemnang import config, localpg

TIEMNANG = str(Path(sys.executable).with_name("tiemnang"))


@pytest.mark.slow
def test_bench_writes_its_json(tmp_path):
    out = tmp_path / "benchmarks"
    try:
        proc = subprocess.run([TIEMNANG, "bench", "--persons", "2000", "--seed", "7", "--out", str(out)],
                              capture_output=True, text=True, timeout=1800)
    finally:
        localpg.drop_database("tiemnang_bench_2000")
    assert proc.returncode == 0, proc.stderr[-3000:]
    written = list(out.glob("*-2000.json"))
    assert len(written) == 1
    result = json.loads(written[0].read_text(encoding="utf-8"))
    assert {"persons", "seed", "machine", "generate", "input", "world", "runs", "postgres", "floor",
            "ratio_to_floor", "pandas_peer", "load"} <= set(result)
    assert result["persons"] == 2000
    assert [r["as_of"] for r in result["runs"]] == ["2026-11-13", "2026-11-20"]
    for run in result["runs"]:
        assert run["wall_seconds"] > run["task_seconds"] > 0
        assert run["peak_rss_bytes"] > 0
        assert {"ingest_register_nightly", "build_lists_nightly", "publish_province_lists_weekly"} <= set(run["tasks"])
        assert run["rows_per_second"] > 0
    assert result["generate"]["seconds"] > 0 and result["generate"]["peak_rss_bytes"] > 0
    assert result["floor"]["rows"] > 0 and result["floor"]["total_seconds"] > 0
    # each run's floor is measured on the files that run loaded, not on the whole landing zone
    assert [f["as_of"] for f in result["floor_by_run"]] == ["2026-11-13", "2026-11-20"]
    for run, floor in zip(result["runs"], result["floor_by_run"], strict=True):
        assert 0 < floor["files"] <= run["files_logged"]
        assert floor["rows"] > 0
    assert result["floor_by_run"][0]["files"] < result["input"]["files"]
    assert result["pandas_peer"]["ok"] and result["pandas_peer"]["peak_rss_bytes"] > 0
    assert result["world"]["register_persons"] > 0
    assert result["postgres"]["database_bytes"] > 0
    # the DAG processor's parse time, per DAG file (a benchmark figure, not a test limit)
    assert set(result["dag_parse_seconds"]) == {p.name for p in config.DAGS_DIR.glob("*.py")}
    assert all(seconds > 0 for seconds in result["dag_parse_seconds"].values())
