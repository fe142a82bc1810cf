"""Vietnamese text in Python: the one diacritic fold, for what Python must fold itself.

Keys of names for matching are SQL's (mt.ten_chuan, mt.khoa_dau, mt.khong_dau; their test twin is
tiemnang.matching.normalize, built on this). Python folds header titles, category codes and hamlet names
when it reads files, and the generator types names the way keyboards without a Vietnamese layout do.
"""

from __future__ import annotations

import re
import unicodedata

_COMBINING = re.compile("[\u0300-\u036f]")


def bo_dau(text: str) -> str:
    """The text without diacritics, case kept: `Nguyễn Đức` → `Nguyen Duc` (đ/Đ → d/D)."""
    return _COMBINING.sub("", unicodedata.normalize("NFD", text)).replace("đ", "d").replace("Đ", "D")
