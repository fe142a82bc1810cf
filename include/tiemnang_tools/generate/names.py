"""Vietnamese names and the ways officers' files mangle them (no diacritics, capitals, cp1258)."""

from __future__ import annotations

import random
import unicodedata

from tiemnang.vietnamese import bo_dau

SURNAMES = (
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 40), ("Huỳnh", 20), ("Phan", 45),
    ("Vũ", 39), ("Võ", 20), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10),
    ("Lý", 5), ("Đinh", 6), ("Lương", 4), ("Trịnh", 4), ("Mai", 4), ("Đoàn", 4), ("Tô", 3), ("Cao", 3),
    ("Lâm", 3), ("Hà", 4), ("Tạ", 2), ("Châu", 2), ("Lò", 2), ("Hứa", 1), ("Quách", 1),
)
MIDDLE_MALE = ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Ngọc", "Xuân", "Anh",
               "Gia", "Duy", "Trọng", "Hoàng", "Tuấn")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Hồng", "Phương", "Mai",
                 "Thùy", "Khánh", "Bảo", "Diệu")
GIVEN_MALE = ("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Hiếu", "Hoàng", "Huy", "Khang", "Khoa",
              "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Thịnh",
              "Trung", "Tuấn", "Việt", "Vinh", "Tùng", "Kiên", "Lộc", "Tâm", "Toàn", "Thành", "Đức",
              "Hưng", "Quang", "Sang", "Tú", "Mười", "Sáu", "Nhất", "Phát")
GIVEN_FEMALE = ("Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hồng", "Hương", "Huyền", "Lan", "Linh",
                "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Thảo",
                "Thu", "Thủy", "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Xuân", "Yến", "Hằng", "Lài",
                "Nhi", "Vy", "Hiền", "Như", "Ún")

_SURNAME_NAMES = tuple(s for s, _ in SURNAMES)
_SURNAME_CUM = []
_total = 0
for _, _w in SURNAMES:
    _total += _w
    _SURNAME_CUM.append(_total)


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_NAMES, cum_weights=_SURNAME_CUM)[0]


def full_name(rng: random.Random, family: str, male: bool) -> str:
    if male:
        return f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
    return f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"


def strip_diacritics(text: str) -> str:
    """`Nguyễn Đức` → `Nguyen Duc`, as typed on keyboards without a Vietnamese layout."""
    return bo_dau(text)


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 with decomposed tones: base letters (ơ, ư, ă, â, ê, ô) kept, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        tones = "".join(c for c in parts if c in _TONE_MARKS)
        out.append(base + tones)
    return "".join(out).encode("cp1258")
