"""Year-end daily publication (issue #17): the calendar in ref.tham_so, the run-time check of a run's day against
it, and daily publications that replace their week's tables while the history keeps each week's latest one."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

sys.path.insert(0, str(Path(__file__).parents[1] / "sql"))
from lists_world import XA_79_A, World  # noqa: E402

from tiemnang import db  # noqa: E402
from tiemnang.lists import build_lists  # noqa: E402
from tiemnang.orchestration import cadence, common  # noqa: E402
from tiemnang.publish import catalogue, publish_province  # noqa: E402

FRI_11, MON_14, TUE_15, FRI_18 = date(2026, 12, 11), date(2026, 12, 14), date(2026, 12, 15), date(2026, 12, 18)
KINDS = {"hang_tuan": cadence.WEEKLY, "hang_ngay": cadence.DAILY}


def _warehouse_calendar(conn: psycopg.Connection, first: date, last: date) -> dict[date, str | None]:
    rows = conn.execute("SELECT d::date, ref.lich_cong_bo(d::date) FROM generate_series(%s::date, %s::date,"
                        " interval '1 day') d", (first, last)).fetchall()
    return {d: KINDS.get(kind) for d, kind in rows}


def _python_calendar(rule: cadence.Cadence, first: date, last: date) -> dict[date, str | None]:
    return {first + timedelta(days=i): rule.kind(first + timedelta(days=i)) for i in range((last - first).days + 1)}


def test_the_warehouse_calendar_is_the_timetables_rule_and_follows_its_dated_parameters(wh):
    first, last = date(2025, 12, 1), date(2028, 3, 31)
    assert _warehouse_calendar(wh, first, last) == _python_calendar(cadence.CALENDAR, first, last)
    assert _warehouse_calendar(wh, TUE_15, TUE_15) == {TUE_15: cadence.DAILY}
    # from 2027 the period is 1 December to 5 January (over the new year); before that the default stands
    wh.execute("INSERT INTO ref.tham_so (ten, hieu_luc_tu, gia_tri) VALUES"
               " ('cong_bo_hang_ngay_tu', '2027-01-01', 1201), ('cong_bo_hang_ngay_den', '2027-01-01', 105)")
    changed = _warehouse_calendar(wh, first, last)
    cut = date(2027, 1, 1)
    assert {d: k for d, k in changed.items() if d < cut} == _python_calendar(cadence.CALENDAR, first, cut - timedelta(1))
    assert {d: k for d, k in changed.items() if d >= cut} == _python_calendar(cadence.Cadence(1201, 105), cut, last)
    assert changed[date(2027, 1, 4)] == cadence.DAILY and changed[date(2027, 12, 1)] == cadence.DAILY
    # 0: no daily period, Fridays only
    wh.execute("INSERT INTO ref.tham_so (ten, hieu_luc_tu, gia_tri) VALUES ('cong_bo_hang_ngay_tu', '2028-01-01', 0)")
    assert _warehouse_calendar(wh, date(2028, 12, 14), date(2028, 12, 22)) == _python_calendar(
        cadence.Cadence(0, 0), date(2028, 12, 14), date(2028, 12, 22))


def test_check_publication_day_against_the_warehouse(committed_db):
    check = cadence.check_publication_day
    tt = common.WEEKLY
    scheduled = check(committed_db, TUE_15, None, True, tt)
    assert scheduled == {"as_of": "2026-12-15", "cadence": cadence.DAILY, "given": False, "alerts": []}
    assert check(committed_db, FRI_11, None, True, tt)["cadence"] == cadence.WEEKLY
    # a manual run without as_of: the latest publication day on or before its day, as the other tasks compute it
    assert check(committed_db, date(2026, 12, 19), None, False, tt)["as_of"] == "2026-12-18"
    assert check(committed_db, date(2026, 11, 18), None, False, tt)["as_of"] == "2026-11-13"
    # as_of given (tiemnang run, a backfill): that day, whatever the calendar — also a Wednesday in November
    given = check(committed_db, date(2026, 12, 3), date(2026, 11, 18), False, tt)
    assert given["as_of"] == "2026-11-18" and given["given"] and given["cadence"] is None
    assert check(committed_db, date(2026, 12, 3), TUE_15, True, tt)["cadence"] == cadence.DAILY

    # the operator stops the daily period this year: the timetable still runs Tuesday, the check skips it
    with psycopg.connect(committed_db) as conn:
        conn.execute("INSERT INTO ref.tham_so (ten, hieu_luc_tu, gia_tri) VALUES ('cong_bo_hang_ngay_tu', '2026-12-01', 0)")
    with pytest.raises(AirflowSkipException, match="no publication on 2026-12-15"):
        check(committed_db, TUE_15, None, True, tt)
    # a manual run that day would publish Tuesday by the timetable, Friday 11 by the warehouse: refused, named
    with pytest.raises(AirflowFailException, match="would publish 2026-12-15 .* says 2026-12-11"):
        check(committed_db, TUE_15, None, False, tt)
    friday = check(committed_db, FRI_11, None, True, tt)
    assert friday["as_of"] == "2026-12-11"
    assert "differ on 2026-12-14, 2026-12-15" in friday["alerts"][0]


def _world(conn: psycopg.Connection) -> World:
    """Province 79, commune A: A and B on the welfare list since 1 December; B gets a card from 15 December."""
    w = World(conn, delivered=date(2026, 12, 1))
    w.person(w.welfare(XA_79_A, "HN", label="hn", ho_ten="Nguyễn Thị A"), khoa="k:a", ho_ten="Nguyễn Thị A")
    w.person(w.welfare(XA_79_A, "HN", label="hn", ho_ten="Trần Văn B"), w.register(201), khoa="k:b",
             ho_ten="Trần Văn B")
    w.coverage(201, "BHYT", TUE_15, date(2027, 12, 31), doi_tuong="HN")
    return w


def _arrives(w: World) -> None:
    """C, on a welfare list delivered on 14 December, matched from that night on."""
    w.person(w.welfare(XA_79_A, "HN", label="moi", ho_ten="Lê Văn C", delivered=MON_14), khoa="k:c",
             ho_ten="Lê Văn C")


def _build_and_publish(conninfo: str, run_day: date) -> dict:
    """What a scheduled run on `run_day` does: D from the calendar, the nightly build of D (after the earlier
    publications, as the night before the run), then the province's publication."""
    d = date.fromisoformat(cadence.check_publication_day(conninfo, run_day, None, True, common.WEEKLY)["as_of"])
    assert d == run_day
    with db.connect(conninfo) as conn:
        build_lists(conn, d)
    return publish_province(conninfo, "79", d)


def _history(conn: psycopg.Connection, table: str) -> dict[str, set[date]]:
    rows = conn.execute(f"SELECT tuan, array_agg(DISTINCT ngay_tham_chieu) FROM tinh_79.{table}_lich_su"  # noqa: S608
                        " GROUP BY tuan").fetchall()
    return {tuan: set(days) for tuan, days in rows}


def test_daily_publications_replace_the_week_and_history_keeps_its_latest(committed_db):
    with db.connect(committed_db) as conn:
        world = _world(conn)
        conn.commit()
    first = _build_and_publish(committed_db, FRI_11)
    with db.connect(committed_db) as conn:
        world.conn = conn
        _arrives(world)
        conn.commit()
    monday = _build_and_publish(committed_db, MON_14)
    tuesday = _build_and_publish(committed_db, TUE_15)
    assert (first["tuan"], first["tiem_nang"]) == ("2026-W50", 2)                 # A, B
    assert (monday["tuan"], monday["tiem_nang"], monday["current"]) == ("2026-W51", 3, True)   # A, B, C
    assert (tuesday["tuan"], tuesday["tiem_nang"], tuesday["current"]) == ("2026-W51", 2, True)  # A, C: B has a card

    with db.connect(committed_db) as conn:
        current = conn.execute("SELECT tuan, ngay_tham_chieu, ho_ten FROM tinh_79.tiem_nang ORDER BY ho_ten").fetchall()
        assert current == [("2026-W51", TUE_15, "Lê Văn C"), ("2026-W51", TUE_15, "Nguyễn Thị A")]
        # every history table with a reference date: one publication per week, the latest
        dated = [t.name for t in catalogue.tables() if "ngay_tham_chieu" in {c.name for c in t.published_columns}]
        assert {"tiem_nang", "den_han_dong", "tong_hop"} <= set(dated)
        for table in dated:
            assert all(len(days) == 1 for days in _history(conn, table).values()), table
        assert _history(conn, "tiem_nang") == {"2026-W50": {FRI_11}, "2026-W51": {TUE_15}}
        assert conn.execute("SELECT count(*) FROM tinh_79.tiem_nang_lich_su WHERE tuan = '2026-W51'").fetchone() == (2,)
        assert conn.execute("SELECT tuan, ngay_tham_chieu FROM ops.publication WHERE ma_tinh = '79' ORDER BY 1"
                            ).fetchall() == [("2026-W50", FRI_11), ("2026-W51", TUE_15)]
        # the week's summary still compares with the previous *week* (Friday 11), not with Monday's publication:
        # C is new this week, B joined since last week
        summary = conn.execute("SELECT ngay_tham_chieu, so_nguoi, so_moi, so_da_tham_gia FROM tinh_79.tong_hop"
                               " WHERE ma_xa = %s AND nhom = 'NSNN_DONG'", (XA_79_A,)).fetchall()
        assert summary == [(TUE_15, 2, 1, 1)]

    friday = _build_and_publish(committed_db, FRI_18)
    assert (friday["tuan"], friday["tiem_nang"]) == ("2026-W51", 2)
    with db.connect(committed_db) as conn:
        assert _history(conn, "tiem_nang") == {"2026-W50": {FRI_11}, "2026-W51": {FRI_18}}
        assert _history(conn, "tong_hop") == {"2026-W50": {FRI_11}, "2026-W51": {FRI_18}}
        assert conn.execute("SELECT count(*) FROM ops.publication WHERE ma_tinh = '79'").fetchone() == (2,)
