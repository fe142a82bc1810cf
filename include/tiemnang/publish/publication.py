"""Publish one province's week atomically: history replaced, tong_hop computed, current tables switched."""

from __future__ import annotations

import logging
from datetime import date

from psycopg.types.json import Jsonb

from tiemnang import db
from tiemnang.publish import catalogue
from tiemnang.publish.schemas import schema_name

log = logging.getLogger(__name__)


def history_steps() -> list[str]:
    """One SQL step per published table (catalogue order) that rewrites the week's rows of its history."""
    return [f"publish/history_{t.name}" for t in catalogue.tables()]


def iso_week(as_of: date) -> str:
    """The week label `YYYY-Www` of a reference date (ISO week)."""
    year, week, _ = as_of.isocalendar()
    return f"{year}-W{week:02d}"


def publish_province(conninfo: str | None, ma_tinh: str, as_of: date) -> dict[str, object]:
    """Publish the lists of D for one province in ONE transaction; returns the week's counts.

    Readers see the previous week or this week, never a mix or an empty table (DELETE + INSERT under MVCC).
    Only a week at least as recent as the greatest published week replaces the current tables.
    """
    tuan = iso_week(as_of)
    params = {"ma_tinh": ma_tinh, "tuan": tuan, "d": as_of}
    idents = {"schema": schema_name(ma_tinh)}
    with db.transaction(conninfo) as conn:
        # No JIT: the planner's estimate for tong_hop's keys (100 rows per jsonb_array_elements) puts that statement
        # far above the JIT cost thresholds, and compiling it took ~0.8 s a province, several times the query.
        conn.execute("SET LOCAL jit = off")
        db.run(conn, "publish/lock", params)
        if not conn.execute("SELECT 1 FROM lists.build WHERE ngay_tham_chieu = %s", (as_of,)).fetchone():
            raise LookupError(f"no lists built for {as_of}; run build_lists first")
        tables = catalogue.tables()
        schema = idents["schema"]
        for step in history_steps():
            db.run(conn, step, params, idents)
        latest = conn.execute(
            "SELECT coalesce(max(tuan), '') FROM ops.publication WHERE ma_tinh = %s", (ma_tinh,)
        ).fetchone()[0]
        is_current = tuan >= latest
        if is_current:
            for statement in catalogue.switch_current(schema, tables):
                conn.execute(statement, params)
        counts = dict(zip((t.name for t in tables),
                          conn.execute(catalogue.week_counts(schema, tables), params).fetchone(), strict=True))
        db.run(conn, "publish/record", {**params, **counts, "so_dong": Jsonb(counts)})
        old = {"weeks": db.fetch(conn, "publish/retention", params)[0][0]}
        removed = conn.execute(catalogue.weeks_present(schema, tables), old).fetchone()[0]
        for statement in catalogue.remove_weeks(schema, tables):
            conn.execute(statement, old)
    result = {"ma_tinh": ma_tinh, "tuan": tuan, "current": is_current, "weeks_removed": removed, **counts}
    log.info("published %s", result)
    return result
