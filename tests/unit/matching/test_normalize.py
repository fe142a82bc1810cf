"""Vietnamese name keys (Python twin of the SQL functions)."""

import unicodedata

from tiemnang.matching.normalize import ho_nhom, khoa_dau, khong_dau, ten_chuan


def test_spacing_case_nfc():
    nfd = unicodedata.normalize("NFD", "  NGUYỄN   văn  An. ")
    assert ten_chuan(nfd) == "nguyễn văn an"
    assert ten_chuan("  ") is None


def test_both_tone_placements_give_one_key():
    assert khoa_dau("Hòa") == khoa_dau("Hoà")
    assert khoa_dau("Thúy") == khoa_dau("Thuý")
    assert khoa_dau("Hòa") != khoa_dau("Hóa")


def test_keys_map_d_stroke_and_drop_diacritics():
    assert khoa_dau("ĐẶNG") == khoa_dau("Đặng") == "dăng\u0323"   # tone kept, moved to the syllable end
    assert khong_dau("Đặng Thị Thuý Hoà") == khong_dau("DANG THI THUY HOA") == "dang thi thuy hoa"


def test_regional_surnames_share_a_group_only():
    assert ho_nhom("huynh") == ho_nhom("hoang") == "hoang"
    assert ho_nhom("vo") == ho_nhom("vu")
    assert ho_nhom("le") == "le"
