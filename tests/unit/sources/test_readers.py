"""Header search, numbering rows and the CONTRACT §3 data-row rule, without a database."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tiemnang.sources import readers
from tiemnang.sources.layouts import LAYOUTS

WELFARE = LAYOUTS["welfare"]
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã hộ", "Quan hệ với chủ hộ",
          "Đối tượng", "Thôn/Tổ dân phố", "Ghi chú"]


def _table(rows):
    return readers.table(enumerate(rows, start=1), WELFARE)


def test_header_found_below_titles_in_any_order_and_spelling():
    rows = [
        ["UBND XÃ MAI SƠN", "", ""],
        ["DANH SÁCH HỘ NGHÈO", "", ""],
        [],
        ["  ho va TEN", "stt", "NGAY SINH", "gioi tinh", "So dinh danh ca nhan", "MA HO", "DOI TUONG"],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
        ["Lò Văn A", "1", "1960", "Nam", "", "01-001", "HN"],
    ]
    t = _table(rows)
    assert t.positions["ho_ten"] == 0 and t.positions["stt"] == 1
    assert [n for n, _ in t.rows] == [6]


def test_missing_required_column_names_it():
    rows = [["STT", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã hộ", "Đối tượng"]]
    try:
        _table(rows)
    except readers.FileRejected as exc:
        assert exc.reason == "thieu_cot" and "Họ và tên" in exc.message
    else:
        raise AssertionError("expected thieu_cot")


def test_data_row_rule():
    pos = {name: i for i, name in enumerate(["stt", "ho_ten", "ngay_sinh", "so_ddcn", "ma_so_bhxh"])}
    assert readers.is_data_row(["7", "", "", "", ""], pos)
    assert readers.is_data_row([7.0, "", "", "", ""], pos)
    assert readers.is_data_row(["", "Lò Văn A", "1960", "", ""], pos)
    assert readers.is_data_row(["", "Lò Văn A", dt.date(1960, 1, 2), "", ""], pos)
    assert readers.is_data_row(["", "Lò Văn A", "", "014219904054", ""], pos)
    assert readers.is_data_row(["", "Lò Văn A", "31/02/1960", "", ""], pos)    # a mistyped date still counts
    assert not readers.is_data_row(["", "Tổng cộng: 6", 6.0, "", ""], pos)
    assert not readers.is_data_row(["", "Người lập biểu", "", "", "Hiệu trưởng"], pos)
    assert not readers.is_data_row(["", "Nguyễn Thị Thanh", "", "", ""], pos)
    assert not readers.is_data_row(["", "", "Xã Mai Sơn, ngày 10 tháng 11 năm 2026", "", ""], pos)


# ---------------------------------------------------------------- property: layouts never lose or invent rows
TITLES = ["UBND XÃ PHƯỚC HÒA", "DANH SÁCH HỘ NGHÈO", "Năm 2026", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
          "Độc lập - Tự do - Hạnh phúc", "(Kèm theo Quyết định số 12/QĐ-UBND)"]
FOOTERS = [["", "Tổng cộng: 12"], ["", "Người lập biểu", "", "", "", "", "TM. UBND xã Chủ tịch"],
           ["", "(Ký, ghi rõ họ tên)", "", "", "", "", "(Ký tên, đóng dấu)"], ["", "Nguyễn Thị Nhạn"],
           ["", "", "", "", "", "Xã Phước Hòa, ngày 10 tháng 11 năm 2026"], ["Ghi chú: danh sách đã được niêm yết"],
           ["", "Tổng số hộ: 4", 4.0], []]
names = st.text(alphabet="ABCĐEGHIKLMNOƠPQRSTUƯVXYàáạảãăắằặâấầậđêếềệôốồộơớờợưứừựìíịòóọùúụ ", min_size=2, max_size=25)\
    .filter(lambda s: s.strip() != "")


@st.composite
def person_rows(draw):
    stt = draw(st.sampled_from(["number", "float", "empty"]))
    name = draw(names)
    ident = draw(st.sampled_from(["date", "id", "both"]))
    date = f"{draw(st.integers(1, 28)):02d}/{draw(st.integers(1, 12)):02d}/{draw(st.integers(1930, 2025))}"
    ddcn = f"0{draw(st.integers(10, 96)):02d}{draw(st.integers(0, 3))}{draw(st.integers(0, 99999999)):08d}"
    return stt, [
        name, date if ident != "id" else "", "Nam", ddcn if ident != "date" else "", "01-001", "Chủ hộ", "HN", "", "",
    ]


@settings(max_examples=150, deadline=None)
@given(
    titles=st.lists(st.sampled_from(TITLES + [""]), max_size=6),
    numbering=st.sampled_from([None, "plain", "paren"]),
    body=st.lists(st.tuples(person_rows(), st.lists(st.sampled_from(FOOTERS), max_size=2)), min_size=0, max_size=12),
    footer=st.lists(st.sampled_from(FOOTERS), max_size=6),
)
def test_layouts_never_turn_non_data_into_rows_nor_lose_data(titles, numbering, body, footer):
    rows: list[list] = [[t] for t in titles] + [HEADER]
    if numbering:
        rows.append([f"({i})" if numbering == "paren" else str(i) for i in range(1, len(HEADER) + 1)])
    expected = []
    for i, ((stt_kind, cells), between) in enumerate(body, start=1):
        stt = {"number": str(i), "float": float(i), "empty": ""}[stt_kind]
        rows.append([stt, *cells])
        expected.append(len(rows))
        rows.extend([f"{c}" if isinstance(c, str) else c for c in line] for line in between if stt_kind != "x")
    rows.extend(footer)
    got = [n for n, _ in _table(rows).rows]
    assert got == expected


def test_xlsx_row_numbers_are_excel_rows_even_below_empty_rows(tmp_path):
    """A sheet whose first rows are empty still reports the row numbers a person sees in Excel."""
    import xlsxwriter

    path = tmp_path / "00613_ho_ngheo.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(2, 1, ["STT", "Họ và tên"])      # header on Excel row 3, column B
    sheet.write_row(4, 1, [1, "Phan Duy Tùng"])      # Excel row 5
    book.close()
    [(_, position, visible, records)] = list(readers.xlsx_records(path))
    assert (position, visible) == (1, True)
    # cells from column A, as a person counts columns
    assert [(n, cells) for n, cells in records if any(cells)] == [(3, ["", "STT", "Họ và tên"]),
                                                                  (5, ["", 1, "Phan Duy Tùng"])]


def _row_hash_by_definition(cells: list) -> bytes:
    """row_hash as first written: every cell as text (empty for None), trailing empty cells dropped."""
    import hashlib

    values = [c if type(c) is str else "" if c is None else str(readers.jsonable(c)) for c in cells]
    while values and values[-1] == "":
        values.pop()
    return hashlib.md5("\x1f".join(values).encode("utf-8", "surrogatepass"), usedforsecurity=False).digest()


_CELLS = st.lists(st.one_of(st.none(), st.text(max_size=6), st.integers(), st.floats(allow_nan=False),
                            st.booleans(), st.dates()), max_size=8)


@settings(max_examples=500, deadline=None)
@given(_CELLS)
def test_row_hash_fast_path_keeps_the_definition(cells):
    assert readers.row_hash(cells) == _row_hash_by_definition(cells)
    text_only = ["" if c is None else c if isinstance(c, str) else str(c) for c in cells]
    assert readers.row_hash(text_only) == _row_hash_by_definition(text_only)
