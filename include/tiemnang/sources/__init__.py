"""Landing → staging: the source registry, discovery, readers, row rules, per-file transactional loads.

`ingest` is imported on first use: DAG files read the registry at parse time and must not load the readers.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ingest"]


def __getattr__(name: str) -> Any:
    if name == "ingest":
        from tiemnang.sources.loader import ingest

        return ingest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
