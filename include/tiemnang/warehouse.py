"""Bring a warehouse to the current schema: migrations, reference data, the 34 province schemas."""

from __future__ import annotations

import logging

import psycopg

from tiemnang import db
from tiemnang.publish import schemas
from tiemnang.reference import geography

log = logging.getLogger(__name__)


def prepare(conn: psycopg.Connection) -> dict[str, int]:
    """Idempotent: safe at every set-up and at the start of every DAG run."""
    applied = db.migrate(conn)
    n_provinces, n_communes = geography.sync(conn)
    conn.commit()
    n_schemas = schemas.ensure_province_schemas(conn)
    conn.commit()
    log.info("warehouse ready: %d migrations applied now, %d provinces, %d communes, %d province schemas",
             len(applied), n_provinces, n_communes, n_schemas)
    return {"migrations_applied": len(applied), "provinces": n_provinces, "communes": n_communes,
            "province_schemas": n_schemas}


def prepare_database(conninfo: str | None = None) -> dict[str, int]:
    """prepare() on its own connection: the warehouse configured, or the database `conninfo` names."""
    with db.connect(conninfo) as conn:
        return prepare(conn)
