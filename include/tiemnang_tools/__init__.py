"""Tooling beside the pipeline: synthetic worlds, benchmarks, the matching evaluation and its peers.

The runtime package `tiemnang` never imports it (tests/unit/test_runtime_apart.py); it ships in the source
tree, not in the wheel (docs/deploy.md).
"""
