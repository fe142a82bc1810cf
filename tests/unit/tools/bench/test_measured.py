"""The bench's process wrapper and exit code: a failed run must look failed (a gate-stopped run once passed)."""

from __future__ import annotations

import sys

from tiemnang_tools.bench.run import _measured


def test_failed_child_is_reported_failed_with_its_memory():
    seconds, rss, proc = _measured([sys.executable, "-c", "b = bytearray(50 << 20); raise SystemExit(3)"])
    assert proc.returncode == 3
    assert rss >= 50 << 20
    assert seconds > 0


def test_successful_child_is_reported_successful():
    _, _, proc = _measured([sys.executable, "-c", "pass"])
    assert proc.returncode == 0


def _result(*runs: dict) -> dict:
    run = {"wall_seconds": 10.0, "task_seconds": 8.0, "airflow_overhead_seconds": 2.0, "peak_rss_bytes": 1 << 28}
    return {"persons": 2000, "runs": [{**run, **r} for r in runs], "floor": {"total_seconds": 1.0},
            "ratio_to_floor": {"task_seconds": 8.0}, "pandas_peer": {"seconds": 1.0, "peak_rss_bytes": 1 << 26},
            "written_to": "x.json"}


def test_a_failed_run_keeps_its_figures_but_fails_the_bench(monkeypatch, capsys):
    from argparse import Namespace

    from tiemnang_tools.bench import run as bench

    failed = "tiemnang run: FAILED: publish_province_lists_weekly for 2026-11-20 ended failed; failed tasks: x"
    monkeypatch.setattr(bench, "run_bench", lambda *a: _result({"as_of": "2026-11-13"},
                                                                {"as_of": "2026-11-20", "failed": failed}))
    assert bench.main(Namespace(persons=2000, seed=1, out=None)) == 1
    err = capsys.readouterr().err
    assert "2026-11-20" in err and "publish_province_lists_weekly" in err

    monkeypatch.setattr(bench, "run_bench", lambda *a: _result({"as_of": "2026-11-13"}, {"as_of": "2026-11-20"}))
    assert bench.main(Namespace(persons=2000, seed=1, out=None)) == 0
