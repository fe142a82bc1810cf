"""The collection/ source's row rules, discovery and checks (CONTRACT §2.6, §3), without a warehouse; the loads
themselves: tests/integration/test_collection_source.py."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import xlsx_bytes

from tiemnang.quality.suites import SUITES
from tiemnang.sources import discovery, readers, registry
from tiemnang.sources.layouts import LAYOUTS, UNCOMPUTED, not_visited

CTX = {"ngay_giao": "2026-11-20"}


def _verdict(kind: str, **cells):
    return LAYOUTS[kind].convert(cells, CTX)


def _visit(**changes):
    cells = {"ma_dai_ly": "DL001", "ho_ten": "Lò Văn Páo", "ngay_sinh": "02/03/1985", "so_ddcn": "", "ma_xa": "04105",
             "ngay": "05/11/2026", "ket_qua": "DA_LIEN_HE", "ghi_chu": ""}
    return _verdict("ket_qua", **{**cells, **changes})


def test_a_visit_is_accepted_with_its_codes_normalised():
    v = _visit(ma_dai_ly=" dl001 ", ket_qua="  hen_tham_gia", ngay=dt.datetime(2026, 11, 5))
    assert v.reasons == [] and v.warnings == []
    assert (v.values["ma_dai_ly"], v.values["ket_qua"], v.values["ngay"]) == ("DL001", "HEN_THAM_GIA",
                                                                            dt.date(2026, 11, 5))
    assert (v.values["ngay_sinh"], v.values["ma_xa"]) == ("1985-03-02", "04105")


@pytest.mark.parametrize(("changes", "reasons"), [
    ({"ho_ten": ""}, ["thieu_ho_ten"]),
    ({"ngay_sinh": "", "so_ddcn": "12345"}, ["khong_dinh_danh"]),
    ({"ma_xa": "99999"}, ["ma_xa_khong_hop_le"]),
    ({"ket_qua": "DA DI"}, ["ket_qua_khong_hop_le"]),
    ({"ket_qua": "Đã liên hệ"}, ["ket_qua_khong_hop_le"]),      # a label is not a code
    ({"ket_qua": ""}, ["ket_qua_khong_hop_le"]),
    ({"ngay": "31/02/2026"}, ["ngay_khong_hop_le"]),
    ({"ngay": ""}, ["ngay_khong_hop_le"]),
    ({"ngay": "11/2026"}, ["ngay_khong_hop_le"]),              # a month is not a visit's day
    ({"ngay": "21/11/2026"}, ["ngay_khong_hop_le"]),           # after the delivery
    ({"ngay": "05/11/1999"}, ["ngay_khong_hop_le"]),
    ({"ma_dai_ly": " "}, ["dai_ly_khong_ton_tai"]),
    ({"ho_ten": "", "ma_xa": "", "ket_qua": "X", "ngay": "x"},
     ["thieu_ho_ten", "ma_xa_khong_hop_le", "ngay_khong_hop_le", "ket_qua_khong_hop_le"]),
])
def test_a_visit_that_cannot_stand_is_quarantined_with_its_reasons(changes, reasons):
    assert _visit(**changes).reasons == reasons


def test_the_delivery_day_itself_is_a_possible_visit():
    assert _visit(ngay="20/11/2026").reasons == [] and _visit(ngay="2026-11-20").reasons == []


def test_a_workbook_line_nobody_visited_is_no_result():
    assert not_visited({"ket_qua": "", "ngay": None, "ho_ten": "Lò Văn Páo"})
    assert not_visited({"ket_qua": " ", "ngay": ""})
    assert not not_visited({"ket_qua": "DA_MAT", "ngay": ""})
    assert not not_visited({"ket_qua": "", "ngay": dt.date(2026, 11, 5)})
    assert not not_visited({"ket_qua": UNCOMPUTED, "ngay": ""})    # a formula: its row is read (and warned)


@pytest.mark.parametrize(("cells", "reasons"), [
    ({"tu_ngay": "2026-01-01", "den_ngay": ""}, []),
    ({"tu_ngay": "01/01/2026", "den_ngay": "2026-01-01"}, []),
    ({"tu_ngay": "2026-02-30", "den_ngay": ""}, ["ngay_khong_hop_le"]),
    ({"tu_ngay": "", "den_ngay": ""}, ["ngay_khong_hop_le"]),
    ({"tu_ngay": "2026-05-01", "den_ngay": "2026-04-30"}, ["ngay_khong_hop_le"]),
    ({"tu_ngay": "2026-05-01", "den_ngay": "sắp hết"}, ["ngay_khong_hop_le"]),
    ({"ma_dai_ly": "", "ma_xa": "0410"}, ["thieu_ma_dai_ly", "ma_xa_khong_hop_le"]),
])
def test_agent_rows(cells, reasons):
    row = {"ma_dai_ly": "DL001", "ten_dai_ly": "A", "ma_xa": "04105", "thon": "", "tu_ngay": "2026-01-01",
           "den_ngay": "", **cells}
    v = _verdict("dai_ly_thu", **row)
    assert v.reasons == reasons
    if not reasons:
        assert v.values["tu_ngay"] == dt.date(2026, 1, 1) and v.values["thon"] is None


@pytest.mark.parametrize(("cells", "reasons"), [
    ({}, []),
    ({"chi_tieu": "0"}, []),
    ({"nhom": "xa_atk"}, []),
    ({"nhom": "HN"}, ["doi_tuong_khong_hop_le"]),
    ({"nam": "2026.0"}, ["nam_khong_hop_le"]),
    ({"nam": "1999"}, ["nam_khong_hop_le"]),
    ({"chi_tieu": "-1"}, ["chi_tieu_khong_hop_le"]),
    ({"chi_tieu": "1.000"}, ["chi_tieu_khong_hop_le"]),        # a thousands separator is not guessed at
    ({"chi_tieu": ""}, ["chi_tieu_khong_hop_le"]),
    ({"chi_tieu": "9" * 12}, ["chi_tieu_khong_hop_le"]),
    ({"ma_xa": "", "nhom": "", "nam": "", "chi_tieu": "x"},
     ["nam_khong_hop_le", "ma_xa_khong_hop_le", "doi_tuong_khong_hop_le", "chi_tieu_khong_hop_le"]),
])
def test_target_rows(cells, reasons):
    v = _verdict("chi_tieu", **{"nam": "2026", "ma_xa": "04105", "nhom": "CAO_TUOI", "chi_tieu": "30", **cells})
    assert v.reasons == reasons


def test_a_results_folder_is_found_whatever_its_files_are_named(tmp_path):
    root = tmp_path
    folder = root / "collection" / "2026-11-20"
    (folder / "ket_qua" / "DL002").mkdir(parents=True)
    (folder / "_READY").touch()
    for name in ("dai_ly_thu.csv", "chi_tieu.csv", "ghi chu.txt", "ket_qua/Kết quả tuần 47.XLSX",
                 "ket_qua/DL002/b.csv", "ket_qua/anh.jpg"):
        (folder / name).write_bytes(b"x")
    (folder / "ket_qua" / "Kết quả tuần 47.xlsx").write_bytes(b"x")      # another file, another path
    files = {f.path: f for f in discovery.delivery_files(root, "collection", dt.date(2026, 11, 20), folder)}
    prefix = "collection/2026-11-20/"
    assert [p.removeprefix(prefix) for p in files] == [
        "chi_tieu.csv", "dai_ly_thu.csv", "ghi chu.txt", "ket_qua/DL002/b.csv", "ket_qua/Kết quả tuần 47.XLSX",
        "ket_qua/Kết quả tuần 47.xlsx", "ket_qua/anh.jpg"]                 # results last
    kinds = {p.removeprefix(prefix): (f.kind, f.file_key, f.problem) for p, f in files.items()}
    assert kinds["dai_ly_thu.csv"] == ("dai_ly_thu", "dai_ly_thu", None)
    assert kinds["ket_qua/DL002/b.csv"] == ("ket_qua", f"{prefix}ket_qua/DL002/b.csv", None)
    assert kinds["ket_qua/Kết quả tuần 47.XLSX"][0] == "ket_qua"
    assert kinds["ket_qua/anh.jpg"][2] == kinds["ghi chu.txt"][2] == "ten_tep_khong_hop_le"
    assert "ket_qua" in registry.ACCUMULATING_KINDS and registry.BY_NAME["collection"].required is None


def test_two_result_files_of_one_name_in_nfc_and_nfd_are_a_conflict(tmp_path):
    import unicodedata

    folder = tmp_path / "collection" / "2026-11-20"
    (folder / "ket_qua").mkdir(parents=True)
    for form in ("NFC", "NFD"):
        (folder / "ket_qua" / unicodedata.normalize(form, "Kết quả.csv")).write_bytes(b"x")
    files = discovery.delivery_files(tmp_path, "collection", dt.date(2026, 11, 20), folder)
    assert [f.problem for f in files] == ["tep_trung_khoa", "tep_trung_khoa"]
    assert all(f.path.startswith("collection/2026-11-20/ket_qua/") for f in files)


def test_an_agent_workbook_header_is_found_below_its_titles_with_extra_columns(tmp_path):
    def build(wb):
        ws = wb.active
        ws.append(["DANH SÁCH GIAO ĐẠI LÝ THU"])
        ws.append(["STT", "MÃ ĐẠI LÝ", "Họ và tên", "Ngày sinh", "Số định danh cá nhân", "Mã xã", "Thôn/Tổ dân phố",
                   "Danh sách", "Kết quả", "Ngày", "Ghi chú"])
        ws.append([1, "DL001", "Lò Văn Páo", "1985", "", "04105", "Bản Na", "tiem_nang", "TU_CHOI",
                   dt.datetime(2026, 11, 5)])

    path = tmp_path / "DL001.xlsx"
    path.write_bytes(xlsx_bytes(build))
    table = readers.open_table(path, None, LAYOUTS["ket_qua"], is_csv=False)
    rows = list(table.rows)
    assert set(table.positions) == {"stt", "ma_dai_ly", "ho_ten", "ngay_sinh", "so_ddcn", "ma_xa", "ket_qua", "ngay",
                                    "ghi_chu"}
    assert [number for number, _ in rows] == [3]


def test_the_collection_checks_never_hold_a_province_back():
    source = registry.BY_NAME["collection"]
    kinds = (*(f.removesuffix(".csv") for f in source.files), source.results)
    assert kinds == ("dai_ly_thu", "chi_tieu", "ket_qua")
    for kind in kinds:
        assert SUITES[kind] and all(severity == "soft" for _, _, severity in SUITES[kind]), kind
