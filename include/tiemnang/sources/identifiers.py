"""Pure checks and normalisers for identifiers, dates, sex and text (CONTRACT §1, §2)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from typing import NamedTuple

from stdnum.exceptions import ValidationError
from stdnum.vn import mst

from tiemnang.vietnamese import bo_dau

_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"[0-9]+")
_MA_THE = re.compile(r"([A-Z]{2})([1-5])([0-9]{2})([0-9]{10})")
_INT = re.compile(r"[+-]?\d+")
_INT_ZERO_FRACTION = re.compile(r"[+-]?\d+\.0+")
_THOUSANDS = re.compile(r"\d{1,3}([.,]\d{3})+")
_THOUSANDS_SEP = re.compile(r"[.,]")
_WHOLE = re.compile(r"\d+")
# control characters that are not whitespace (NUL, ESC, DEL, C1) and format characters (zero-width space and
# joiners, BOM, soft hyphen, direction marks): invisible, never part of a name or code, and NUL cannot be stored
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u180e"
                        r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
_YEAR_MIN, _YEAR_MAX = 1880, 2100
# a whole number longer than this is beyond every column (bigint has 19 digits) and is not converted: Python
# refuses int() of more than 4,300 digits, and a 5,000-digit wage must be a warning, not a crash
_MAX_DIGITS = 40
TOO_LARGE = 10 ** _MAX_DIGITS


def clean_text(value: object) -> str:
    """A cell as NFC text with outer spaces trimmed and inner runs of whitespace collapsed."""
    if value is None:
        return ""
    # fast path (most cells): printable text holds no whitespace but " " (str.isprintable excludes every
    # other character re's \s matches), so only outer spaces can change, once the text is NFC
    if (type(value) is str and value.isprintable() and "  " not in value
            and (value.isascii() or unicodedata.is_normalized("NFC", value))):
        return value.strip(" ")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value))
    if not text.isprintable():
        text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def has_invisible(value: object) -> bool:
    """Whether a cell holds control or format characters that clean_text removes (whitespace aside)."""
    return type(value) is str and not value.isprintable() and _INVISIBLE.search(value) is not None


def has_letter(text: str) -> bool:
    """Whether a (cleaned) name has a visible letter at all: not only digits, punctuation or symbols."""
    return text[:1].isalpha() or any(c.isalpha() for c in text)


def fold(text: str) -> str:
    """Lower-case letters and digits only, without diacritics (đ → d): for matching header titles."""
    # the short texts it is for (titles, codes, sex) repeat and are cached; a long cell is not kept: 4,096 cells
    # of 131,072 characters would hold a gigabyte
    return _fold_cached(text) if len(text) <= 100 else _fold(text)


@functools.lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    return _NOT_ALNUM.sub("", bo_dau(text).lower())


def digits_of(value: object, width: int | None = None) -> str:
    """The identifier in a cell: text without spaces/dots/dashes; a numeric Excel cell gets back the
    leading zeros a number cannot hold when `width` says how long the identifier is."""
    if type(value) is str:  # the common cell first (CSV cells are all text)
        text = clean_text(value)
        bare = text.replace(" ", "").replace(".", "").replace("-", "")
        return bare if text and _DIGITS.fullmatch(bare) else text
    if isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return clean_text(value)
        text = str(int(value))
        return text.zfill(width) if width and len(text) < width else text
    text = clean_text(value)
    if text and _DIGITS.fullmatch(text.replace(" ", "").replace(".", "").replace("-", "")):
        return text.replace(" ", "").replace(".", "").replace("-", "")
    return text


# ---------------------------------------------------------------- so_ddcn
class IdCheck(NamedTuple):
    value: str | None       # what is stored (None when the cell is empty)
    structure_ok: bool      # 12 digits, province 001–096, century/sex digit 0–5
    trusted: bool           # structure ok and no disagreement with birth year / sex
    warnings: tuple[str, ...]


def check_so_ddcn(raw: object, birth_year: int | None = None, sex: int | None = None) -> IdCheck:
    """Check a 12-digit personal ID against its structure and, when known, the birth year and sex."""
    value = digits_of(raw, 12)
    if not value:
        return IdCheck(None, False, False, ())
    if not (len(value) == 12 and value.isdigit() and 1 <= int(value[:3]) <= 96 and value[3] in "012345"):
        return IdCheck(value, False, False, ("so_ddcn_sai_cau_truc",))
    code = int(value[3])
    warnings = []
    if birth_year is not None and 1900 + 100 * (code // 2) + int(value[4:6]) != birth_year:
        warnings.append("so_ddcn_lech_nam_sinh")
    if sex in (1, 2) and (code % 2) + 1 != sex:
        warnings.append("so_ddcn_lech_gioi_tinh")
    return IdCheck(value, True, not warnings, tuple(warnings))


def check_ma_so_bhxh(raw: object) -> IdCheck:
    """A 10-digit SI number, or the one inside a 15-character HI card code (`ma_the`)."""
    value = digits_of(raw, 10)
    if not value:
        return IdCheck(None, False, False, ())
    if len(value) == 10 and value.isdigit():
        return IdCheck(value, True, True, ())
    card = parse_ma_the(value)
    if card:
        return IdCheck(card.ma_so_bhxh, True, True, ("ma_the_trong_cot_bhxh",))
    return IdCheck(value, False, False, ("ma_so_bhxh_sai",))


class MaThe(NamedTuple):
    ma_doi_tuong: str
    muc_huong: int
    ma_tinh: str
    ma_so_bhxh: str


def parse_ma_the(raw: object) -> MaThe | None:
    """Split an HI card code such as HS4010120878811 into object code, benefit level, province, SI number."""
    match = _MA_THE.fullmatch(clean_text(raw).replace(" ", "").upper())
    if not match:
        return None
    return MaThe(match[1], int(match[2]), match[3], match[4])


# ---------------------------------------------------------------- tax codes
def canonical_mst(raw: object) -> str | None:
    """A valid tax code as `NNNNNNNNNN` or `NNNNNNNNNN-NNN` (branch), else None."""
    value = digits_of(raw)
    if not value or not value.isdigit() or len(value) not in (10, 13):
        return None
    try:
        mst.validate(value)
    except ValidationError:
        return None
    return value if len(value) == 10 else f"{value[:10]}-{value[10:]}"


# ---------------------------------------------------------------- dates
class BirthDate(NamedTuple):
    known: str        # YYYY-MM-DD, YYYY-MM or YYYY
    first_day: dt.date

    @property
    def year(self) -> int:
        return self.first_day.year


_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_MY = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_Y = re.compile(r"(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+)?")
_ISO_YM = re.compile(r"(\d{4})-(\d{2})")


def _make(year: int, month: int | None = None, day: int | None = None) -> BirthDate | None:
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        return None
    try:
        first = dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    if day:
        return BirthDate(first.isoformat(), first)
    if month:
        return BirthDate(f"{year:04d}-{month:02d}", first)
    return BirthDate(f"{year:04d}", first)


def parse_date(raw: object) -> BirthDate | None:
    """A date as known, never invented: dd/mm/yyyy, mm/yyyy, yyyy, ISO (also partial), Excel date cells."""
    if type(raw) is str:  # the common cell first
        # a date is short: a long cell is parsed but not kept (65,536 cells of 131,072 characters: 8 G characters)
        return (_parse_cell_text(raw) if len(raw) <= 40 else _parse_text(clean_text(raw))) if raw else None
    if raw is None or raw == "" or isinstance(raw, bool):
        return None
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return _make(raw.year, raw.month, raw.day)
    if isinstance(raw, int | float):
        # a bare number is only a year; an Excel serial in a non-date cell is not guessed at
        return _make(int(raw)) if float(raw).is_integer() and 1000 <= raw <= 9999 else None
    return _parse_text(clean_text(raw))


@functools.lru_cache(maxsize=1 << 16)
def _parse_cell_text(raw: str) -> BirthDate | None:
    # dates repeat a lot in national files (birth days, card periods): clean and parse each distinct cell once
    return _parse_text(clean_text(raw))


def _parse_text(text: str) -> BirthDate | None:
    for pattern, order in ((_ISO, "ymd"), (_DMY, "dmy"), (_ISO_YM, "ym"), (_MY, "my"), (_Y, "y")):
        m = pattern.fullmatch(text)
        if m:
            parts = dict(zip(order, map(int, m.groups()), strict=True))
            return _make(parts["y"], parts.get("m"), parts.get("d"))
    return None


def parse_day(raw: object) -> dt.date | None:
    """A full calendar date (coverage spells, founding dates); partial or bad → None."""
    parsed = parse_date(raw)
    return parsed.first_day if parsed and len(parsed.known) == 10 else None


def parse_month(raw: object) -> str | None:
    """A tax period `YYYY-MM` (also written mm/yyyy)."""
    parsed = parse_date(raw)
    return parsed.known[:7] if parsed and len(parsed.known) >= 7 else None


# ---------------------------------------------------------------- sex and numbers
def parse_sex(raw: object) -> int | None:
    """1 male / 2 female from `Nam`/`Nữ` in any case or diacritics, or from 1/2."""
    return _SEX.get(fold(clean_text(raw)))


_SEX = {"nam": 1, "1": 1, "nu": 2, "2": 2}


def parse_int(raw: object) -> int | None:
    """A whole number; one of more than 40 digits reads as ±TOO_LARGE (beyond every column's range)."""
    if type(raw) is str:  # the common cell first
        if raw.isascii() and raw.isdigit():
            return int(raw) if len(raw) <= _MAX_DIGITS else TOO_LARGE
        if not raw:
            return None
    elif isinstance(raw, bool):
        return None
    elif isinstance(raw, int):
        return raw
    elif isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    text = clean_text(raw).replace(" ", "")
    if _INT_ZERO_FRACTION.fullmatch(text):
        text = text.split(".")[0]
    elif not _INT.fullmatch(text):
        return None
    return _whole(text)


def _whole(text: str) -> int:
    """int() of a signed digit string, ±TOO_LARGE past 40 digits."""
    if len(text.lstrip("+-")) <= _MAX_DIGITS:
        return int(text)
    return -TOO_LARGE if text.startswith("-") else TOO_LARGE


def parse_amount(raw: object) -> int | float | None:
    """Whole VND amounts, tolerating thousands separators (`1.234.000`, `1,234,000`)."""
    value = parse_int(raw)
    if value is not None:
        return value
    if isinstance(raw, float):
        return raw
    text = clean_text(raw).replace(" ", "")
    if _THOUSANDS.fullmatch(text):
        return _whole(_THOUSANDS_SEP.sub("", text))
    return None


def is_whole_number(raw: object) -> bool:
    """The data-row test for an STT cell (CONTRACT §3)."""
    if isinstance(raw, bool):
        return False
    if isinstance(raw, int):
        return True
    if isinstance(raw, float):
        return raw.is_integer()
    return bool(_WHOLE.fullmatch(clean_text(raw)))
