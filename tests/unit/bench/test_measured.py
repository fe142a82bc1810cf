"""The bench's process wrapper: a failed run must look failed (a gate-stopped run once passed as a result)."""

from __future__ import annotations

import sys

from tiemnang.bench.run import _measured


def test_failed_child_is_reported_failed_with_its_memory():
    seconds, rss, proc = _measured([sys.executable, "-c", "b = bytearray(50 << 20); raise SystemExit(3)"])
    assert proc.returncode == 3
    assert rss >= 50 << 20
    assert seconds > 0


def test_successful_child_is_reported_successful():
    _, _, proc = _measured([sys.executable, "-c", "pass"])
    assert proc.returncode == 0
