"""CONTRACT §4.4/§5: weekly publication per province (two weeks, re-runs, older weeks, retention, isolation)."""

from __future__ import annotations

import sys
import uuid
from datetime import date
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

sys.path.insert(0, str(Path(__file__).parents[1] / "sql"))
from lists_world import XA_01_A, XA_79_A, XA_79_B, World  # noqa: E402

from tiemnang import config, db  # noqa: E402
from tiemnang.lists import build_lists  # noqa: E402
from tiemnang.publish import iso_week, publish_province  # noqa: E402

D1, D2, D3 = date(2026, 6, 12), date(2026, 6, 19), date(2026, 6, 26)   # Fridays of 2026-W24, W25, W26


def _rematch(conn: psycopg.Connection) -> None:
    """A new week's matching: every person and register record is rebuilt by the test."""
    conn.execute("DELETE FROM mt.record_person; DELETE FROM mt.person;"
                 " DELETE FROM mt.record WHERE nguon IN ('register', 'wage_earners')")


def _tong_hop(conn: psycopg.Connection, tuan: str) -> dict[tuple[str, str], tuple[int, int, int]]:
    rows = conn.execute("SELECT ma_xa, nhom, so_nguoi, so_moi, so_da_tham_gia FROM tinh_79.tong_hop_lich_su"
                        " WHERE tuan = %s", (tuan,)).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def test_iso_week_label():
    assert iso_week(date(2026, 11, 20)) == "2026-W47"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"


def test_two_weeks_so_moi_and_so_da_tham_gia(committed_db):
    with db.connect(committed_db) as conn:
        w = World(conn, delivered=date(2026, 6, 1))
        w.enterprise("0300000001", XA_79_B)
        a = w.welfare(XA_79_A, "HN", label="hn")
        b = w.welfare(XA_79_A, "HN", label="hn")
        e = w.welfare(XA_79_A, "CN", label="cn")                        # no ID yet
        w.person(a, khoa="k:a")
        w.person(b, w.register(201), khoa="ddcn:b")
        w.person(w.wage("0300000001", "2026-05"), khoa="k:c")
        w.person(e, khoa="hash:e")
        w.person(w.welfare(XA_01_A, "HN"), khoa="k:hanoi")             # another province
        build_lists(conn, D1)
    first = publish_province(committed_db, "79", D1)
    assert first["tiem_nang"] == 4 and first["current"]

    with db.connect(committed_db) as conn:
        assert _tong_hop(conn, "2026-W24") == {
            (XA_79_A, "NSNN_DONG"): (2, 2, 0),
            (XA_79_A, "HO_TRO_CAN_NGHEO"): (1, 1, 0),
            (XA_79_B, "BB_NLD"): (1, 1, 0),
        }
        # week 2: B got a card, C left the wage file, E got registered under a new key, F is new
        w.conn, w.delivered = conn, date(2026, 6, 15)
        _rematch(conn)
        w.file("tax", "wage_earners", "wage_earners.csv")               # the new wage file lists nobody
        w.person(a, khoa="k:a")
        w.person(b, w.register(201), khoa="ddcn:b")
        w.coverage(201, "BHYT", date(2026, 6, 10), date(2026, 12, 31), doi_tuong="HN")
        w.person(e, w.register(301, XA_79_A), khoa="ddcn:e")
        w.person(w.welfare(XA_79_A, "HN", label="hn", delivered=date(2026, 6, 1)), khoa="k:f")
        build_lists(conn, D2)
    publish_province(committed_db, "79", D2)

    with db.connect(committed_db) as conn:
        assert _tong_hop(conn, "2026-W25") == {
            (XA_79_A, "NSNN_DONG"): (2, 1, 1),                          # A stays, F new, B joined
            (XA_79_A, "HO_TRO_CAN_NGHEO"): (1, 0, 0),                   # E: same source record, not new
            (XA_79_B, "BB_NLD"): (0, 0, 0),                             # C gone without BHXH_BB
        }
        current = conn.execute("SELECT DISTINCT tuan FROM tinh_79.tong_hop").fetchall()
        assert current == [("2026-W25",)]
        ten_xa = conn.execute("SELECT ten_xa FROM tinh_79.tiem_nang WHERE ma_xa = %s LIMIT 1",
                              (XA_79_A,)).fetchone()[0]
        assert ten_xa == "Phường Thủ Dầu Một"
        assert conn.execute("SELECT count(*) FROM tinh_01.tiem_nang").fetchone()[0] == 0


def _simple_world(conn: psycopg.Connection) -> None:
    """Every week has rows in all four published tables of province 79."""
    w = World(conn, delivered=date(2026, 6, 1))
    w.enterprise("0300000001", XA_79_B)
    w.person(w.welfare(XA_79_A, "HN"), khoa="k:a")
    w.person(w.register(1, XA_79_A, "HH1"), khoa="id:1")
    w.coverage(1, "BHYT", date(2025, 7, 1), date(2026, 6, 30), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
    for d in (D1, D2, D3):
        build_lists(conn, d)


def _history_weeks(conn: psycopg.Connection, table: str) -> dict[str, int]:
    rows = conn.execute(f"SELECT tuan, count(*) FROM tinh_79.{table}_lich_su GROUP BY tuan").fetchall()  # noqa: S608
    return dict(rows)


def test_republish_replaces_and_an_older_week_only_touches_history(committed_db):
    with db.connect(committed_db) as conn:
        _simple_world(conn)
    publish_province(committed_db, "79", D1)
    publish_province(committed_db, "79", D2)
    again = publish_province(committed_db, "79", D2)
    older = publish_province(committed_db, "79", D1)
    assert again["current"] and not older["current"]
    with db.connect(committed_db) as conn:
        for table in ("tiem_nang", "don_vi_tiem_nang", "den_han_dong"):
            assert _history_weeks(conn, table) == {"2026-W24": 1, "2026-W25": 1}, table
            assert conn.execute(f"SELECT DISTINCT tuan FROM tinh_79.{table}").fetchall() == [("2026-W25",)]  # noqa: S608
        pubs = conn.execute("SELECT tuan FROM ops.publication WHERE ma_tinh = '79' ORDER BY tuan").fetchall()
        assert pubs == [("2026-W24",), ("2026-W25",)]


def test_retention_by_parameter(committed_db):
    with db.connect(committed_db) as conn:
        conn.execute("UPDATE ref.tham_so SET gia_tri = 2 WHERE ten = 'so_tuan_luu_lich_su'")
        _simple_world(conn)
    for d in (D1, D2, D3):
        result = publish_province(committed_db, "79", d)
    assert result["weeks_removed"] == 1
    with db.connect(committed_db) as conn:
        for table in ("tiem_nang", "don_vi_tiem_nang", "den_han_dong", "tong_hop"):
            assert set(_history_weeks(conn, table)) == {"2026-W25", "2026-W26"}, table


def test_publish_without_built_lists_fails_cleanly(committed_db):
    with pytest.raises(LookupError):
        publish_province(committed_db, "79", D1)


def test_reader_role_sees_only_its_province(committed_db):
    with db.connect(committed_db) as conn:
        _simple_world(conn)
    publish_province(committed_db, "79", D1)
    login, password = f"can_bo_79_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    # province logins are the administrator's to make: the pipeline's login cannot create roles
    admin = psycopg.connect(config.local_conninfo("postgres", user=config.LOCAL_PG_ADMIN), autocommit=True)
    admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE tinh_79_doc").format(
        sql.Identifier(login), sql.Literal(password)))
    try:
        dbname = conninfo_to_dict(committed_db)["dbname"]
        with psycopg.connect(host=admin.info.host, port=admin.info.port, user=login, password=password, dbname=dbname,
                             autocommit=True) as reader:
            assert reader.execute("SELECT count(*) FROM tinh_79.tiem_nang").fetchone()[0] == 1
            assert reader.execute("SELECT count(*) FROM tinh_79.tong_hop_lich_su").fetchone()[0] > 0
            for table in ("tinh_01.tiem_nang", "ops.publication", "stg.persons", "mt.person",
                          "lists.tiem_nang", "ref.tham_so"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    reader.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute("DELETE FROM tinh_79.tiem_nang")
    finally:
        admin.execute(f'DROP ROLE "{login}"')
        admin.close()
