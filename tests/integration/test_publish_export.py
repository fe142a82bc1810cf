"""Exports for commune collectors: one workbook per commune with its three lists and Vietnamese headers."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "sql"))
from lists_world import XA_79_A, XA_79_B, World  # noqa: E402

from tiemnang import db  # noqa: E402
from tiemnang.lists import build_lists  # noqa: E402
from tiemnang.publish import publish_province  # noqa: E402
from tiemnang.publish.export import export_province  # noqa: E402

D = date(2026, 6, 19)


def test_one_workbook_per_commune(committed_db, tmp_path):
    import openpyxl

    with db.connect(committed_db) as conn:
        w = World(conn, delivered=date(2026, 6, 1))
        w.enterprise("0300000001", XA_79_B)
        w.person(w.welfare(XA_79_A, "CN", ngay_sinh="1950-07"), ho_ten="Hoàng Thị Én", ngay_sinh="1950-07")
        w.person(w.register(1, XA_79_A, "HH1"), ho_ten="Nguyễn Văn Hùng")
        w.coverage(1, "BHYT", date(2025, 7, 1), date(2026, 6, 30), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
        build_lists(conn, D)
    publish_province(committed_db, "79", D)

    paths = export_province(committed_db, "79", "2026-W25", tmp_path)

    assert sorted(p.name for p in paths) == [f"{XA_79_A}.xlsx", f"{XA_79_B}.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "2026-W25" / "79" / f"{XA_79_A}.xlsx")
    assert book.sheetnames == ["Tiềm năng", "Đến hạn đóng", "Đơn vị tiềm năng", "Thẻ trùng", "Đơn vị nợ đóng"]
    sheet = book["Tiềm năng"]
    assert sheet["A1"].value == "BẢO HIỂM XÃ HỘI VIỆT NAM"
    assert "Phường Thủ Dầu Một" in sheet["A5"].value and "2026-W25" in sheet["A6"].value
    assert [c.value for c in sheet[8]][:3] == ["STT", "Họ và tên", "Ngày sinh"]
    assert sheet.freeze_panes == "C10"
    assert [c.value for c in sheet[10]][:4] == [1, "Hoàng Thị Én", "07/1950", "Nam"]
    due = book["Đến hạn đóng"]
    # 4.5% x 2,530,000 (han_dong 2026-07-01) x 100% x 12 = 1,366,200
    assert [c.value for c in due[10]][1:2] + [c.value for c in due[10]][10:11] == ["Nguyễn Văn Hùng", 1_366_200]
    units = openpyxl.load_workbook(tmp_path / "2026-W25" / "79" / f"{XA_79_B}.xlsx")["Đơn vị tiềm năng"]
    assert [c.value for c in units[10]][1:5] == ["0300000001", "Công ty TNHH Ánh Dương", "NQD",
                                                  "Chưa đăng ký tham gia"]


def test_each_commune_gets_its_own_rows_in_list_order(committed_db, tmp_path):
    import openpyxl

    with db.connect(committed_db) as conn:
        w = World(conn, delivered=date(2026, 6, 1))
        w.person(w.welfare(XA_79_A, "CN"), ho_ten="Hoàng Thị Én")
        w.person(w.welfare(XA_79_B, "CN", label="b"), ho_ten="Lê Thị Cúc")
        # due for both insurances on the same day (2026-07-01): BHYT_GD first, as in CONTRACT §4.3
        w.person(w.register(1, XA_79_A, "HH1"), ho_ten="Nguyễn Văn Hùng")
        w.coverage(1, "BHXH_TN", date(2026, 1, 1), date(2026, 6, 30), phuong_thuc=6, muc_thu_nhap=3_000_000)
        w.coverage(1, "BHYT", date(2025, 7, 1), date(2026, 6, 30), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
        w.person(w.register(2, XA_79_A, "HH2"), ho_ten="Đỗ Văn An")             # due earlier: 2026-06-25
        w.coverage(2, "BHYT", date(2025, 6, 25), date(2026, 6, 24), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
        w.person(w.register(3, XA_79_B, "HH3"), ho_ten="Trần Văn Bình")
        w.coverage(3, "BHYT", date(2025, 7, 1), date(2026, 6, 30), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
        w.enterprise("0300000001", XA_79_B)
        build_lists(conn, D)
    publish_province(committed_db, "79", D)

    export_province(committed_db, "79", "2026-W25", tmp_path)

    def listed(ma_xa: str, sheet: str, column: int) -> list:
        ws = openpyxl.load_workbook(tmp_path / "2026-W25" / "79" / f"{ma_xa}.xlsx")[sheet]
        return [row[column] for row in ws.iter_rows(min_row=10, values_only=True) if isinstance(row[0], int)]

    assert listed(XA_79_A, "Tiềm năng", 1) == ["Hoàng Thị Én"]
    assert listed(XA_79_B, "Tiềm năng", 1) == ["Lê Thị Cúc"]
    assert listed(XA_79_A, "Đến hạn đóng", 1) == ["Đỗ Văn An", "Nguyễn Văn Hùng", "Nguyễn Văn Hùng"]
    assert listed(XA_79_A, "Đến hạn đóng", 7) == ["BHYT hộ gia đình", "BHYT hộ gia đình", "BHXH tự nguyện"]
    assert listed(XA_79_B, "Đến hạn đóng", 1) == ["Trần Văn Bình"]
    assert listed(XA_79_A, "Đơn vị tiềm năng", 2) == []
    assert listed(XA_79_B, "Đơn vị tiềm năng", 2) == ["Công ty TNHH Ánh Dương"]


def test_export_leaves_the_garbage_collector_as_it_found_it(committed_db, tmp_path):
    import gc

    import openpyxl

    with db.connect(committed_db) as conn:
        w = World(conn, delivered=date(2026, 6, 1))
        w.person(w.welfare(XA_79_A, "CN"), ho_ten="Hoàng Thị Én")
        build_lists(conn, D)
    publish_province(committed_db, "79", D)

    # the collector is paused while each workbook is written, and only resumed if it was running
    assert gc.isenabled()
    export_province(committed_db, "79", "2026-W25", tmp_path / "enabled")
    assert gc.isenabled()
    gc.disable()
    try:
        export_province(committed_db, "79", "2026-W25", tmp_path / "disabled")
        assert not gc.isenabled()
    finally:
        gc.enable()
    for run in ("enabled", "disabled"):
        ws = openpyxl.load_workbook(tmp_path / run / "2026-W25" / "79" / f"{XA_79_A}.xlsx")["Tiềm năng"]
        assert ws["B10"].value == "Hoàng Thị Én"


def test_revision2_sheets_duplicate_cards_and_arrears(committed_db, tmp_path):
    import openpyxl

    with db.connect(committed_db) as conn:
        w = World(conn, delivered=date(2026, 6, 1))
        w.person(w.register(7, XA_79_A), w.register(9, XA_79_A), ho_ten="Vũ Thị Lan", ngay_sinh="1985-03-04")
        w.coverage(7, "BHYT", date(2026, 1, 1), date(2026, 12, 31), doi_tuong="HN")
        w.coverage(9, "BHYT", date(2026, 2, 1), None, doi_tuong="DN", don_vi="DV9")
        w.employer("DV9", "0300000002", XA_79_A)
        f = w.file("register", "contributions", "contributions.csv", key="contributions")
        for ky in ("2026-01", "2026-02", "2026-03"):
            w._row("contributions", f, ma_don_vi="DV9", ky=ky, phai_dong=1_250_000, da_dong=0)
        build_lists(conn, D)
    publish_province(committed_db, "79", D)

    export_province(committed_db, "79", "2026-W25", tmp_path)

    book = openpyxl.load_workbook(tmp_path / "2026-W25" / "79" / f"{XA_79_A}.xlsx")
    cards = [c.value for c in book["Thẻ trùng"][10]]
    assert cards[:8] == [1, "Vũ Thị Lan", "04/03/1985", "Nam", None, None, "Trùng thẻ BHYT còn hạn", "7, 9"]
    assert cards[8] == ("HN (01/01/2026–31/12/2026; mã người 7); "
                        "DN (01/02/2026–không thời hạn, đơn vị DV9; mã người 9)")
    arrears = [c.value for c in book["Đơn vị nợ đóng"][10]]
    assert arrears[:7] == [1, "DV9", "0300000002", "Đơn vị", 3, 3_750_000, "01/2026"]
