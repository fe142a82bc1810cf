"""CONTRACT §5: a reader never sees an empty table or a mix of weeks while a province is being published."""

from __future__ import annotations

import sys
import threading
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

    done = threading.Event()
    seen: list[list[tuple]] = []

    def read() -> None:
        with psycopg.connect(committed_db, autocommit=True) as reader:
            while not done.is_set():
                with reader.transaction():
                    reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    seen.append(reader.execute(SNAPSHOT).fetchall())

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for d in (*WEEKS[1:], WEEKS[2], WEEKS[1], WEEKS[2]):
            publish_province(committed_db, "79", d)
    finally:
        done.set()
        thread.join()

    assert len(seen) > 1
    weeks = set()
    for snapshot in seen:
        tables = {table for table, _, _ in snapshot}
        assert tables == {"tiem_nang", "don_vi_tiem_nang", "den_han_dong", "tong_hop"}, snapshot   # none empty
        tuans = {tuan for _, tuan, _ in snapshot}
        assert len(tuans) == 1, snapshot                                                           # no mix
        weeks |= tuans
    assert seen[-1][0][1] == "2026-W26"
    assert weeks <= {"2026-W24", "2026-W25", "2026-W26"}
