"""Identifier, date and sex rules (CONTRACT §1, §2)."""

import datetime as dt

import pytest

from tiemnang.sources import identifiers as ids


@pytest.mark.parametrize(
    ("raw", "year", "sex", "structure_ok", "trusted", "warnings"),
    [
        ("014219904054", 2019, 1, True, True, ()),
        ("014319773919", 2019, 2, True, True, ()),
        ("006048968732", 1948, 1, True, True, ()),
        (14219904054.0, 2019, 1, True, True, ()),             # Excel number lost the leading zero
        ("014219904054", 2018, 1, True, False, ("so_ddcn_lech_nam_sinh",)),
        ("014219904054", 2019, 2, True, False, ("so_ddcn_lech_gioi_tinh",)),
        ("176422464", None, None, False, False, ("so_ddcn_sai_cau_truc",)),   # old 9-digit CMND
        ("000219904054", None, None, False, False, ("so_ddcn_sai_cau_truc",)),
        ("097219904054", None, None, False, False, ("so_ddcn_sai_cau_truc",)),
        ("014619904054", None, None, False, False, ("so_ddcn_sai_cau_truc",)),
        ("01421990405A", None, None, False, False, ("so_ddcn_sai_cau_truc",)),
        ("014 219 904 054", 2019, 1, True, True, ()),
    ],
)
def test_so_ddcn(raw, year, sex, structure_ok, trusted, warnings):
    check = ids.check_so_ddcn(raw, year, sex)
    assert (check.structure_ok, check.trusted, check.warnings) == (structure_ok, trusted, warnings)


def test_so_ddcn_empty_is_not_a_warning():
    assert ids.check_so_ddcn("  ") == ids.IdCheck(None, False, False, ())


def test_ma_so_bhxh_and_ma_the():
    assert ids.check_ma_so_bhxh("1425171201") == ids.IdCheck("1425171201", True, True, ())
    card = ids.check_ma_so_bhxh("HS4141442918560")
    assert card.value == "1442918560" and card.trusted and card.warnings == ("ma_the_trong_cot_bhxh",)
    assert ids.parse_ma_the("HS4010120878811") == ids.MaThe("HS", 4, "01", "0120878811")
    assert ids.parse_ma_the("HS6010120878811") is None                # benefit level 1–5 only
    assert ids.check_ma_so_bhxh("12345").warnings == ("ma_so_bhxh_sai",)
    assert ids.check_ma_so_bhxh(425171201.0).value == "0425171201"   # numeric cell, leading zero back


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7966161821", "7966161821"),
        ("1392723778017", "1392723778-017"),
        ("1392723778-017", "1392723778-017"),
        ("7966161822", None),          # check digit
        ("12345", None),
        ("", None),
        ("'; DROP TABLE ops.file_log; --", None),
    ],
)
def test_canonical_mst(raw, expected):
    assert ids.canonical_mst(raw) == expected


@pytest.mark.parametrize(
    ("raw", "known", "first"),
    [
        ("13/04/2019", "2019-04-13", dt.date(2019, 4, 13)),
        ("6/6/1973", "1973-06-06", dt.date(1973, 6, 6)),
        ("03/1948", "1948-03", dt.date(1948, 3, 1)),
        ("1948", "1948", dt.date(1948, 1, 1)),
        (1948.0, "1948", dt.date(1948, 1, 1)),
        ("2019-02-25", "2019-02-25", dt.date(2019, 2, 25)),
        ("2019-02", "2019-02", dt.date(2019, 2, 1)),
        (dt.date(1956, 10, 26), "1956-10-26", dt.date(1956, 10, 26)),
        (dt.datetime(1956, 10, 26, 0, 0), "1956-10-26", dt.date(1956, 10, 26)),
    ],
)
def test_parse_date(raw, known, first):
    assert ids.parse_date(raw) == ids.BirthDate(known, first)


@pytest.mark.parametrize("raw", ["", None, "31/02/1990", "13/13/1990", "abc", 6.0, 40000.0, "0012", "99/2019"])
def test_parse_date_never_invents(raw):
    assert ids.parse_date(raw) is None


@pytest.mark.parametrize(("raw", "sex"), [("Nam", 1), ("NAM", 1), ("nam", 1), ("Nữ", 2), ("NỮ", 2), ("Nu", 2),
                                         ("nu\u031b\u0303", 2), (1, 1), ("2", 2), (2.0, 2), ("x", None), ("", None)])
def test_parse_sex(raw, sex):
    assert ids.parse_sex(raw) == sex


def test_fold_matches_header_spellings():
    assert ids.fold(" Thôn / Tổ  dân  phố  ") == ids.fold("THON/TO DAN PHO") == "thontodanpho"
    assert ids.fold("Số định danh cá nhân") == ids.fold("SO DINH DANH CA NHAN")
    assert ids.fold("ĐỐI TƯỢNG") == "doituong"


def test_clean_text_is_nfc_and_collapsed():
    assert ids.clean_text("  Ho\u0300ng   Va\u0306n ") == "Hòng Văn"
