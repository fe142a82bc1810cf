"""CONTRACT §4 rules: the lists of one reference date D, built set-based in PostgreSQL from mt.* and stg.*."""

from tiemnang.lists.build import build_lists

__all__ = ["build_lists"]
