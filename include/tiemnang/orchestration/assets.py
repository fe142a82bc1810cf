"""Assets that chain the DAGs: staged sources → built lists → published province schemas.

The URIs name the logical warehouse (`warehouse:5432/tiemnang`), not the physical connection: an asset
is identified by name and URI together, so a URI that followed AIRFLOW_CONN_TIEMNANG_WAREHOUSE would make
the same asset look like a new, conflicting one whenever the connection changed.
"""

from __future__ import annotations

import functools
import operator

from airflow.sdk import Asset

from tiemnang.sources import registry

WAREHOUSE = "warehouse:5432/tiemnang"


def _asset(name: str, schema: str, table: str) -> Asset:
    return Asset(name=name, uri=f"postgres://{WAREHOUSE}/{schema}/{table}", group="tiemnang")


STAGED = {source: _asset(f"tiemnang_staged_{source}", "stg", source) for source in registry.NAMES}
ALL_STAGED = functools.reduce(operator.and_, STAGED.values())   # the build's schedule: every source ingested
LISTS = _asset("tiemnang_lists", "lists", "tiem_nang")
PUBLISHED = _asset("tiemnang_published", "publish", "tinh")
