"""The SQL name functions agree with their Python twin and compare IDs and birth dates as documented."""

import unicodedata

import pytest

from tiemnang.matching import normalize

NAMES = ["Nguyễn Văn An", "NGUYỄN THỊ HOÀ", "Phạm Thị Thúy", "Phạm Thị Thuý", "Đặng  Hữu-Đức",
         unicodedata.normalize("NFD", "Huỳnh Thị Ngọc Hòa"), "Vo Van Kiet", "Lê Thị Hường 2"]


@pytest.mark.parametrize("name", NAMES)
def test_sql_twin(wh, name):
    row = wh.execute("SELECT mt.ten_chuan(%s), mt.khoa_dau(%s), mt.khong_dau(%s)", (name, name, name)).fetchone()
    assert row == (normalize.ten_chuan(name), normalize.khoa_dau(name), normalize.khong_dau(name))


def test_id_and_birth_date_levels(wh):
    rows = wh.execute(
        "SELECT mt.id_gan('001080000001', '001080000007'), mt.id_gan('001080000001', '001080000010'),"
        " mt.id_gan('001080000001', '001080000001'), mt.id_gan('001080000001', '001081110001'),"
        " mt.muc_ngay_sinh('1990-03-07', '1990-07-03'), mt.muc_ngay_sinh('1948', '1948-05-02'),"
        " mt.muc_ngay_sinh('1990-03-07', '1990-03-08'), mt.muc_ngay_sinh('1990-03-07', '1990-11-25'),"
        " mt.muc_ngay_sinh(NULL, '1990-11-25')"
    ).fetchone()
    assert rows == (True, True, False, False, "dao_ngay_thang", "mot_phan", "sai_mot_so", "cung_nam", "thieu")
