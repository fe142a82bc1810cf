"""Identity resolution: every person-record in force on D placed in exactly one person (mt.* tables)."""

from tiemnang.matching.evaluate import evaluate
from tiemnang.matching.run import run_matching

__all__ = ["evaluate", "run_matching"]
