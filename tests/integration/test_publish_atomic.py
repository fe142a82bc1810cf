"""CONTRACT §5: a reader never sees an empty table or a mix of weeks while a province is being published."""

from __future__ import annotations

import sys
import threading
import time
from datetime import date
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).parents[1] / "sql"))
from lists_world import XA_79_A, XA_79_B, World  # noqa: E402

from tiemnang import db  # noqa: E402
from tiemnang.lists import build_lists  # noqa: E402
from tiemnang.publish import publish_province  # noqa: E402

WEEKS = (date(2026, 6, 12), date(2026, 6, 19), date(2026, 6, 26))
SNAPSHOT = """
SELECT 'tiem_nang', tuan, count(*) FROM tinh_79.tiem_nang GROUP BY tuan
UNION ALL SELECT 'don_vi_tiem_nang', tuan, count(*) FROM tinh_79.don_vi_tiem_nang GROUP BY tuan
UNION ALL SELECT 'den_han_dong', tuan, count(*) FROM tinh_79.den_han_dong GROUP BY tuan
UNION ALL SELECT 'tong_hop', tuan, count(*) FROM tinh_79.tong_hop GROUP BY tuan
"""


def _snapshot(conninfo: str) -> dict[str, tuple[str, int]]:
    """What a reader sees now, from its own connection: {table: (tuan, rows)}, one tuan per table."""
    with psycopg.connect(conninfo, autocommit=True) as reader:
        rows = reader.execute(SNAPSHOT).fetchall()
    seen: dict[str, tuple[str, int]] = {}
    for table, tuan, n in rows:
        assert table not in seen, f"{table} holds two weeks: {rows}"
        seen[table] = (tuan, n)
    return seen


def _publish_held_at_the_swap(conninfo: str, d: date) -> tuple[dict, dict]:
    """Publish D while a lock holds the publishing transaction inside its switch of the current tables.

    The last table the switch rewrites (tong_hop) is locked by another session, so the publisher has already
    replaced tiem_nang, don_vi_tiem_nang and den_han_dong inside its transaction and waits there; the reader
    looks from a third connection at that moment. Returns (snapshot while held, snapshot after commit).
    """
    holder = psycopg.connect(conninfo)
    holder.execute("LOCK TABLE tinh_79.tong_hop IN SHARE MODE")
    errors: list[BaseException] = []

    def publish() -> None:
        try:
            publish_province(conninfo, "79", d)
        except BaseException as exc:  # surfaced below, in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=publish)
    thread.start()
    try:
        with psycopg.connect(conninfo, autocommit=True) as watcher:
            deadline = time.monotonic() + 60
            while not watcher.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    " AND query LIKE 'DELETE FROM %%tong_hop%%'").fetchone():
                assert thread.is_alive() and time.monotonic() < deadline, f"publisher never reached the swap {errors}"
                time.sleep(0.05)
        held = _snapshot(conninfo)
    finally:
        holder.rollback()
        holder.close()
        thread.join()
    assert not errors, errors
    return held, _snapshot(conninfo)


def test_readers_see_one_whole_week(committed_db):
    with db.connect(committed_db) as conn:
        w = World(conn, delivered=date(2026, 6, 1))
        w.enterprise("0300000001", XA_79_B)
        w.person(w.welfare(XA_79_A, "HN"), khoa="k:a")
        w.person(w.register(1, XA_79_A, "HH1"), khoa="id:1")
        w.coverage(1, "BHYT", date(2025, 7, 1), date(2026, 6, 30), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
        for d in WEEKS:
            build_lists(conn, d)
    publish_province(committed_db, "79", WEEKS[0])
    first = _snapshot(committed_db)
    assert set(first) == {"tiem_nang", "don_vi_tiem_nang", "den_han_dong", "tong_hop"}     # none empty
    assert {tuan for tuan, _ in first.values()} == {"2026-W24"}

    # a new week: while held, the reader still sees the whole previous week; after commit, the whole new one
    held, after = _publish_held_at_the_swap(committed_db, WEEKS[1])
    assert held == first
    assert set(after) == set(first) and {tuan for tuan, _ in after.values()} == {"2026-W25"}

    # the same week again: replaced in place, the reader sees it whole throughout
    held, again = _publish_held_at_the_swap(committed_db, WEEKS[1])
    assert held == after and again == after

    # an older week (a backfill) updates only the history: the current tables keep the latest week
    publish_province(committed_db, "79", WEEKS[2])
    latest = _snapshot(committed_db)
    publish_province(committed_db, "79", WEEKS[0])
    assert _snapshot(committed_db) == latest and {tuan for tuan, _ in latest.values()} == {"2026-W26"}
