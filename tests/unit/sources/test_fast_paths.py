"""The register layouts' fast paths give exactly what the full rules give, or hand the row to them."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tiemnang.sources import loader
from tiemnang.sources.layouts import LAYOUTS

PERSONS, COVERAGE = LAYOUTS["persons"], LAYOUTS["coverage"]
CTX = {"ngay_giao": "2026-11-05"}

# per column: cells as the register writes them, then odd ones; a row takes 0–2 odd cells, so that most rows
# reach the fast path's last checks and every check meets the cells it must refuse
GOOD_IDS = ["100008", "7", "0", "9" * 18]
ODD_IDS = ["", " 12", "12 ", "12.0", "-5", "+7", "١٢", "１２", "9" * 19, "9223372036854775808", "9" * 25, "9" * 5000,
           "12\x00"]
GOOD_DATES = ["1962-11-22", "1962-11", "1962", "2004-02-29", "1900", "2026-11-05", "2026-11"]
ODD_DATES = ["22/11/1962", "22.11.1962", "11/1962", "1962-02-30", "1962-13-01", "1879-01-01", "2101", " ", "x",
             " 1962-11-22", "1962-11-22T00:00:00", "1962-11-22 ", "62", "1899-12-31", "1899", "2026-11-06",
             "2026-12", "2027", "1962-11-22\x00"]
PERSON_COLUMNS = [  # id_nguoi, ma_so_bhxh, so_ddcn (drawn apart), ho_ten, ngay_sinh, gioi_tinh, ma_xa, ma_ho
    (GOOD_IDS, ODD_IDS),
    (["0100048272", ""], ["010004827", "01000482721", " 0100048272", "0100.048.272", "0100-048272",
                          "HS4010120878811", "abcdefghij", "０１０００４８２７２"]),
    None,
    (["Phan Thành Long", "A", "Đinh Thị Ư"], ["", " ", "  Lò Văn  A ", "Lò\tVăn", "Le\u0301 Văn", "Ngô\u00a0Hoa",
                                               "\u200b\u200b", "Lò\x00Văn", "Lò\u200bVăn", "---", "12345", "A" * 101,
                                               "A" * 100, "\ufeffLò Văn"]),
    (GOOD_DATES, ["", *ODD_DATES]),
    (["1", "2", ""], ["0", "3", "Nam", "Nữ", "nu", " 1", "x", "１"]),
    (["10210", "04105"], ["", "99999", "1021", " 10210", "10210 ", "10.210", "00001", "１０２１０"]),
    (["0100007920", "", "Hộ 1"], [" x  y ", "A\u0301", "a\tb", "H" * 501, "H" * 500, "H\x00"]),
]
COVERAGE_COLUMNS = [
    (GOOD_IDS, ODD_IDS),
    (["BHYT", "BHXH_BB", "BHXH_TN"], ["bhyt", " BHYT", "", "X"]),
    (["HT", "GB", "", "ht"], [" GB ", "H T", "Đ1", "H\u0301"]),
    (["", "DV1", "NC6569D"], [" dv 1 ", "A  B", "D" * 501, "D\x1b"]),
    (["", "2022-01-01", "2004-02-29"], ["1962-11", "1962", *ODD_DATES]),
    (["", "2022-12-31"], ["1962-11", "1962", *ODD_DATES]),
    (["", "1", "3", "6", "12"], ["2", "01", "99999", "x", "1.0", " 3"]),
    (["", "5000000", "0", "9" * 15], ["5.000.000", "5,000,000", "x", "-5", "1.5", "9" * 25, " 7", "9" * 16,
                                      "1" + "0" * 15, "9" * 5000, "9.999.999.999.999.999"]),
    (["", "1", "9999"], ["10000", "99999", "x", "01", "1.0", "32767", "32768", "9" * 5000]),
]


@st.composite
def _cells(draw, columns) -> list[str]:
    odd = set(draw(st.lists(st.integers(0, len(columns) - 1), max_size=2)))
    return [None if pair is None else draw(st.sampled_from(pair[i in odd])) for i, pair in enumerate(columns)]


@st.composite
def so_ddcn(draw, born: str, sex: str) -> str:
    """Mostly IDs agreeing with the birth date and sex, so that the fast path's last checks are reached."""
    kind = draw(st.sampled_from(["agreeing", "agreeing", "agreeing", "other_sex", "any", "odd"]))
    if kind == "odd":
        return draw(st.sampled_from(["", " 001062192259", "00106219225", "001-062-192-259", "0010621922591",
                                     "001 062 192 259", "０01062192259", "abc062192259"]))
    province = draw(st.sampled_from(["001", "010", "096", "000", "097", "999"]))
    year = int(born[:4]) if born[:4].isdigit() else 1962
    if kind in ("agreeing", "other_sex"):
        century = (year - 1900) // 100
        code = 2 * century + (1 if sex == "2" else 0) if sex in ("1", "2") else 2 * century + draw(st.integers(0, 1))
        code += (1 - 2 * (code % 2)) if kind == "other_sex" else 0
        yy = year % 100
    else:
        code, yy = draw(st.integers(0, 9)), draw(st.integers(0, 99))
    return f"{province}{code}{yy:02d}{draw(st.integers(0, 999999)):06d}"


@st.composite
def persons_cells(draw) -> tuple[str, ...]:
    cells = draw(_cells(PERSON_COLUMNS))
    cells[2] = draw(so_ddcn(cells[4], cells[5]))
    return tuple(cells)


@st.composite
def coverage_cells(draw) -> tuple[str, ...]:
    return tuple(draw(_cells(COVERAGE_COLUMNS)))


def _full_rules(layout, cells):
    verdict = layout.convert(dict(zip((c.name for c in layout.columns), cells, strict=True)), CTX)
    return verdict, tuple(verdict.values.get(name) for name in layout.stg_columns)


def _typed(values):
    return [(type(v), v) for v in values]  # True == 1, so the types are compared too


def _check(layout, cells):
    fast = layout.fast(cells, CTX)
    if fast is None:
        return
    verdict, values = _full_rules(layout, cells)
    assert not verdict.reasons and not verdict.warnings, (cells, verdict)
    assert _typed(fast) == _typed(values), cells


@settings(max_examples=3000, deadline=None)
@given(persons_cells())
def test_persons_fast_path_is_the_full_rules(cells):
    _check(PERSONS, cells)


@settings(max_examples=3000, deadline=None)
@given(coverage_cells())
def test_coverage_fast_path_is_the_full_rules(cells):
    _check(COVERAGE, cells)


def test_register_rows_as_written_take_the_fast_path():
    persons = [("100008", "0100048272", "001062192259", "Phan Thành Long", "1962-11-22", "1", "10210", "0100007920"),
               ("7", "", "", "Lò Văn A", "1962", "", "04105", ""),
               ("8", "0100048273", "001162402966", "Hoàng Thị Trang", "1962-12", "2", "04105", "0100007920")]
    coverage = [("100008", "BHYT", "HT", "", "2022-11-01", "", "", "", ""),
                ("100016", "BHXH_TN", "", "NC6569D", "2022-01-01", "2022-12-31", "12", "5000000", "2")]
    for layout, rows in ((PERSONS, persons), (COVERAGE, coverage)):
        for cells in rows:
            assert layout.fast(cells, CTX) is not None, cells
            _check(layout, cells)


def test_rows_the_fast_path_leaves_get_the_full_rules():
    # a warning (ID against birth year), a reason (unknown commune), a number beyond a smallint
    assert PERSONS.fast(("1", "", "001062192259", "A", "1970-01-01", "1", "10210", ""), CTX) is None
    assert PERSONS.fast(("1", "", "", "A", "1970", "1", "99999", ""), CTX) is None
    assert COVERAGE.fast(("1", "BHYT", "", "", "", "", "", "", "99999"), CTX) is None
    # values the full rules warn about or refuse (issue #15): a birth after the delivery, a name without a letter,
    # a NUL, an id beyond bigint, an income beyond AMOUNT
    assert PERSONS.fast(("1", "", "", "A", "2026-11-06", "1", "10210", ""), CTX) is None
    assert PERSONS.fast(("1", "", "", "\u200b", "1970", "1", "10210", ""), CTX) is None
    assert PERSONS.fast(("1", "", "", "A\x00", "1970", "1", "10210", ""), CTX) is None
    assert PERSONS.fast(("9" * 19, "", "", "A", "1970", "1", "10210", ""), CTX) is None
    assert COVERAGE.fast(("1", "BHXH_TN", "", "", "", "", "", "9" * 16, ""), CTX) is None


def test_digest_prefixes_repeat():
    def prefixes(keys):
        return bytearray(b"".join(k.to_bytes(8, "little") for k in keys))

    for n in (3, 5000):  # without and with numpy
        distinct = list(range(1, n + 1))
        assert not loader._may_repeat(prefixes(distinct))
        assert loader._may_repeat(prefixes([*distinct, n // 2]))
    assert not loader._may_repeat(bytearray())
