"""Vietnamese name keys: the Python twin of the SQL functions mt.ten_chuan, mt.khoa_dau and mt.khong_dau.

The SQL functions (sql/migrations/0003_matching.sql, 0008_locale_independent_names.sql) are the source of
truth; this twin follows them step by step so tests can state expected keys, and uses no locale-dependent
operation either (no str.lower(), no \\w): the result is the same whatever the machine.
"""

from __future__ import annotations

import re
import unicodedata

from tiemnang.vietnamese import bo_dau

_LETTERS = "abcdefghijklmnopqrstuvwxyzđ"
_UPPER_TO_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZĐ", _LETTERS)
_MARKS = "\u0300-\u036f"
_ORPHAN_MARKS = re.compile(f"([^{_LETTERS}{_MARKS}]|^)[{_MARKS}]+")
_NOT_NAME = re.compile(f"[^{_LETTERS}{_MARKS}]+")
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_TONE_TO_END = re.compile(f"([{_TONES}])([^ ]*)")
_SURNAME_GROUP = {"huynh": "hoang", "vo": "vu"}


def ten_chuan(name: str | None) -> str | None:
    """Lower case, NFC, Vietnamese letters only, words separated by one space; None when nothing is left."""
    if name is None:
        return None
    text = unicodedata.normalize("NFKD", name).translate(_UPPER_TO_LOWER)
    text = _NOT_NAME.sub(" ", _ORPHAN_MARKS.sub(r"\1", text))
    return unicodedata.normalize("NFC", text).strip(" ") or None


def khoa_dau(name: str | None) -> str | None:
    """Key with diacritics, each syllable's tone mark moved to its end (Hòa = Hoà); đ → d."""
    text = ten_chuan(name)
    if text is None:
        return None
    moved = _TONE_TO_END.sub(r"\2\1", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", moved).replace("đ", "d")


def khong_dau(name: str | None) -> str | None:
    """Key without diacritics; đ → d."""
    text = ten_chuan(name)
    return None if text is None else bo_dau(text)


def ho_nhom(surname: str | None) -> str | None:
    """Regional surname pairs (Hoàng/Huỳnh, Vũ/Võ) share a group: weaker evidence, not equality."""
    return _SURNAME_GROUP.get(surname, surname) if surname else surname
