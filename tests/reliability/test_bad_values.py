"""Values and shapes that used to stop the chain or be read wrongly (issue #15, parts 2 and 4): each crafted file
ends in a clear file quarantine, or every row in staging or quarantine with its reason codes and warnings.

Ingestion runs directly (`ingest`) for the file outcomes; one test runs the whole chain (`tiemnang run`) over a
generated world with every crafted file added, and one measures the loader's peak RSS on 60 MB one-line CSVs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import psycopg
import pytest
from conftest import delivery, make_database, xlsx_bytes
from harness import ledger, run_to_end

from tiemnang.sources import ingest, readers
from tiemnang_tools.generate import generate

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

D = dt.date(2026, 11, 20)
DAY = "2026-11-10"                      # every crafted delivery: births after it are impossible
WELFARE = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã hộ", "Quan hệ với chủ hộ",
           "Đối tượng", "Thôn/Tổ dân phố", "Ghi chú"]
PERSONS = "id_nguoi,ma_so_bhxh,so_ddcn,ho_ten,ngay_sinh,gioi_tinh,ma_xa,ma_ho\n"
COVERAGE = "id_nguoi,loai,ma_doi_tuong,ma_don_vi,tu_ngay,den_ngay,phuong_thuc,muc_thu_nhap,thu_tu_trong_ho\n"
ENTERPRISES = "ma_so_thue,ten_doanh_nghiep,loai_hinh,ma_xa,dia_chi,ngay_thanh_lap,trang_thai,so_lao_dong,ky\n"
WAGES = "ma_so_thue_don_vi,so_ddcn,ho_ten,ngay_sinh,ky,thu_nhap,loai_hop_dong\n"
ASCII_HEADER = b"STT,Ho va ten,Ngay sinh,Gioi tinh,So dinh danh ca nhan,Ma ho,Quan he voi chu ho,Doi tuong,Thon,Ghi chu"
DDCN_1962 = "001062192259"              # a man born in 1962
HUGE = "9" * 5000                       # Python's int() refuses more than 4,300 digits
# TCVN3 (ABC) bytes of "Nguyễn Văn Đức", "Lê Thị Hương", "Trần Thị Lụa" (as an old commune machine saves them)
TCVN3 = [b"Nguy\xd4n V\xa8n \xa7\xf8c", b"L\xaa Th\xde H\xad\xacng", b"Tr\xa7n Th\xde L\xf4a"]
# VNI bytes of "Đỗ Văn Đức", "Nguyễn Thị Hoàng"
VNI = [b"\xd1o\xe4 Va\xean \xd1\xf6\xf9c", b"Nguye\xe3n Th\xf2 Hoa\xf8ng"]


def _person(**cells: object) -> list:
    row = dict(zip(WELFARE, [1, "Lò Văn An", "03/12/1955", "Nam", "", "01-001", "Chủ hộ", "HN", "Bản Nà Sài", ""],
                   strict=True))
    row.update({WELFARE[int(k[1:])]: v for k, v in cells.items()})
    return list(row.values())


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def _rewrite(book: bytes, member: str, change) -> bytes:
    """The workbook with one part's XML changed (what openpyxl refuses to write: NUL, bombs)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, change(data) if info.filename == member else data)
    return out.getvalue()


def _simple(*rows: list):
    def build(wb):
        ws = wb.active
        ws.append(WELFARE)
        for row in rows:
            ws.append(row)
    return build


SHEET1 = "xl/worksheets/sheet1.xml"


def _two_sheets(wb):
    first = wb.active
    first.title = "Thôn 1"
    first.append(WELFARE)
    first.append(_person())
    first.append(_person(c0=2, c1="Lò Thị Bình", c2="01/05/1960", c3="Nữ", c6="Vợ"))
    second = wb.create_sheet("Thôn 2")   # its own column order, and a column the first sheet does not have
    second.append(["Dân tộc", *reversed(WELFARE)])
    second.append(["Thái", *reversed(_person(c1="Cầm Văn Ba", c5="02-001", c8="Bản Huổi Một"))])
    notes = wb.create_sheet("Ghi chú")
    notes.append(["Danh sách đã niêm yết tại nhà văn hóa"])
    wb.create_sheet("Trống")
    hidden = wb.create_sheet("Mẫu")
    hidden.append(WELFARE)
    hidden.append(_person(c1="Người Mẫu"))
    hidden.sheet_state = "hidden"


def _formulas(wb):
    ws = wb.active
    ws.append(WELFARE)
    ws.append(_person(c0="=ROW()-1"))                                         # STT only: accepted, warned
    ws.append(_person(c0=2, c1='=CONCATENATE("Lò"," Thị Bình")'))             # the name: quarantined
    ws.append(["=ROW()-1", "=B3", "=C3", "=D3", "", "=F3", "", "=H3", "", ""])  # all formulas: not an empty file


def _merged(wb):
    ws = wb.active
    ws.append(["DANH SÁCH HỘ CẬN NGHÈO"])
    ws.merge_cells("A1:J1")
    ws.append(WELFARE)
    for i, (name, born, relation) in enumerate([("Hà Văn Tư", "1970", "Chủ hộ"), ("Lò Thị Năm", "1972", "Vợ"),
                                                ("Hà Văn Sáu", "2001", "Con")], start=1):
        ws.append([i, name, born, "", "", "07-015" if i == 1 else None, relation, "CN" if i == 1 else None, "", ""])
    ws.merge_cells("F3:F5")
    ws.merge_cells("H3:H5")


def _tcvn3_font(wb):
    # typed with a TCVN3 keyboard in a .VnTime font and saved as Unicode: the letters are Latin-1 signs
    ws = wb.active
    ws.append(WELFARE)
    for i, name in enumerate(TCVN3, start=1):
        ws.append(_person(c0=i, c1=name.decode("latin-1"), c8="B\xb6n N\xb7 S\xb8i"))


def _files() -> dict[str, dict[str, bytes]]:
    """Every crafted file, by source (one delivery each, dated DAY)."""
    good = xlsx_bytes(_simple(_person()))
    big_zip = io.BytesIO(good)
    with zipfile.ZipFile(big_zip, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/media/anh.bin", "w") as fh:
        block = bytes(1 << 20)
        for _ in range((readers.MAX_XLSX_BYTES >> 20) + 1):
            fh.write(block)
    far_cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    welfare = {
        "04105_values.csv": _csv([
            WELFARE,
            _person(),                                                          # 2 accepted
            _person(c0=2, c1="\u200b\u200d\u2060"),                             # 3 only zero-width characters
            _person(c0=3, c1="... --- ..."),                                    # 4 only punctuation
            _person(c0=4, c1="Nguyễn " * 600),                                  # 5 4,200 characters
            _person(c0=5, c2="01/01/2027"),                                     # 6 born after the delivery, no ID
            _person(c0=6, c2="15/11/2026", c3="Nam", c4=DDCN_1962),             # 7 …with an ID: accepted, warned
            _person(c0=7, c2="1899"),                                           # 8 born before 1900, no ID
            _person(c0=8, c5="H" * 600),                                        # 9 a 600-character household code
            _person(c0=9, c1="Lò Văn\u00ad Bảy\u200b", c9="ghi\x1bchú"),        # 10 soft hyphen, ZWSP, ESC
        ]),
        "04105_unclosed_quote.csv": _csv([WELFARE, _person()]) + (
            '2,"Cầm Thị Phanh,25/09/1976,Nữ,,01-002,Chủ hộ,HN,Bản Huổi Một,\n'
            '3,Lù Thị Hương,12/03/2012,Nữ,,01-002,Con,HN,Bản Huổi Một,\n'
            '4,Lù Văn Hải,12/03/2014,Nam,,01-002,Con,HN,Bản Huổi Một,"đã đi học"\n').encode(),
        "04105_tcvn3.csv": b"\r\n".join([ASCII_HEADER] + [
            b"%d,%s,01/01/1960,Nam,,01-00%d,Ch\xf2 h\xe9,HN,B\xb6n N\xb7 S\xb8i," % (i, name, i)
            for i, name in enumerate(TCVN3 * 3, start=1)]) + b"\r\n",
        "04105_vni.csv": b"\r\n".join([ASCII_HEADER] + [
            b"%d,%s,01/01/1960,Nam,,01-00%d,Chu\xf8 ho\xe4,HN,Ba\xfbn Na\xf8,," % (i, name, i)
            for i, name in enumerate(VNI * 4, start=1)]) + b"\r\n",
        "04105_nul_cell.xlsx": _rewrite(xlsx_bytes(_simple(_person(c1="Lò Văn NULAn"))), SHEET1,
                                        lambda x: x.replace(b"NUL", b"_x0000_")),
        "04105_dimension_bomb.xlsx": _rewrite(good, SHEET1,
                                              lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="XFD1048576"', x)),
        "04105_far_cell.xlsx": _rewrite(good, SHEET1, lambda x: x.replace(b"</sheetData>", far_cell)),
        "04105_unpacks_big.xlsx": big_zip.getvalue(),
        "04105_sheets.xlsx": xlsx_bytes(_two_sheets),
        "04105_formulas_uncached.xlsx": xlsx_bytes(_formulas),
        "04105_merged.xlsx": xlsx_bytes(_merged),
        "04105_tcvn3_font.xlsx": xlsx_bytes(_tcvn3_font),
    }
    register = {
        "persons.csv": (PERSONS
                        + f"1,,{DDCN_1962},Phan Thành Long,1962-11-22,1,04105,\n"        # 2 accepted
                        + "9999999999999999999999999,,,Lò Văn A,1962,1,04105,\n"          # 3 25-digit id
                        + "9223372036854775808,,,Lò Văn B,1962,1,04105,\n"                # 4 bigint + 1
                        + f"3,,,{'A' * 4000},1962,1,04105,\n"                             # 5 4,000-character name
                        + f"4,,{DDCN_1962},Phan Văn C,2026-11-11,1,04105,\n"              # 6 born after delivery
                        + "5,,,\u200b\u200b,1962,1,04105,\n"                              # 7 zero-width name
                        + f"6,,,Lò Văn D,1962,1,04105,{'H' * 600}\n"),                    # 8 long household code
        "coverage.csv": (COVERAGE
                         + "1,BHYT,HT,,2022-11-01,,,,\n"                                  # 2 accepted
                         + f"1,BHXH_TN,,,2022-01-01,2022-12-31,12,{HUGE},\n"              # 3 5,000-digit income
                         + "1,BHYT,GD,,2022-01-01,2022-12-31,12,,99999\n"                 # 4 order beyond smallint
                         + "9999999999999999999999999,BHYT,HT,,2022-11-01,,,,\n"          # 5 25-digit id
                         + "1,BHYT,HT,,2022-11-01,,99999,,\n"),                           # 6 period beyond smallint
    }
    tax = {
        "enterprises.csv": (ENTERPRISES
                            + "1000000019,Công ty A,NQD,04105,Số 1,01/01/2020,00,99999999999,2026-10\n"
                            + "1000000026,Công ty B,NQD,04105,Số 2,01/01/2020,00,12,2026-10\n"),
        "wage_earners.csv": (WAGES
                             + f"1000000019,{DDCN_1962},Phan Thành Long,22/11/1962,2026-10,{HUGE},KXD\n"
                             + f"1000000019,,Lò Văn E,1980,2026-10,1{'.000' * 2000},KXD\n"),
    }
    return {"welfare": {k: v if isinstance(v, bytes) else v.encode() for k, v in welfare.items()},
            "register": {k: v.encode() for k, v in register.items()}, "tax": {k: v.encode() for k, v in tax.items()}}


FILE_OUTCOMES = {   # file → (status, reason of a quarantined file, or None)
    "welfare/04105_values.csv": ("loaded", None),
    "welfare/04105_unclosed_quote.csv": ("quarantined", "tep_hong"),
    "welfare/04105_tcvn3.csv": ("quarantined", "ma_hoa_khong_ro"),
    "welfare/04105_vni.csv": ("quarantined", "ma_hoa_khong_ro"),
    "welfare/04105_nul_cell.xlsx": ("loaded", None),
    "welfare/04105_dimension_bomb.xlsx": ("quarantined", "tep_hong"),
    "welfare/04105_far_cell.xlsx": ("quarantined", "tep_hong"),
    "welfare/04105_unpacks_big.xlsx": ("quarantined", "tep_hong"),
    "welfare/04105_sheets.xlsx": ("loaded", None),
    "welfare/04105_formulas_uncached.xlsx": ("loaded", None),
    "welfare/04105_merged.xlsx": ("loaded", None),
    "welfare/04105_tcvn3_font.xlsx": ("quarantined", "ma_hoa_khong_ro"),
    "register/persons.csv": ("loaded", None),
    "register/coverage.csv": ("loaded", None),
    "tax/enterprises.csv": ("loaded", None),
    "tax/wage_earners.csv": ("loaded", None),
}


def _path(key: str, day: str = DAY) -> str:
    source, name = key.split("/")
    return f"{source}/{day}/{name}"


@pytest.fixture(scope="module")
def loaded(pg_cluster, tmp_path_factory):
    conninfo, drop = make_database("tiemnang_rel_values")
    root = tmp_path_factory.mktemp("bad_values")
    for source, files in _files().items():
        delivery(root, source, DAY, files)
    counts = {source: ingest(conninfo, source, root, D) for source in ("welfare", "register", "tax")}
    yield conninfo, counts
    drop()


def _log(conninfo: str) -> dict[str, tuple]:
    with psycopg.connect(conninfo) as conn:
        return {p: rest for p, *rest in conn.execute(
            "SELECT path, status, rows_read, rows_accepted, rows_quarantined, coalesce(message, '') FROM ops.file_log")}


def _quarantine(conninfo: str, path: str) -> dict[int | None, list[str]]:
    with psycopg.connect(conninfo) as conn:
        return dict(conn.execute("SELECT row_number, reasons FROM ops.quarantine WHERE path = %s", (path,)).fetchall())


def _staged(conninfo: str, table: str, path: str, columns: str) -> dict[int, tuple]:
    with psycopg.connect(conninfo) as conn:
        return {dong: tuple(rest) for dong, *rest in conn.execute(
            f"SELECT dong, {columns} FROM stg.{table} s JOIN ops.file_log f USING (file_id)"  # noqa: S608
            " WHERE f.path = %s ORDER BY dong", (path,))}


@pytest.mark.parametrize("key", FILE_OUTCOMES)
def test_every_crafted_file_ends_loaded_or_quarantined_and_its_rows_add_up(loaded, key):
    conninfo, _ = loaded
    status, read, accepted, quarantined, message = _log(conninfo)[_path(key)]
    expected, reason = FILE_OUTCOMES[key]
    assert status == expected, (key, message)
    assert read == accepted + quarantined
    if reason:
        assert message.startswith(f"{reason}: ") and read == 0
        assert _quarantine(conninfo, _path(key)) == {None: [reason]}
    else:
        assert read > 0


def test_no_process_died_and_every_file_was_logged(loaded):
    conninfo, counts = loaded
    assert sum(c["files_seen"] for c in counts.values()) == len(_log(conninfo)) == len(FILE_OUTCOMES)
    assert ledger(conninfo)["rows_lost"] == 0


def test_file_messages_say_what_is_wrong(loaded):
    log = _log(loaded[0])
    message = {key: log[_path(key)][4] for key in FILE_OUTCOMES}
    assert "unclosed quote: record 3" in message["welfare/04105_unclosed_quote.csv"]
    assert "TCVN3" in message["welfare/04105_tcvn3.csv"] and "TCVN3" in message["welfare/04105_tcvn3_font.xlsx"]
    assert "declares 17,179,869,184 cells" in message["welfare/04105_dimension_bomb.xlsx"]
    assert "has cells over 17,179,869,184 cells" in message["welfare/04105_far_cell.xlsx"]
    assert "unpacks to" in message["welfare/04105_unpacks_big.xlsx"]
    assert message["welfare/04105_sheets.xlsx"] == (
        "sheet 'Ghi chú' not read (no header row found; missing column(s): Họ và tên, Ngày sinh, Giới tính, "
        "Số định danh cá nhân, Mã hộ, Đối tượng); sheet 'Mẫu' not read (hidden sheet)")


def test_welfare_values_are_quarantined_or_warned_with_their_codes(loaded):
    conninfo, _ = loaded
    path = _path("welfare/04105_values.csv")
    assert _quarantine(conninfo, path) == {3: ["thieu_ho_ten"], 4: ["thieu_ho_ten"], 5: ["ho_ten_qua_dai"],
                                           6: ["khong_dinh_danh"], 8: ["khong_dinh_danh"]}
    staged = _staged(conninfo, "welfare", path, "ho_ten, ngay_sinh, so_ddcn_tin_cay, ma_ho, ghi_chu, canh_bao")
    assert staged == {
        2: ("Lò Văn An", "1955-12-03", False, "01-001", None, []),
        7: ("Lò Văn An", None, True, "01-001", None, ["ngay_sinh_ngoai_khoang"]),
        9: ("Lò Văn An", "1955-12-03", False, None, None, ["van_ban_qua_dai"]),
        10: ("Lò Văn Bảy", "1955-12-03", False, "01-001", "ghichú", ["ky_tu_an"]),
    }


def test_a_nul_in_a_workbook_cell_is_removed_with_a_warning(loaded):
    staged = _staged(loaded[0], "welfare", _path("welfare/04105_nul_cell.xlsx"), "ho_ten, canh_bao")
    assert staged == {2: ("Lò Văn An", ["ky_tu_an"])}


def test_register_numbers_beyond_their_columns(loaded):
    conninfo, _ = loaded
    persons, coverage = _path("register/persons.csv"), _path("register/coverage.csv")
    assert _quarantine(conninfo, persons) == {3: ["id_nguoi_khong_hop_le"], 4: ["id_nguoi_khong_hop_le"],
                                              5: ["ho_ten_qua_dai"], 7: ["thieu_ho_ten"]}
    assert _staged(conninfo, "persons", persons, "id_nguoi, ngay_sinh, so_ddcn_tin_cay, ma_ho, canh_bao") == {
        2: (1, "1962-11-22", True, None, []),
        6: (4, None, True, None, ["ngay_sinh_ngoai_khoang"]),
        8: (6, "1962", False, None, ["van_ban_qua_dai"]),
    }
    assert _quarantine(conninfo, coverage) == {5: ["id_nguoi_khong_hop_le"]}
    assert _staged(conninfo, "coverage", coverage, "phuong_thuc, muc_thu_nhap, thu_tu_trong_ho, canh_bao") == {
        2: (None, None, None, []),
        3: (12, None, None, ["so_vuot_gioi_han"]),
        4: (12, None, None, ["so_vuot_gioi_han"]),
        6: (None, None, None, ["so_vuot_gioi_han"]),
    }


def test_tax_numbers_beyond_their_columns(loaded):
    conninfo, _ = loaded
    assert _staged(conninfo, "enterprises", _path("tax/enterprises.csv"), "so_lao_dong, canh_bao") == {
        2: (None, ["so_vuot_gioi_han"]), 3: (12, [])}
    assert _staged(conninfo, "wage_earners", _path("tax/wage_earners.csv"), "thu_nhap, canh_bao") == {
        2: (None, ["so_vuot_gioi_han"]), 3: (None, ["so_vuot_gioi_han"])}


def test_every_sheet_with_the_header_is_read_in_the_first_sheets_columns(loaded):
    staged = _staged(loaded[0], "welfare", _path("welfare/04105_sheets.xlsx"), "ho_ten, ma_ho, thon")
    assert staged == {2: ("Lò Văn An", "01-001", "Bản Nà Sài"), 3: ("Lò Thị Bình", "01-001", "Bản Nà Sài"),
                      20_000_002: ("Cầm Văn Ba", "02-001", "Bản Huổi Một")}


def test_formulas_without_values_are_warnings_never_an_empty_file(loaded):
    conninfo, _ = loaded
    path = _path("welfare/04105_formulas_uncached.xlsx")
    assert _staged(conninfo, "welfare", path, "ho_ten, canh_bao") == {2: ("Lò Văn An", ["cong_thuc_chua_tinh"])}
    assert _quarantine(conninfo, path) == {3: ["thieu_ho_ten", "cong_thuc_chua_tinh"],
                                           4: ["thieu_ho_ten", "khong_dinh_danh", "doi_tuong_khong_hop_le",
                                               "cong_thuc_chua_tinh"]}


def test_merged_cells_apply_to_every_row_they_span(loaded):
    staged = _staged(loaded[0], "welfare", _path("welfare/04105_merged.xlsx"), "ho_ten, ma_ho, doi_tuong")
    assert staged == {3: ("Hà Văn Tư", "07-015", "CN"), 4: ("Lò Thị Năm", "07-015", "CN"),
                      5: ("Hà Văn Sáu", "07-015", "CN")}


def test_reason_codes_have_vietnamese_texts(loaded):
    with psycopg.connect(loaded[0]) as conn:
        used = {r for (r,) in conn.execute("SELECT DISTINCT unnest(reasons) FROM ops.quarantine")}
        used |= {w for (w,) in conn.execute("SELECT DISTINCT unnest(canh_bao) FROM stg.welfare UNION "
                                            "SELECT unnest(canh_bao) FROM stg.persons UNION "
                                            "SELECT unnest(canh_bao) FROM stg.coverage")}
        texts = dict(conn.execute("SELECT code, mo_ta FROM ops.reason_code"))
    assert {"ho_ten_qua_dai", "ngay_sinh_ngoai_khoang", "so_vuot_gioi_han", "van_ban_qua_dai", "ky_tu_an",
            "cong_thuc_chua_tinh"} <= used
    assert used <= set(texts)


# ---------------------------------------------------------------- the whole chain does not stop
def test_the_whole_chain_runs_over_every_crafted_file(database_factory, tmp_path):
    out = tmp_path / "world"
    generate(out=out, persons=600, seed=43)
    landing = out / "landing"
    early = "2026-01-05"        # before the world's own deliveries, which replace these register and tax files
    for source, files in _files().items():
        delivery(landing, source, early, files)
    conninfo, drop = database_factory("tiemnang_rel_values_run")
    try:
        run_to_end(conninfo, "2026-11-13", landing, tmp_path / "logs", "crafted", TIEMNANG_RETRY_DELAY_SECONDS="1")
        log = _log(conninfo)
        assert {key: log[_path(key, early)][0] for key in FILE_OUTCOMES} == {
            key: status for key, (status, _) in FILE_OUTCOMES.items()}
        assert ledger(conninfo)["rows_lost"] == 0
        with psycopg.connect(conninfo) as conn:
            assert conn.execute("SELECT count(*) FROM ops.publication").fetchone()[0] > 0
    finally:
        drop()


# ---------------------------------------------------------------- 60 MB on one line: memory stays flat
# VmHWM, not getrusage's ru_maxrss: Linux carries the parent's high-water mark across fork and exec into
# ru_maxrss, so a child of a large pytest process would report pytest's size
LOADER = """
import json, sys, datetime
from pathlib import Path
from tiemnang.sources import ingest
out = ingest(sys.argv[1], "welfare", Path(sys.argv[2]), datetime.date(2026, 11, 20))
out.pop("file_ids")
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"maxrss_kb": hwm, **out}))
"""
MB60 = 60 << 20


def _write_long(path: Path, rows_around: int) -> None:
    """`rows_around` valid rows, one 60 MB line, `rows_around` valid rows (none: the file is that one line);
    written in pieces of under 1 MiB, never held in memory."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        if rows_around:
            f.write(",".join(WELFARE) + "\n")
        for i in range(rows_around):
            f.write(",".join(map(str, _person(c0=i + 1, c1=f"Người Số {i}"))) + "\n")
        f.write("1,")
        piece = "Nguyễn Văn " * (1 << 16)
        written = 0
        while written < MB60:
            f.write(piece)
            written += len(piece.encode())
        f.write("\n")
        for i in range(rows_around):
            f.write(",".join(map(str, _person(c0=i + 1, c1=f"Người Sau {i}"))) + "\n")


def test_sixty_mb_lines_are_refused_with_flat_memory(pg_cluster, tmp_path):
    conninfo, drop = make_database("tiemnang_rel_longline")
    try:
        figures = {}
        for label, around in (("small", None), ("one_line", 0), ("among_rows", 5000)):
            root = tmp_path / label
            folder = delivery(root, "welfare", DAY, {})
            name = folder / f"04105_{label}.csv"
            if around is None:
                name.write_bytes(_csv([WELFARE, _person()]))
            else:
                _write_long(name, around)
            done = subprocess.run([sys.executable, "-c", LOADER, conninfo, str(root)],
                                  capture_output=True, text=True, timeout=900, check=False)
            assert done.returncode == 0, done.stderr[-3000:]
            figures[label] = json.loads(done.stdout.strip().splitlines()[-1])
        log = _log(conninfo)
        for label in ("one_line", "among_rows"):
            status, read, *_, message = log[f"welfare/{DAY}/04105_{label}.csv"]
            assert status == "quarantined" and message.startswith("tep_hong: line ") and read == 0, message
        peak = {label: f["maxrss_kb"] / 1024 for label, f in figures.items()}
        print(f"peak RSS: small file {peak['small']:.0f} MB, 60 MB one-line CSV {peak['one_line']:.0f} MB, "
              f"60 MB line among 10,000 rows {peak['among_rows']:.0f} MB")
        assert max(peak["one_line"], peak["among_rows"]) - peak["small"] < 50, peak
    finally:
        drop()
