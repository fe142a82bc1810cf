"""Provinces and communes as the contract counts them, in the text officers read."""

import unicodedata

from tiemnang.reference import geography


def test_34_provinces_and_3321_communes_each_in_a_province():
    assert len(geography.provinces()) == 34
    assert len(geography.communes()) == 3321
    assert all(tinh in geography.provinces() for _, tinh in geography.communes().values())
    assert geography.province_of("26536") == "79"
    assert not geography.is_commune("99999")


def test_names_are_nfc_with_single_spaces():
    names = [n for n, _ in geography.communes().values()] + list(geography.provinces().values())
    assert all(n == unicodedata.normalize("NFC", n) and n == " ".join(n.split()) for n in names)
    assert geography.communes()["26536"][0] == "Phường Rạch Dừa"
