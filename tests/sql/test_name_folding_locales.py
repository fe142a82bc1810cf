"""Name keys are the same on warehouses of every locale (issue #22), and equal to the Python twin."""

from __future__ import annotations

import itertools
import unicodedata

import pytest

from tiemnang import db, localpg, warehouse
from tiemnang.matching import normalize

_VOWELS = "aăâeêioôơuưy"
_TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]  # none, huyền, sắc, ngã, hỏi, nặng


def _corpus() -> list[str]:
    """Every toned vowel in a syllable, in lower and upper case, NFC and NFD; đ/Đ; real names with noise."""
    names = []
    for vowel, tone in itertools.product(_VOWELS, _TONES):
        syllable = unicodedata.normalize("NFC", f"th{vowel}{tone}n")
        names += [syllable, syllable.upper(), unicodedata.normalize("NFD", syllable),
                  unicodedata.normalize("NFD", syllable.upper())]
    names += ["Vũ Thị Hoài Thảo", "VŨ THỊ HOÀI THẢO", "Đặng Hữu Đức", "ĐẶNG HỮU ĐỨC", "đoàn thị ngọc",
              "Nguyễn Thị Hoà", "Nguyễn Thị Hòa", "Phạm Thị Thuý", "Phạm Thị Thúy", "Trương Quốc Khánh",
              "Hoàng Hoài Sương", "HOANG HOAI SUONG", "Lê Thị Hường 2", "  Ngô\u00a0\u00a0Bảo\tChâu. ",
              "Bùi-Xuân  Phái", "Huỳnh\u200bThị Ngọc", "Ｔrần Ｖăn Ａn", "\u0301Lý Thường Kiệt",
              "Ưng Hoàng Phúc", "Ỷ Lan", "\u200b\u200b", "123", "", "Nguyễn Văn Ánh (con)"]
    return names + [unicodedata.normalize("NFD", n) for n in names]


CORPUS = _corpus()


def _keys(conninfo: str) -> list[tuple]:
    with db.connect(conninfo) as conn:
        return conn.execute(
            "SELECT n, mt.ten_chuan(n), mt.khoa_dau(n), mt.khong_dau(n)"
            " FROM unnest(%s::text[]) WITH ORDINALITY AS c(n, i) ORDER BY i", (CORPUS,)).fetchall()


def test_name_keys_identical_on_every_locale_and_to_the_python_twin(locale_warehouses):
    keys = {locale: _keys(conninfo) for locale, conninfo in locale_warehouses.items()}
    ctypes = {}
    for locale, conninfo in locale_warehouses.items():
        with db.connect(conninfo) as conn:
            ctypes[locale] = conn.execute(
                "SELECT datctype, datlocprovider::text, daticulocale FROM pg_database"
                " WHERE datname = current_database()").fetchone()
    assert ctypes == {"C": ("C", "c", None), "C.UTF-8": ("C.UTF-8", "c", None), "icu:vi": ("C", "i", "vi")}
    python = [(n, normalize.ten_chuan(n), normalize.khoa_dau(n), normalize.khong_dau(n)) for n in CORPUS]
    for locale, rows in keys.items():
        assert rows == python, f"keys on the {locale} warehouse differ from the Python twin"


@pytest.mark.parametrize("vowel,tone", list(itertools.product(_VOWELS, _TONES)))
def test_every_toned_vowel_folds_to_its_letter(vowel, tone):
    lower = unicodedata.normalize("NFC", f"th{vowel}{tone}n")
    for form in (lower, lower.upper(), unicodedata.normalize("NFD", lower.upper())):
        assert normalize.ten_chuan(form) == lower
        assert normalize.khong_dau(form) == "th" + unicodedata.normalize("NFD", vowel)[0] + "n"


def test_known_keys(wh_locale):
    rows = wh_locale.execute(
        "SELECT mt.ten_chuan(n), mt.khoa_dau(n), mt.khong_dau(n) FROM unnest(%s::text[]) WITH ORDINALITY"
        " AS c(n, i) ORDER BY i",
        (["VŨ THỊ HOÀI THẢO", "ĐẶNG  Hữu-Đức", "Nguyễn Thị Hoà", "\u200b", "Ngô\u00a0Bảo Châu 2"],)).fetchall()
    hoa = unicodedata.normalize("NFC", "hoa\u0300")
    assert rows == [
        ("vũ thị hoài thảo", unicodedata.normalize("NFC", "vũ thị hoai\u0300 thao\u0309"), "vu thi hoai thao"),
        ("đặng hữu đức", unicodedata.normalize("NFC", "dăng\u0323 hưu\u0303 dưc\u0301"), "dang huu duc"),
        ("nguyễn thị hoà", unicodedata.normalize("NFC", f"nguyên\u0303 thi\u0323 {hoa}"), "nguyen thi hoa"),
        (None, None, None),
        ("ngô bảo châu", unicodedata.normalize("NFC", "ngô bao\u0309 châu"), "ngo bao chau"),
    ]


def test_a_database_that_is_not_utf8_is_refused(pg_cluster):
    name = "tiemnang_sqlascii_probe"
    conninfo = localpg.create_database(name, locale="C", encoding="SQL_ASCII")
    try:
        with pytest.raises(warehouse.WarehouseUnsupported, match="encoding SQL_ASCII"):
            warehouse.prepare_database(conninfo)
        with db.connect(conninfo) as conn:   # refused before any migration ran
            assert conn.execute("SELECT to_regclass('ops.schema_migrations')").fetchone()[0] is None
    finally:
        localpg.drop_database(name)


def test_a_fold_that_follows_the_locale_is_refused(database_factory):
    """The probe catches a name function whose meaning follows LC_CTYPE (0003's, on a C-locale warehouse)."""
    conninfo, drop = database_factory("tiemnang_loc_probe", locale="C")
    try:
        with db.connect(conninfo) as conn:
            conn.execute("""CREATE OR REPLACE FUNCTION mt.ten_chuan(p text) RETURNS text
                LANGUAGE sql IMMUTABLE AS $$ SELECT nullif(btrim(regexp_replace(regexp_replace(
                lower(normalize(p, NFC)), '[^[:alpha:]\\u0300-\\u036f ]+', ' ', 'g'), '\\s+', ' ', 'g')), '') $$""")
            conn.commit()
            with pytest.raises(warehouse.WarehouseUnsupported, match="name folding on this warehouse"):
                warehouse.prepare(conn)
    finally:
        drop()
