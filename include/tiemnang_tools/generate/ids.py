"""Identifiers as CONTRACT §1 defines them: so_ddcn, ma_so_bhxh, ma_the, ma_so_thue (with check digit)."""

from __future__ import annotations

import random

from stdnum.vn import mst

# Pre-2025 province codes used as the first three digits of so_ddcn (place of birth registration).
BIRTH_PROVINCES = (
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40,
    42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83,
    84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
)


def century_sex_digit(year: int, male: bool) -> int:
    return (year // 100 - 19) * 2 + (0 if male else 1)


def so_ddcn(birth_province: int, year: int, male: bool, serial: int) -> str:
    return f"{birth_province:03d}{century_sex_digit(year, male)}{year % 100:02d}{serial:06d}"


def ddcn_typo(rng: random.Random, value: str) -> str:
    """One mistyped digit in the serial part: still 12 digits, still structurally plausible, wrong person."""
    pos = rng.randrange(6, 12)
    digit = str((int(value[pos]) + rng.randrange(1, 10)) % 10)
    return value[:pos] + digit + value[pos + 1:]


def ddcn_wrong_sex(value: str) -> str:
    """The century/sex digit flipped: the ID disagrees with the person's sex."""
    digit = int(value[3])
    return value[:3] + str(digit ^ 1) + value[4:]


def ddcn_wrong_year(value: str) -> str:
    """Birth-year digits off by one: the ID disagrees with the birth year."""
    yy = (int(value[4:6]) + 1) % 100
    return f"{value[:4]}{yy:02d}{value[6:]}"


def tax_code(rng: random.Random, prefix: str = "") -> str:
    """A valid 10-digit ma_so_thue (stdnum.vn.mst check digit)."""
    while True:
        body = prefix + "".join(str(rng.randrange(10)) for _ in range(9 - len(prefix)))
        check = mst.calc_check_digit(body)
        if len(check) == 1:
            return body + check


def bad_check_digit(code: str) -> str:
    """The same tax code with its check digit wrong."""
    head, tail = code[:10], code[10:]
    bad = head[:9] + str((int(head[9]) + 1) % 10)
    assert not mst.is_valid(bad + tail)
    return bad + tail


def ma_the(object_code: str, benefit: int, province: str, ma_so_bhxh: str) -> str:
    return f"{object_code}{benefit}{province}{ma_so_bhxh}"
