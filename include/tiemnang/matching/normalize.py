"""Vietnamese name keys: the Python twin of the SQL functions in sql/migrations/0003_matching.sql."""

from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_NOT_NAME = re.compile(r"[^\w\u0300-\u036f ]+|[\d_]+")
_SPACES = re.compile(r"\s+")
_TONE_TO_END = re.compile(f"([{_TONES}])([^ ]*)")
_COMBINING = re.compile("[\u0300-\u036f]")
_SURNAME_GROUP = {"huynh": "hoang", "vo": "vu"}


def ten_chuan(name: str | None) -> str | None:
    """NFC, lower case, punctuation and digits dropped, single spaces; None when nothing is left."""
    if name is None:
        return None
    text = _NOT_NAME.sub(" ", unicodedata.normalize("NFC", name).lower())
    text = _SPACES.sub(" ", text).strip()
    return text or None


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
    if text is None:
        return None
    return _COMBINING.sub("", unicodedata.normalize("NFD", text)).replace("đ", "d")


def ho_nhom(surname: str | None) -> str | None:
    """Regional surname pairs (Hoàng/Huỳnh, Vũ/Võ) share a group: weaker evidence, not equality."""
    return _SURNAME_GROUP.get(surname, surname) if surname else surname
