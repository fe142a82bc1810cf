"""The guards of issue #15 one by one, without a database: values that must not crash, readers that must stay
bounded, workbooks read as officers make them. (The same cases through PostgreSQL: tests/reliability/test_bad_values.py.)
"""

import io
import zipfile

import pytest
from conftest import xlsx_bytes

from tiemnang.sources import identifiers as ids
from tiemnang.sources import readers
from tiemnang.sources.layouts import LAYOUTS, UNCOMPUTED

CTX = {"ngay_giao": "2026-11-05", "ma_xa": "04105"}
WELFARE = LAYOUTS["welfare"]
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã hộ", "Đối tượng"]


def _welfare(**cells):
    row = {"stt": "1", "ho_ten": "Lò Văn An", "ngay_sinh": "1955", "gioi_tinh": "Nam", "so_ddcn": "", "ma_ho": "1",
           "doi_tuong": "HN"}
    row.update(cells)
    return WELFARE.convert(row, CTX)


# ---------------------------------------------------------------- values
def test_numbers_of_any_length_parse_without_raising():
    assert ids.parse_int("9" * 5000) == ids.TOO_LARGE
    assert ids.parse_int("-" + "9" * 5000) == -ids.TOO_LARGE
    assert ids.parse_int(" " + "9" * 5000 + ".00") == ids.TOO_LARGE
    assert ids.parse_amount("1" + ".000" * 2000) == ids.TOO_LARGE
    assert ids.parse_int("9" * 40) == int("9" * 40)


def test_numbers_beyond_their_column_are_empty_with_a_warning():
    coverage = LAYOUTS["coverage"].convert({"id_nguoi": "1", "loai": "BHYT", "phuong_thuc": "99999",
                                            "muc_thu_nhap": "9" * 5000, "thu_tu_trong_ho": "32768"}, CTX)
    assert coverage.reasons == []
    assert (coverage.values["phuong_thuc"], coverage.values["muc_thu_nhap"], coverage.values["thu_tu_trong_ho"]) \
        == (None, None, None)
    assert coverage.warnings == ["so_vuot_gioi_han"] * 3
    kept = LAYOUTS["coverage"].convert({"id_nguoi": "1", "loai": "BHYT", "thu_tu_trong_ho": "32767"}, CTX)
    assert kept.values["thu_tu_trong_ho"] == 32767 and kept.warnings == []
    enterprise = LAYOUTS["enterprises"].convert({"ma_so_thue": "1000000019", "so_lao_dong": "99999999999"}, CTX)
    assert enterprise.values["so_lao_dong"] is None and "so_vuot_gioi_han" in enterprise.warnings


@pytest.mark.parametrize("raw", ["9223372036854775808", "9" * 25, "-9223372036854775809"])
def test_a_register_id_beyond_bigint_cannot_place_the_row(raw):
    assert LAYOUTS["persons"].convert({"id_nguoi": raw, "ho_ten": "A", "ngay_sinh": "1960", "ma_xa": "04105"},
                                      CTX).reasons == ["id_nguoi_khong_hop_le"]


def test_invisible_characters_are_removed_with_a_warning():
    assert ids.clean_text("Lò\x00 Văn\u200b\u00ad An\ufeff") == "Lò Văn An"
    assert ids.clean_text("Lò\tVăn\nAn") == "Lò Văn An"                  # whitespace stays whitespace
    assert ids.has_invisible("a\x1bb") and not ids.has_invisible("a\tb") and not ids.has_invisible("Lò Văn")
    v = _welfare(ho_ten="Lò Văn\x00 An", ghi_chu="a\u202eb")
    assert v.values["ho_ten"] == "Lò Văn An" and v.warnings == ["ky_tu_an"] and v.reasons == []
    assert readers.jsonable("a\x00b") == "ab"                               # jsonb cannot hold NUL


@pytest.mark.parametrize("name", ["", "\u200b\u200d", "\x00", "...", "- / -", "123"])
def test_a_name_without_a_letter_is_no_name(name):
    assert _welfare(ho_ten=name).reasons == ["thieu_ho_ten"]
    # …and a row of one with a birth date is a data row (to be quarantined), as one with no name cell is not
    positions = {"stt": 0, "ho_ten": 1, "ngay_sinh": 2}
    assert readers.is_data_row(["", name, "1955"], positions) == (name != "")


def test_text_beyond_its_limit():
    assert _welfare(ho_ten="A" * 101).reasons == ["ho_ten_qua_dai"]
    assert _welfare(ho_ten="A" * 100).reasons == []
    v = _welfare(ma_ho="H" * 501, thon="T" * 500)
    assert (v.values["ma_ho"], v.values["thon"], v.warnings) == (None, "T" * 500, ["van_ban_qua_dai"])
    v = _welfare(so_ddcn="1" * 600)
    assert v.values["so_ddcn"] is None and "van_ban_qua_dai" in v.warnings
    assert LAYOUTS["employers"].convert({"ma_don_vi": "D" * 501, "ma_so_thue": "1000000019", "ma_xa": "04105"},
                                        CTX).reasons == ["thieu_ma_don_vi"]


@pytest.mark.parametrize(("born", "usable"), [("1899-12-31", False), ("1899", False), ("1900", True),
                                              ("2026-11-05", True), ("2026-11", True), ("2026", True),
                                              ("06/11/2026", False), ("12/2026", False), ("2027", False)])
def test_births_from_1900_to_the_delivery(born, usable):
    v = _welfare(ngay_sinh=born)
    assert (v.values["ngay_sinh"] is not None) == usable
    assert v.warnings == ([] if usable else ["ngay_sinh_ngoai_khoang"])
    assert v.reasons == ([] if usable else ["khong_dinh_danh"])


def test_an_uncomputed_formula_is_a_warning_and_named_in_a_quarantine():
    v = _welfare(stt=UNCOMPUTED)
    assert v.reasons == [] and v.warnings == ["cong_thuc_chua_tinh"]
    v = _welfare(ho_ten=UNCOMPUTED)
    assert v.reasons == ["thieu_ho_ten", "cong_thuc_chua_tinh"]
    positions = {name: i for i, name in enumerate(["stt", "ho_ten", "ngay_sinh"])}
    assert readers.is_data_row([UNCOMPUTED, UNCOMPUTED, ""], positions)
    assert not readers.is_data_row(["", "", "", UNCOMPUTED], positions)   # not in a column of the layout


def test_long_cells_are_not_cached():
    ids._fold_cached.cache_clear()
    assert ids.fold("Giới Tính") == "gioitinh" and ids.fold("Đ" * 5000) == "d" * 5000
    assert ids._fold_cached.cache_info().currsize == 1
    ids._parse_cell_text.cache_clear()
    assert ids.parse_date("1962-11-22").known == "1962-11-22" and ids.parse_date("1" * 5000) is None
    assert ids._parse_cell_text.cache_info().currsize == 1


# ---------------------------------------------------------------- CSV readers
def _csv(tmp_path, data: bytes, encoding: str = "utf-8-sig") -> list:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    return list(readers.csv_records(path, encoding))


def test_a_line_longer_than_the_bound_refuses_the_file(tmp_path):
    with pytest.raises(readers.FileRejected, match="line 2 is longer than"):
        _csv(tmp_path, b"a,b\n" + b"x" * (readers.MAX_LINE + 1) + b"\nc,d\n")
    fields = (readers.MAX_LINE - 1) // 3                                   # a long line of short fields is read
    assert [len(cells) for _, cells in _csv(tmp_path, b"a,b\n" + b",".join([b"xy"] * fields) + b"\n")] == [2, fields]


def test_an_unclosed_quote_refuses_the_file_but_a_note_on_two_lines_is_data(tmp_path):
    header = b"STT,Ho ten,Ngay sinh,Gioi tinh,So dinh danh,Ma ho,Doi tuong\n"
    swallowing = header + b'1,"Lo Van A,1960,Nam,,1,HN\n2,Lo Van B,1961,Nam,,1,HN\n3,Lo Van C,1962,Nam,,1,"HN"\n'
    with pytest.raises(readers.FileRejected, match="unclosed quote: record 2"):
        _csv(tmp_path, swallowing)
    note = header + b'1,Lo Van A,1960,Nam,,1,"HN, ghi chu\ndong hai, ba"\n2,Lo Van B,1961,Nam,,1,HN\n'
    assert [n for n, _ in _csv(tmp_path, note)] == [1, 2, 3]


VIETNAMESE = "Nguyễn Văn Đức, Lê Thị Hương, Trần Thị Lụa, Hoàng Văn Thụ, Phạm Thị Hằng\n" * 3
TCVN3 = b"Nguy\xd4n V\xa8n \xa7\xf8c, L\xaa Th\xde H\xad\xacng, Tr\xa7n Th\xde L\xf4a\n" * 3
VNI = b"\xd1o\xe4 Va\xean \xd1\xf6\xf9c, Nguye\xe3n Th\xf2 Hoa\xf8ng\n" * 3


def test_tcvn3_and_vni_are_refused_but_windows_1258_and_utf8_are_read(tmp_path):
    for data in (TCVN3, VNI):
        with pytest.raises(readers.FileRejected, match="TCVN3") as exc:
            _csv(tmp_path, data, "cp1258")
        assert exc.value.reason == "ma_hoa_khong_ro"
    for data, encoding in ((_cp1258(VIETNAMESE), "cp1258"), (VIETNAMESE.encode(), "utf-8-sig")):
        rows = _csv(tmp_path, data, encoding)
        assert rows[0][1][0] == "Nguyễn Văn Đức", encoding


def _cp1258(text: str) -> bytes:
    """Windows-1258 as old commune machines write it: a letter it has, else its base letter and a tone mark."""
    import unicodedata

    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


# ---------------------------------------------------------------- workbooks
def _book(tmp_path, data: bytes):
    path = tmp_path / "04105_x.xlsx"
    path.write_bytes(data)
    return path


def _sheet_xml(sheet_data: bytes, dimension: bytes = b"A1:B2") -> bytes:
    return (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="'
            + dimension + b'"/><sheetData>' + sheet_data + b"</sheetData></worksheet>")


def _with_sheet(xml: bytes) -> bytes:
    out = io.BytesIO()
    plain = xlsx_bytes(lambda wb: wb.active.append(["STT", "Họ và tên"]))
    with zipfile.ZipFile(io.BytesIO(plain)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, xml if info.filename == "xl/worksheets/sheet1.xml" else zin.read(info.filename))
    return out.getvalue()


@pytest.mark.parametrize(("xml", "message"), [
    (_sheet_xml(b"", b"A1:XFD1048576"), "declares 17,179,869,184 cells"),
    (_sheet_xml(b"", b"XFD1048576"), "declares 17,179,869,184 cells"),
    (_sheet_xml(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'), "has cells over 17,179,869,184 cells"),
    (_sheet_xml(b'<row r="3000"><c r="ZZ3000"><v>1</v></c></row>'), "has cells over 2,106,000 cells"),
])
def test_sheets_over_the_cell_bound_are_refused_before_calamine_reads_them(tmp_path, xml, message, monkeypatch):
    monkeypatch.setattr(readers, "MAX_SHEET_CELLS", 1_000_000)
    with pytest.raises(readers.FileRejected, match=message):
        list(readers.xlsx_records(_book(tmp_path, _with_sheet(xml))))


def test_styled_empty_cells_do_not_count_and_a_small_sheet_passes(tmp_path):
    xml = _sheet_xml(b'<row r="1"><c r="A1" t="inlineStr"><is><t>STT</t></is></c></row>'
                     b'<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    [(_, _, _, records)] = list(readers.xlsx_records(_book(tmp_path, _with_sheet(xml))))
    assert next(iter(records)) == (1, ["STT"])


def test_a_workbook_unpacking_beyond_the_bound_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_XLSX_BYTES", 1 << 20)
    out = io.BytesIO(xlsx_bytes(lambda wb: wb.active.append(["STT"])))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/a.bin", bytes(2 << 20))
    with pytest.raises(readers.FileRejected, match="unpacks to"):
        list(readers.xlsx_records(_book(tmp_path, out.getvalue())))


def test_a_part_unpacking_to_more_than_it_declares_is_refused(tmp_path):
    out = io.BytesIO(xlsx_bytes(lambda wb: wb.active.append(["STT"])))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/a.bin", bytes(3 << 20))
    lying = out.getvalue().replace((3 << 20).to_bytes(4, "little"), (1000).to_bytes(4, "little"))
    with pytest.raises(readers.FileRejected, match="workbook cannot be opened: BadZipFile"):
        list(readers.xlsx_records(_book(tmp_path, lying)))


def test_formula_cells_without_a_value_are_found():
    scan = readers._SheetScan("s")
    scan.feed(b'<row r="2"><c r="A2"><f>ROW()</f><v /></c><c r="B2"><f>1+1</f><v>2</v></c>'
              b'<c r="C2" t="str"><f>IF(A1="","",1)</f><v></v></c><c r="D2"><f t="shared" si="0"/></c></row>')
    scan.feed(b"", final=True)
    assert scan.uncomputed == {1: [0, 3]}


def _rows(table):
    return [(n, [c for c in cells if c not in ("", None)]) for n, cells in table.rows]


def test_every_sheet_with_the_header_is_read_and_the_others_named():
    first = [(1, HEADER), (2, ["1", "Lò Văn An", "1955", "Nam", "", "1", "HN"])]
    moved = [(1, ["Mã hộ", "Họ và tên", "Dân tộc", "STT", "Ngày sinh", "Giới tính", "Số định danh cá nhân",
                  "Đối tượng"]), (2, ["2", "Cầm Thị Ba", "Thái", "1", "1960", "Nữ", "", "CN"])]
    sheets = [("Bìa", 1, True, iter([(1, ["DANH SÁCH HỘ NGHÈO"])])), ("Thôn 1", 2, True, iter(first)),
              ("Trống", 3, True, iter([(1, ["", ""])])), ("Thôn 2", 4, True, iter(moved)),
              ("Mẫu", 5, False, iter(first))]
    table = readers.workbook_table(iter(sheets), WELFARE)
    assert _rows(table) == [(2, ["1", "Lò Văn An", "1955", "Nam", "1", "HN"]),
                            (2, ["1", "Cầm Thị Ba", "1960", "Nữ", "2", "CN", "Thái"])]
    assert table.notes == ["sheet 'Bìa' not read (no header row found; missing column(s): Họ và tên, Ngày sinh, "
                           "Giới tính, Số định danh cá nhân, Mã hộ, Đối tượng)", "sheet 'Mẫu' not read (hidden sheet)"]


def test_merged_ranges_fill_every_row_they_span_and_rows_number_by_sheet(tmp_path):
    def build(wb):
        ws = wb.active
        ws.append(HEADER)
        ws.append(["1", "Hà Văn Tư", "1970", "Nam", "", "07-015", "CN"])
        ws.append(["2", "Lò Thị Năm", "1972", "Nữ", "", None, None])
        ws.merge_cells("F2:F3")
        ws.merge_cells("G2:G3")
        other = wb.create_sheet("Thôn 2")
        other.append(HEADER)
        other.append(["1", "Cầm Văn Ba", "1980", "Nam", "", "02-001", "HN"])

    table = readers.open_table(_book(tmp_path, xlsx_bytes(build)), None, WELFARE, False)
    assert [(n, cells[5:7]) for n, cells in table.rows] == [(2, ["07-015", "CN"]), (3, ["07-015", "CN"]),
                                                            (20_000_002, ["02-001", "HN"])]
