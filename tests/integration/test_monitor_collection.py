"""The monitor's province page on collection work (issue #17): rows no agent serves per commune, progress against
the year's targets with its chart, results per agent — from crafted published rows."""

from __future__ import annotations

import re

import psycopg
import pytest
from conftest import make_database

from tiemnang import config, db
from tiemnang.monitor import queries, render

XA_A, XA_B, XA_C = "25747", "25750", "25760"       # Phường Thủ Dầu Một, Phường Phú Lợi, Phường Bình Dương (79)
TUAN = "2026-W25"


def _tien_do(conn, tuan, nam, ma_xa, nhom, chi_tieu, da_dat, ty_le):
    conn.execute("INSERT INTO tinh_79.tien_do_lich_su (tuan, ngay_tham_chieu, nam, ma_xa, ten_xa, nhom, chi_tieu,"
                 " da_dat, ty_le) VALUES (%s, %s, %s, %s, (SELECT ten_xa FROM ref.commune WHERE ma_xa = %s), %s, %s,"
                 " %s, %s)", (tuan, queries.week(tuan).ngay_tham_chieu, nam, ma_xa, ma_xa, nhom, chi_tieu, da_dat,
                              ty_le))


@pytest.fixture(scope="module")
def seeded(pg_cluster):
    """One database for the module, filled once: every test here only reads."""
    conninfo, drop = make_database("tiemnang_monitor")
    d = queries.week(TUAN).ngay_tham_chieu
    with psycopg.connect(conninfo) as conn:
        for ma_xa, agents in ((XA_A, ["DL001", "DL001", None]), (XA_B, ["DL002", "DL002"]), (XA_C, [None, ""] * 2)):
            for i, agent in enumerate(agents):
                conn.execute("INSERT INTO tinh_79.tiem_nang_lich_su (tuan, ngay_tham_chieu, ho_ten, ma_xa, ten_xa,"
                             " nhom, ly_do, nguon, khoa_nguoi, ma_dai_ly) VALUES (%s, %s, 'X', %s,"
                             " (SELECT ten_xa FROM ref.commune WHERE ma_xa = %s), 'CAO_TUOI', '{CAO_TUOI}', '[]', %s,"
                             " %s)", (TUAN, d, ma_xa, ma_xa, f"{ma_xa}-{i}", agent))
        for id_nguoi, agent in ((1, "DL001"), (2, "")):
            conn.execute("INSERT INTO tinh_79.den_han_dong_lich_su (tuan, ngay_tham_chieu, id_nguoi, ma_xa, ten_xa,"
                         " loai, han_dong, ma_dai_ly) VALUES (%s, %s, %s, %s, 'Phường Thủ Dầu Một', 'BHYT_GD',"
                         " '2026-07-01', %s)", (TUAN, d, id_nguoi, XA_A, agent))
        _tien_do(conn, TUAN, 2026, XA_A, "HO_TRO_HSSV", 200, 45, 0.225)
        _tien_do(conn, TUAN, 2026, XA_A, "CAO_TUOI", None, 3, None)
        _tien_do(conn, TUAN, 2026, XA_B, "HO_TRO_HSSV", 100, 30, 0.3)
        for tuan, da_dat in (("2026-W23", 40), ("2026-W24", 60)):
            _tien_do(conn, tuan, 2026, XA_A, "HO_TRO_HSSV", 300, da_dat, round(da_dat / 300, 4))
        _tien_do(conn, "2025-W50", 2025, XA_A, "HO_TRO_HSSV", 999, 777, 0.7778)   # last year: not this chart
        _tien_do(conn, "2026-W26", 2026, XA_A, "HO_TRO_HSSV", 300, 555, 1.85)     # after the week shown
        for agent, ten, ma_xa, giao, ket_qua, tham_gia in (("DL001", "Nguyễn Thị Thu", XA_A, 120, 30, 7),
                                                          ("DL002", "Tổ dịch vụ thu Phú Lợi", XA_A, 80, 20, 3),
                                                          ("DL002", "Tổ dịch vụ thu Phú Lợi", XA_B, 40, 10, 1)):
            conn.execute("INSERT INTO tinh_79.tien_do_dai_ly_lich_su (tuan, ngay_tham_chieu, ma_dai_ly, ten_dai_ly,"
                         " ma_xa, ten_xa, so_duoc_giao, so_co_ket_qua, so_da_tham_gia) VALUES (%s, %s, %s, %s, %s,"
                         " (SELECT ten_xa FROM ref.commune WHERE ma_xa = %s), %s, %s, %s)",
                         (TUAN, d, agent, ten, ma_xa, ma_xa, giao, ket_qua, tham_gia))
    yield conninfo
    drop()


def _work(conninfo: str) -> dict:
    with db.connect(conninfo) as conn:
        return queries.collection(conn, "79", queries.week(TUAN))


def _cells(html: str) -> list[list[str]]:
    """The table rows of a fragment as lists of cell texts (tags removed)."""
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", html)]


def test_rows_without_an_agent_per_commune(seeded):
    html = render.unassigned_table(_work(seeded)["chua_giao"])

    assert "Chưa giao: <b>6</b> trong 11 dòng (54,5 %), ở 2/3 xã" in html
    rows = _cells(html)[1:]
    # NULL and "" alike; the commune with most of them first; a commune fully assigned is not listed
    assert rows == [[XA_C, "Phường Bình Dương", "4", "0", "4", "4", "100,0 %"],
                    [XA_A, "Phường Thủ Dầu Một", "1", "1", "2", "5", "40,0 %"]]


def test_progress_against_targets_by_group_and_commune(seeded):
    work = _work(seeded)
    html = render.progress_section(work["tien_do"], work["tien_do_tuan"])

    assert "Năm 2026: đã đạt <b>78</b> người tham gia mới so với chỉ tiêu <b>300</b> (26,0 %)" in html
    groups, detail = html.split("<details>")
    assert _cells(groups)[1:] == [
        ["Học sinh, sinh viên (HO_TRO_HSSV)", "300", "75", "25,0 %"],
        ["Người từ đủ 60 tuổi chưa có BHYT (CAO_TUOI)", "—", "3", "—"],   # no target: no rate
        ["Tổng cộng", "300", "78", "26,0 %"]]
    assert _cells(detail)[1:] == [
        [XA_A, "Phường Thủ Dầu Một", "Học sinh, sinh viên", "200", "45", "22,5 %"],
        [XA_A, "Phường Thủ Dầu Một", "Người từ đủ 60 tuổi chưa có BHYT", "—", "3", "—"],
        [XA_B, "Phường Phú Lợi", "Học sinh, sinh viên", "100", "30", "30,0 %"]]


def test_the_chart_shows_the_weeks_of_the_year_up_to_this_one(seeded):
    weeks = _work(seeded)["tien_do_tuan"]
    assert [(w["tuan"], w["chi_tieu"], w["da_dat"]) for w in weeks] == [
        ("2026-W23", 300, 40), ("2026-W24", 300, 60), (TUAN, 300, 78)]

    svg = render.progress_chart(weeks, "Đã đạt so với chỉ tiêu")

    assert svg.startswith("<svg") and svg.endswith("</svg>") and "<script" not in svg
    bars = re.findall(r'<rect x="[^"]+" y="([^"]+)" width="[^"]+" height="([^"]+)" fill="#2b6cb0"><title>([^<]+)',
                      svg)
    assert [b[2] for b in bars] == ["2026-W23: đã đạt 40, chỉ tiêu 300", "2026-W24: đã đạt 60, chỉ tiêu 300",
                                    "2026-W25: đã đạt 78, chỉ tiêu 300"]
    heights = [float(h) for _, h, _ in bars]
    assert heights[0] < heights[1] < heights[2] and heights[2] / heights[0] == pytest.approx(78 / 40, rel=0.02)
    target = re.search(r'<path d="([^"]+)"[^>]*stroke="#dd6b20"', svg)[1]
    levels = {float(y) for y in re.findall(r"[ML][\d.]+ ([\d.]+)", target)}
    assert len(levels) == 1 and levels.pop() < min(float(y) for y, _, _ in bars)   # the target above every bar
    assert "W23" in svg and "W25" in svg and "W26" not in svg and "2025" not in svg


def test_results_per_agent(seeded):
    html = render.agents_table(_work(seeded)["dai_ly"])

    assert _cells(html)[1:] == [
        ["DL001", "Nguyễn Thị Thu", f"Phường Thủ Dầu Một ({XA_A})", "120", "30", "25,0 %", "7"],
        ["DL002", "Tổ dịch vụ thu Phú Lợi", f"Phường Thủ Dầu Một ({XA_A})", "80", "20", "25,0 %", "3"],
        ["DL002", "Tổ dịch vụ thu Phú Lợi", f"Phường Phú Lợi ({XA_B})", "40", "10", "25,0 %", "1"],
        ["Tổng cộng (2 đại lý thu)", "240", "60", "25,0 %", "11"]]


def test_the_province_page_carries_the_sections(seeded, monkeypatch):
    from fastapi.testclient import TestClient

    from tiemnang.monitor import app as monitor

    monkeypatch.setattr(config, "warehouse_conninfo", lambda: seeded)
    api = monitor.create_app()
    api.dependency_overrides[monitor.require_user] = lambda: "canbo"   # the login is Airflow's
    page = TestClient(api).get(f"/tinh/79?tuan={TUAN}")

    assert page.status_code == 200
    html = page.text
    for heading in ("Dòng chưa giao cho đại lý thu", "Tiến độ so với chỉ tiêu năm", "Kết quả của đại lý thu"):
        assert f"<h2>{heading}</h2>" in html
    assert "Chưa giao: <b>6</b>" in html and "Nguyễn Thị Thu" in html and 'stroke="#dd6b20"' in html
    # a province with none of it says so
    empty = TestClient(api).get(f"/tinh/01?tuan={TUAN}").text
    assert "Tỉnh chưa có danh sách tuần này." in empty and "Chưa có số liệu tiến độ tuần này" in empty
    assert "Chưa có đại lý thu nào được giao dòng tuần này." in empty


def test_a_week_without_targets_has_no_chart():
    assert render.progress_chart([], "x") == ""
    svg = render.progress_chart([{"tuan": "2026-W02", "chi_tieu": None, "da_dat": 5}], "x")
    assert "#2b6cb0" in svg and "<path" not in svg
    assert render.unassigned_table([{"ma_xa": XA_A, "ten_xa": "A", "so_tiem_nang": 2, "tiem_nang_chua_giao": 0,
                                     "so_den_han": 1, "den_han_chua_giao": 0}]).startswith('<p class="ok">')
