"""The register read from the database connection `bhxh_register` (CONTRACT §2.1) instead of files.

The views are extracted into the landing zone as an ordinary register delivery dated D (files first,
`_READY` last), so the same loader, lineage, quarantine and replacement rules apply: a backfill of an
older week reads the snapshots stored then, never today's database. `contributions` (the employer ledger,
revision 2) is extracted when the register database exposes it.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import psycopg
from psycopg import sql

from tiemnang import config
from tiemnang.sources.layouts import LAYOUTS

log = logging.getLogger(__name__)

REGISTER_CONN_ID = "bhxh_register"
VIEWS = ("persons", "coverage", "employers")
OPTIONAL_VIEWS = ("contributions",)


def register_conninfo() -> str | None:
    """The `bhxh_register` connection (environment, secrets backends, metadata DB), or None when not configured."""
    return config.airflow_conninfo(REGISTER_CONN_ID)


def extract_snapshot(register: str, landing_root: Path, day: dt.date) -> dict:
    """Write register/<day>/{persons,coverage,employers[,contributions]}.csv and _READY from the register's views."""
    folder = landing_root / "register" / day.isoformat()
    if (folder / "_READY").exists():
        log.info("register snapshot for %s already delivered; not extracted again", day)
        return {"extracted": False, "rows": 0}
    folder.mkdir(parents=True, exist_ok=True)
    rows = 0
    with psycopg.connect(register, options="-c DateStyle=ISO -c default_transaction_read_only=on") as conn:
        with conn.transaction():
            # One REPEATABLE READ snapshot for all three views, so coverage and persons agree.
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            present = [v for v in OPTIONAL_VIEWS if conn.execute("SELECT to_regclass(%s)", (v,)).fetchone()[0]]
            for view in (*VIEWS, *present):
                columns = [c.name for c in LAYOUTS[view].columns]
                query = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT csv, HEADER true)").format(
                    sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(view))
                with open(folder / f"{view}.csv", "wb") as out, conn.cursor().copy(query) as copy:
                    for block in copy:
                        out.write(block)
                rows += conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(view))).fetchone()[0]
    (folder / "_READY").touch()
    log.info("register snapshot for %s extracted from %s: %d rows in %d views", day, REGISTER_CONN_ID, rows,
             len(VIEWS) + len(present))
    return {"extracted": True, "rows": rows}


def extract_if_configured(landing_root: Path, as_of: dt.date, today: dt.date) -> dict:
    """Extract tonight's snapshot when `bhxh_register` is configured and D is today (not for backfills)."""
    register = register_conninfo()
    if register is None:
        return {"extracted": False, "reason": "no bhxh_register connection: register comes from files"}
    if as_of != today:
        return {"extracted": False, "reason": f"backfill of {as_of}: stored snapshots are used"}
    return extract_snapshot(register, landing_root, as_of)
