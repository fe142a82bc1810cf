"""`tiemnang eval` keeps working and the matching stays accurate on a small generated world."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_eval_scores_matching_against_truth(tmp_path, pg_cluster):
    out = tmp_path / "eval.json"
    tiemnang = str(Path(sys.executable).with_name("tiemnang"))
    proc = subprocess.run([tiemnang, "eval", "--persons", "1500", "--seed", "5", "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text())["profiles"]["default"]
    quality = result["tiemnang"]
    assert result["truth_check"] == {"quarantined_but_truth_accepted": 0, "truth_quarantined_but_accepted": 0}
    assert quality["records"] > 1500 and quality["true_pairs"] > 0
    assert quality["pairwise_precision"] >= 0.995
    assert quality["pairwise_recall"] >= 0.99
    assert quality["cluster_precision"] >= 0.995 and quality["cluster_recall"] >= 0.99
    try:
        import splink  # noqa: F401
    except ImportError:
        assert result["splink"].startswith("not installed"), result["splink"]
    else:
        assert 0.9 <= result["splink"]["pairwise_precision"] <= 1, result["splink"]
        assert 0.9 <= result["splink"]["pairwise_recall"] <= 1, result["splink"]
