"""How list values are written for collectors: birth dates as known, sources in words, week labels."""

from __future__ import annotations

from datetime import date

from tiemnang.publish import iso_week
from tiemnang.publish.export import _ngay_sinh, _nguon


def test_birth_dates_keep_their_precision():
    assert [_ngay_sinh(v) for v in ("1950-07-03", "1950-07", "1950", None)] == ["03/07/1950", "07/1950", "1950", ""]


def test_sources_in_words():
    text = _nguon([{"nguon": "register", "id_nguoi": 7},
                   {"nguon": "welfare", "tep": "welfare/2026-06-01/25747_hn.csv", "dong": 4}])
    assert text == "CSDL BHXH (mã người 7); Danh sách của UBND xã: welfare/2026-06-01/25747_hn.csv, dòng 4"


def test_week_label_is_the_iso_week():
    assert iso_week(date(2026, 6, 19)) == "2026-W25"
    assert iso_week(date(2026, 1, 1)) == "2026-W01"
