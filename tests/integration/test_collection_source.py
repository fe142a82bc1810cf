"""CONTRACT §2.6's collection/ source on real ingested files, made the way a collection agent or a clerk makes
them: the agent lists (dai_ly_thu.csv), the yearly targets (chi_tieu.csv) and the field results under ket_qua/
(workbooks with title lines, Excel date cells, headers without diacritics, extra columns, a drop-down; CSVs),
counted row by row with the §3 reason codes, through deliveries that replace the lists and accumulate the results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import assert_conserved, xlsx_bytes
from conftest import delivery as _delivery
from conftest import rows as _rows

from tiemnang.orchestration.weekly import check_quality_gate
from tiemnang.quality import validate
from tiemnang.sources import ingest
from tiemnang.sources.layouts import KET_QUA, NHOM

D = dt.date(2026, 11, 20)
AGENTS_HEADER = "ma_dai_ly,ten_dai_ly,ma_xa,thon,tu_ngay,den_ngay\n"
AGENTS = (AGENTS_HEADER
          + "dl001,Nguyễn Thị Thu,04105,Thôn  Bản Na,2026-01-01,\n"    # 2: the code upper-cased, the hamlet trimmed
          + "DL001,Nguyễn Thị Thu,04105,Thôn 1,2026-01-01,2026-12-31\n"  # 3
          + "DL002,Bưu điện xã Định Hóa,04105,,2026-03-01,\n"           # 4: the whole commune
          + ",Không có mã,04105,,2026-01-01,\n"                          # 5: thieu_ma_dai_ly
          + "DL003,Sai mã xã,99999,,2026-01-01,\n"                       # 6: ma_xa_khong_hop_le
          + "DL004,Ngày không có thật,04105,,2026-02-30,\n"              # 7: ngay_khong_hop_le
          + "DL005,Đến ngày trước từ ngày,04105,,2026-05-01,2026-04-30\n"  # 8: ngay_khong_hop_le
          + "DL006,Thiếu từ ngày,04105,,,\n"                             # 9: ngay_khong_hop_le
          + "DL002,Bưu điện xã Định Hóa,04105,,2026-03-01,\n")           # 10: trung_lap (row 4 again)
TARGETS = ("nam,ma_xa,nhom,chi_tieu\n"
           "2026,04105,HO_TRO_HSSV,120\n"      # 2
           "2026,04105, cao_tuoi ,30\n"        # 3: the code trimmed and upper-cased
           "2026,04105,HOC_SINH,10\n"          # 4: doi_tuong_khong_hop_le (no such group)
           "2026,99999,BB_NLD,5\n"             # 5: ma_xa_khong_hop_le
           "26,04105,BB_NLD,5\n"               # 6: nam_khong_hop_le
           "2026,04105,BB_NLD,-3\n"            # 7: chi_tieu_khong_hop_le
           "2026,04105,BB_NLD,mười\n"          # 8: chi_tieu_khong_hop_le
           "2026,04105,BB_NLD,0\n")            # 9: a target of 0 is a target
RESULTS_HEADER = "Mã đại lý,Họ và tên,Ngày sinh,Số định danh cá nhân,Mã xã,Ngày,Kết quả,Ghi chú\n"


def _agent_workbook(wb) -> None:
    """DL001's results as an agent keeps them in Excel: title lines, the header spelt without diacritics in its
    own order with extra columns, the row of column numbers, Excel date cells, unvisited lines, a footer."""
    ws = wb.active
    ws.append(["BẢO HIỂM XÃ HỘI TỈNH THÁI NGUYÊN"])
    ws.append(["KẾT QUẢ ĐI VẬN ĐỘNG THAM GIA BHXH, BHYT — ĐẠI LÝ DL001"])
    ws.append([])
    ws.append(["STT", "Ma dai ly", "Ho va ten", "Ngay sinh", "So dinh danh ca nhan", "Ma xa", "Thon/To dan pho",
               "Danh sach", "KET QUA", "ngay", "Ghi chu"])
    ws.append(list(range(1, 12)))
    ws.append([1, "DL001", "Lò Văn Páo", dt.date(1985, 3, 2), "", "04105", "Bản Na", "tiem_nang", "DA_LIEN_HE",
               dt.datetime(2026, 11, 2), "hẹn tuần sau"])                                             # 6: accepted
    ws.append([2, "DL001", "Hà Thị Lan", "12/07/1990", "", "04105", "Thôn 1", "tiem_nang", " hen_tham_gia ",
               "03/11/2026", None])                                                                   # 7: accepted
    ws.append([3, "DL001", None, "01/01/1980", "", "04105", "", "tiem_nang", "TU_CHOI", "03/11/2026"])  # 8
    ws.append([4, "DL001", "Vàng A Sử", None, "", "04105", "", "den_han_dong", "KHONG_TIM_THAY",
               dt.date(2026, 11, 4)])                                                                 # 9
    ws.append([5, "DL001", "Lò Thị Mai", "1970", "", "04105", "", "tiem_nang", "DA_DI", "04/11/2026"])  # 10
    ws.append([6, "DL001", "Lò Văn Nam", "1975", "", "04105", "", "tiem_nang", "CHUYEN_DI", "31/02/2026"])  # 11
    ws.append([7, "DL009", "Hà Văn Tư", "1990", "", "04105", "", "tiem_nang", "DA_MAT", "05/11/2026"])  # 12
    ws.append([8, "DL001", "Mùa A Dế", "1960", "", "04105", "", "tiem_nang", None, None])             # 13: not visited
    ws.append([9, "DL001", "Lý Thị Hoa", "1966", "", "99999", "", "tiem_nang", "DA_LIEN_HE", "05/11/2026"])  # 14
    ws.append([2, "DL001", "Hà Thị Lan", "12/07/1990", "", "04105", "Thôn 1", "tiem_nang", " hen_tham_gia ",
               "03/11/2026", None])                                                                   # 15: row 7 again
    ws.append([10, "DL001", "Lò Văn Sinh", "1979", "", "04105", "", "tiem_nang", None, "05/11/2026"])  # 16
    ws.append([])
    ws.append([None, "Người lập biểu", None, None, None, None, None, None, "Ngày 06 tháng 11 năm 2026"])
    for row in (6, 9):
        ws.cell(row, 4 if row == 6 else 10).number_format = "dd/mm/yyyy"


def _load(conninfo: str, root: Path, source: str = "collection", d: dt.date = D) -> dict:
    counts = ingest(conninfo, source, root, d)
    assert counts["rows_read"] == counts["rows_accepted"] + counts["rows_quarantined"]
    checked = validate(conninfo, source, counts["file_ids"])
    assert checked["hard_failed"] == 0
    return counts


def _files(conninfo: str) -> dict[str, list]:
    return {p: r for p, *r in _rows(conninfo, "SELECT path, status, rows_read, rows_accepted, rows_quarantined"
                                              " FROM ops.file_log WHERE source = 'collection'")}


def _reasons(conninfo: str, path: str) -> dict[int, list[str]]:
    return dict(_rows(conninfo, "SELECT row_number, reasons FROM ops.quarantine WHERE path = %s"
                                " AND row_number IS NOT NULL ORDER BY row_number", (path,)))


def _collection(root: Path, date: str, files: dict[str, str | bytes]) -> None:
    for name in files:
        (root / "collection" / date / name).parent.mkdir(parents=True, exist_ok=True)
    _delivery(root, "collection", date, files)


def test_agents_targets_and_results_of_one_delivery_are_loaded_row_by_row(committed_db, tmp_path):
    day = "2026-11-06"
    _collection(tmp_path, day, {
        "dai_ly_thu.csv": AGENTS, "chi_tieu.csv": TARGETS,
        "ket_qua/Kết quả DL001 tuần 45.xlsx": xlsx_bytes(_agent_workbook),
        "ket_qua/dl002.csv": RESULTS_HEADER
        + "DL002,Hoàng Văn Dũng,02/02/1982,,04105,05/11/2026,TU_CHOI,\n"          # 2: accepted
        + "DL006,Lò Văn Hùng,1988,,04105,05/11/2026,DA_LIEN_HE,\n"                # 3: DL006's list row was refused
        + "DL002,Hoàng Thị Mơ,1990,,04105,20/11/2026,DA_LIEN_HE,\n"               # 4: a visit after the delivery
        + ",Hoàng Văn Ba,1990,,04105,05/11/2026,DA_LIEN_HE,\n"},                  # 5: no agent
    )
    counts = _load(committed_db, tmp_path)
    assert counts["files_loaded"] == 4 and counts["rows_read"] == 9 + 8 + 10 + 4

    agents, targets = f"collection/{day}/dai_ly_thu.csv", f"collection/{day}/chi_tieu.csv"
    book, clerk = f"collection/{day}/ket_qua/Kết quả DL001 tuần 45.xlsx", f"collection/{day}/ket_qua/dl002.csv"
    assert _files(committed_db) == {agents: ["loaded", 9, 3, 6], targets: ["loaded", 8, 3, 5],
                                    book: ["loaded", 10, 2, 8], clerk: ["loaded", 4, 1, 3]}
    assert _reasons(committed_db, agents) == {5: ["thieu_ma_dai_ly"], 6: ["ma_xa_khong_hop_le"],
                                              7: ["ngay_khong_hop_le"], 8: ["ngay_khong_hop_le"],
                                              9: ["ngay_khong_hop_le"], 10: ["trung_lap"]}
    assert _reasons(committed_db, targets) == {4: ["doi_tuong_khong_hop_le"], 5: ["ma_xa_khong_hop_le"],
                                               6: ["nam_khong_hop_le"], 7: ["chi_tieu_khong_hop_le"],
                                               8: ["chi_tieu_khong_hop_le"]}
    assert _reasons(committed_db, book) == {8: ["thieu_ho_ten"], 9: ["khong_dinh_danh"],
                                            10: ["ket_qua_khong_hop_le"], 11: ["ngay_khong_hop_le"],
                                            12: ["dai_ly_khong_ton_tai"], 14: ["ma_xa_khong_hop_le"],
                                            15: ["trung_lap"], 16: ["ket_qua_khong_hop_le"]}
    assert _reasons(committed_db, clerk) == {3: ["dai_ly_khong_ton_tai"], 4: ["ngay_khong_hop_le"],
                                             5: ["dai_ly_khong_ton_tai"]}
    assert_conserved(committed_db)
    # the unvisited line (13) is no result: not read, and the file says so
    message = _rows(committed_db, "SELECT message FROM ops.file_log WHERE path = %s", (book,))[0][0]
    assert message.startswith("1 rows with neither Kết quả nor Ngày")

    assert _rows(committed_db, "SELECT dong, ma_dai_ly, ma_xa, thon, thon_khoa, tu_ngay, den_ngay FROM stg.dai_ly_thu"
                               " ORDER BY dong") == [
        (2, "DL001", "04105", "Thôn Bản Na", "thonbanna", dt.date(2026, 1, 1), None),
        (3, "DL001", "04105", "Thôn 1", "thon1", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        (4, "DL002", "04105", None, None, dt.date(2026, 3, 1), None)]
    assert _rows(committed_db, "SELECT dong, nam, ma_xa, nhom, chi_tieu FROM stg.chi_tieu ORDER BY dong") == [
        (2, 2026, "04105", "HO_TRO_HSSV", 120), (3, 2026, "04105", "CAO_TUOI", 30), (9, 2026, "04105", "BB_NLD", 0)]
    assert _rows(committed_db, "SELECT dong, ma_dai_ly, ho_ten, ngay_sinh, ngay_sinh_dau, ma_xa, ngay, ket_qua, ghi_chu"
                               " FROM stg.ket_qua ORDER BY file_id, dong") == [
        (6, "DL001", "Lò Văn Páo", "1985-03-02", dt.date(1985, 3, 2), "04105", dt.date(2026, 11, 2), "DA_LIEN_HE",
         "hẹn tuần sau"),
        (7, "DL001", "Hà Thị Lan", "1990-07-12", dt.date(1990, 7, 12), "04105", dt.date(2026, 11, 3), "HEN_THAM_GIA",
         None),
        (2, "DL002", "Hoàng Văn Dũng", "1982-02-02", dt.date(1982, 2, 2), "04105", dt.date(2026, 11, 5), "TU_CHOI",
         None)]

    # every result file is in force on its own, the lists by their kind
    in_force = _rows(committed_db, "SELECT kind, file_key, path FROM stg.current_files(%s) WHERE source = 'collection'"
                                   " ORDER BY kind, path", (D,))
    assert in_force == [("chi_tieu", "chi_tieu", targets), ("dai_ly_thu", "dai_ly_thu", agents),
                        ("ket_qua", book, book), ("ket_qua", clerk, clerk)]


def test_quarantined_results_hold_no_province_back(committed_db, tmp_path):
    _delivery(tmp_path, "register", "2026-11-05", {
        "persons.csv": "id_nguoi,ma_so_bhxh,so_ddcn,ho_ten,ngay_sinh,gioi_tinh,ma_xa,ma_ho\n"
                       "1,1400000001,,Lò Thị Mai,1970-03-04,2,04105,\n",
        "coverage.csv": "id_nguoi,loai,ma_doi_tuong,ma_don_vi,tu_ngay,den_ngay,phuong_thuc,muc_thu_nhap,"
                        "thu_tu_trong_ho\n",
        "employers.csv": "ma_don_vi,ma_so_thue,ten_don_vi,ma_xa\n"})
    _load(committed_db, tmp_path, "register")
    _collection(tmp_path, "2026-11-16", {
        "dai_ly_thu.csv": AGENTS_HEADER + "DL001,A,04105,,2026-01-01,\n",
        "ket_qua/DL001.xlsx": xlsx_bytes(_agent_workbook)})
    _load(committed_db, tmp_path)
    quarantined = _rows(committed_db, "SELECT count(*) FROM ops.quarantine WHERE source = 'collection'")[0][0]
    assert quarantined == 8
    # every check on collection files is soft: even a failing one concerns no province
    assert _rows(committed_db, "SELECT count(*) FROM ops.dq_result r JOIN ops.file_log f USING (file_id)"
                               " WHERE f.source = 'collection' AND r.severity = 'hard'") == [(0,)]
    gate = check_quality_gate(committed_db, D)
    assert gate["held"] == {} and gate["hard_failures"] == 0 and gate["rows_quarantined"] >= quarantined
    assert _rows(committed_db, "SELECT decision FROM ops.gate_decision WHERE decision IN ('held', 'closed', 'open')"
                               " AND ngay_tham_chieu = %s", (D,)) == [("open",)]


def test_lists_are_replaced_results_accumulate_and_a_redelivered_result_changes_nothing(committed_db, tmp_path):
    first, second = "2026-11-06", "2026-11-13"
    visit = RESULTS_HEADER + "DL001,Lò Văn Páo,1985,,04105,05/11/2026,DA_LIEN_HE,\n"
    _collection(tmp_path, first, {
        "dai_ly_thu.csv": AGENTS_HEADER + "DL001,A,04105,,2026-01-01,\nDL002,B,04105,,2026-01-01,\n",
        "ket_qua/a.csv": visit,
        "ket_qua/b.csv": RESULTS_HEADER + "DL003,Hà Văn Tư,1990,,04105,05/11/2026,TU_CHOI,\n"})  # DL003 not yet listed
    _collection(tmp_path, second, {
        # DL001's contract ended: the new list has DL002 and a new agent DL003, and replaces the first
        "dai_ly_thu.csv": AGENTS_HEADER + "DL002,B,04105,,2026-01-01,\nDL003,C,04105,Bản Na,2026-11-10,\n",
        "ket_qua/a.csv": visit,                                                 # the same file again
        "ket_qua/c.csv": RESULTS_HEADER
        + "DL001,Hà Thị Lan,1990,,04105,10/11/2026,CHUYEN_DI,\n"                # DL001 was listed before: kept
        + "DL003,Hà Văn Tư,1990,,04105,12/11/2026,DA_MAT,\n",                   # DL003 listed in this delivery
        "ket_qua/DL002/tuần 46.csv": RESULTS_HEADER + "DL002,Mùa A Dế,1960,,04105,12/11/2026,KHONG_TIM_THAY,\n"})

    early = _load(committed_db, tmp_path, d=dt.date(2026, 11, 10))       # the first delivery only
    # b.csv's one row is quarantined, so b.csv is quarantined as a file (khong_co_dong_hop_le), as any file is
    assert (early["files_loaded"], early["files_quarantined"]) == (2, 1)
    counts = _load(committed_db, tmp_path)
    assert (counts["files_loaded"], counts["files_unchanged"], counts["files_already_done"]) == (3, 1, 3)

    files = _files(committed_db)
    assert files == {
        f"collection/{first}/dai_ly_thu.csv": ["loaded", 2, 2, 0],
        f"collection/{first}/ket_qua/a.csv": ["loaded", 1, 1, 0],
        f"collection/{first}/ket_qua/b.csv": ["quarantined", 1, 0, 1],
        f"collection/{second}/dai_ly_thu.csv": ["loaded", 2, 2, 0],
        f"collection/{second}/ket_qua/a.csv": ["unchanged", 0, 0, 0],
        f"collection/{second}/ket_qua/c.csv": ["loaded", 2, 2, 0],
        f"collection/{second}/ket_qua/DL002/tuần 46.csv": ["loaded", 1, 1, 0]}
    assert _reasons(committed_db, f"collection/{first}/ket_qua/b.csv") == {2: ["dai_ly_khong_ton_tai"]}
    assert_conserved(committed_db)

    def in_force(d: dt.date) -> list[tuple]:
        return _rows(committed_db, "SELECT kind, path FROM stg.current_files(%s) WHERE source = 'collection'"
                                   " ORDER BY kind, path", (d,))

    assert in_force(dt.date(2026, 11, 10)) == [("dai_ly_thu", f"collection/{first}/dai_ly_thu.csv"),
                                               ("ket_qua", f"collection/{first}/ket_qua/a.csv")]
    # both deliveries' results in force, the first delivery's a.csv once; the later agent list only
    assert in_force(D) == [("dai_ly_thu", f"collection/{second}/dai_ly_thu.csv"),
                           ("ket_qua", f"collection/{first}/ket_qua/a.csv"),
                           ("ket_qua", f"collection/{second}/ket_qua/DL002/tuần 46.csv"),
                           ("ket_qua", f"collection/{second}/ket_qua/c.csv")]
    visits = _rows(committed_db, "SELECT k.ma_dai_ly, k.ho_ten, k.ket_qua FROM stg.ket_qua k"
                                 " JOIN stg.current_files(%s) c USING (file_id) ORDER BY 1, 2", (D,))
    assert visits == [("DL001", "Hà Thị Lan", "CHUYEN_DI"), ("DL001", "Lò Văn Páo", "DA_LIEN_HE"),
                      ("DL002", "Mùa A Dế", "KHONG_TIM_THAY"), ("DL003", "Hà Văn Tư", "DA_MAT")]
    assert _rows(committed_db, "SELECT a.ma_dai_ly, a.thon_khoa FROM stg.dai_ly_thu a"
                               " JOIN stg.current_files(%s) c USING (file_id) ORDER BY 1", (D,)) == [
        ("DL002", None), ("DL003", "banna")]

    # a delivery dated between the two, ready only now: checked against the agent lists dated up to its own date
    late = "collection/2026-11-09/ket_qua/late.csv"
    _collection(tmp_path, "2026-11-09", {"ket_qua/late.csv": RESULTS_HEADER
                                         + "DL002,Lý Thị Hoa,1966,,04105,08/11/2026,TU_CHOI,\n"
                                         + "DL003,Lý Văn Tám,1968,,04105,08/11/2026,TU_CHOI,\n"})  # listed on 11-13
    assert _load(committed_db, tmp_path)["files_loaded"] == 1
    assert _files(committed_db)[late] == ["loaded", 2, 1, 1]
    assert _reasons(committed_db, late) == {3: ["dai_ly_khong_ton_tai"]}
    files = _files(committed_db)

    # another night: every file already done, nothing changes
    again = _load(committed_db, tmp_path)
    assert (again["files_already_done"], again["files_loaded"], again["rows_read"]) == (8, 0, 0)
    assert _files(committed_db) == files


def test_an_agent_workbook_with_a_drop_down_reads_back_as_results(committed_db, tmp_path):
    """The workbook as the pipeline writes one per agent (extra columns STT, Thôn/Tổ dân phố, the list and the group;
    a data-validation drop-down of the result codes on Kết quả), filled in with openpyxl as an agent would in Excel:
    a code picked from the list and a date typed into Ngày on some lines, the others left empty."""
    from openpyxl.worksheet.datavalidation import DataValidation

    def workbook(wb) -> None:
        ws = wb.active
        ws.title = "DL001"
        ws.append(["DANH SÁCH GIAO ĐẠI LÝ THU DL001 — TUẦN 2026-W47"])
        ws.append(["STT", "Mã đại lý", "Họ và tên", "Ngày sinh", "Số định danh cá nhân", "Mã xã", "Thôn/Tổ dân phố",
                   "Danh sách", "Nhóm", "Kết quả", "Ngày", "Ghi chú"])
        people = [("Lò Văn Páo", "1985-03-02", "001085012345"), ("Hà Thị Lan", "1990", ""),
                  ("Vàng A Sử", "1972-05", "")]
        for i, (name, born, ddcn) in enumerate(people, start=1):
            ws.append([i, "DL001", name, born, ddcn, "04105", "Bản Na", "tiem_nang", "HO_TRO_DTTS", None, None, None])
        codes = DataValidation(type="list", formula1='"' + ",".join(sorted(KET_QUA)) + '"', allow_blank=True)
        ws.add_data_validation(codes)
        codes.add("J3:J5")
        # the agent's entries
        ws["J3"], ws["K3"] = "HEN_THAM_GIA", dt.datetime(2026, 11, 16)
        ws["K3"].number_format = "dd/mm/yyyy"
        ws["J5"], ws["K5"], ws["L5"] = "CHUYEN_DI", dt.datetime(2026, 11, 17), "chuyển vào Bình Dương"
        ws["K5"].number_format = "dd/mm/yyyy"

    _collection(tmp_path, "2026-11-18", {"dai_ly_thu.csv": AGENTS_HEADER + "DL001,A,04105,Bản Na,2026-01-01,\n",
                                         "ket_qua/DL001.xlsx": xlsx_bytes(workbook)})
    _load(committed_db, tmp_path)
    path = "collection/2026-11-18/ket_qua/DL001.xlsx"
    assert _files(committed_db)[path] == ["loaded", 2, 2, 0]
    assert _rows(committed_db, "SELECT dong, ma_dai_ly, ho_ten, ngay_sinh, so_ddcn, so_ddcn_tin_cay, ma_xa, ngay,"
                               " ket_qua, ghi_chu FROM stg.ket_qua ORDER BY dong") == [
        (3, "DL001", "Lò Văn Páo", "1985-03-02", "001085012345", True, "04105", dt.date(2026, 11, 16),
         "HEN_THAM_GIA", None),
        (5, "DL001", "Vàng A Sử", "1972-05", None, False, "04105", dt.date(2026, 11, 17), "CHUYEN_DI",
         "chuyển vào Bình Dương")]
    assert_conserved(committed_db)


def test_the_code_lists_the_rules_use_are_the_warehouses(committed_db):
    assert {c for (c,) in _rows(committed_db, "SELECT ma FROM ref.ket_qua")} == KET_QUA
    assert {c for (c,) in _rows(committed_db, "SELECT nhom FROM lists.nhom")} == NHOM
    codes = {c for (c,) in _rows(committed_db, "SELECT code FROM ops.reason_code")}
    assert {"thieu_ma_dai_ly", "nam_khong_hop_le", "chi_tieu_khong_hop_le", "dai_ly_khong_ton_tai",
            "ket_qua_khong_hop_le", "ngay_khong_hop_le", "doi_tuong_khong_hop_le"} <= codes


def test_hamlet_keys_ignore_case_diacritics_and_spacing_but_keep_numbers(committed_db):
    keys = dict(_rows(committed_db, "SELECT t, stg.khoa_thon(t) FROM unnest(%s::text[]) t",
                      (["Thôn Bản Na", "THÔN  BẢN NA", "thon ban-na", "Thôn 1", "Thôn 2", "Tổ dân phố số 5",
                        "Xóm Đồng", "xom dong", "", " - "],)))
    assert keys["Thôn Bản Na"] == keys["THÔN  BẢN NA"] == keys["thon ban-na"] == "thonbanna"
    assert (keys["Thôn 1"], keys["Thôn 2"], keys["Tổ dân phố số 5"]) == ("thon1", "thon2", "todanphoso5")
    assert keys["Xóm Đồng"] == keys["xom dong"] == "xomdong"
    assert keys[""] is None and keys[" - "] is None
