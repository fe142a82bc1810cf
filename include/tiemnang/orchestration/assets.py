"""Assets that chain the DAGs: staged sources → built lists → published province schemas."""

from __future__ import annotations

import re

from airflow.sdk import Asset

from tiemnang import config


def _authority() -> str:
    """host:port/db of the warehouse, read from configuration only (no connection at parse time)."""
    info = dict(re.findall(r"(\w+)=('(?:[^'\\]|\\.)*'|\S+)", config.warehouse_conninfo()))
    return f"{info.get('host', 'localhost')}:{info.get('port', '5432')}/{info.get('dbname', 'tiemnang')}"


def _asset(name: str, schema: str, table: str) -> Asset:
    return Asset(name=name, uri=f"postgres://{_authority()}/{schema}/{table}", group="tiemnang")


SOURCES = ("register", "tax", "schools", "welfare")
STAGED = {source: _asset(f"tiemnang_staged_{source}", "stg", source) for source in SOURCES}
LISTS = _asset("tiemnang_lists", "lists", "tiem_nang")
PUBLISHED = _asset("tiemnang_published", "publish", "tinh")
