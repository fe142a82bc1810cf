"""Landing → staging: discovery, readers, row rules, per-file transactional loads (issue #3)."""

from tiemnang.sources.loader import ingest

__all__ = ["ingest"]
