"""File kinds of CONTRACT §2: their columns, target staging table and row rules (CONTRACT §3)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tiemnang.reference.geography import is_commune
from tiemnang.sources import identifiers as ids

Cells = Mapping[str, Any]
# a CSV row's cells in the layout's `columns` order and the file's context → the staging values (stg_columns
# order) of a row the rules accept without warning, or None when the row needs the full rules (`convert`)
FastPath = Callable[[tuple[str, ...], Mapping[str, str]], tuple[Any, ...] | None]

# Every value must fit its staging column (docs/reliability.md, "No value crashes anything"): whole numbers by
# the column's type, amounts (numeric) by a sane bound, text by a length no name, address or code reaches (it
# also keeps every value under PostgreSQL's btree limit of 2,704 bytes, as matching indexes names and codes).
SMALLINT = (-(1 << 15), (1 << 15) - 1)
INTEGER = (-(1 << 31), (1 << 31) - 1)
BIGINT = (-(1 << 63), (1 << 63) - 1)
AMOUNT = (-(10 ** 15) + 1, 10 ** 15 - 1)    # a million billion VND: beyond any wage, income or turnover
NAME_MAX = 100                              # characters of a person's name
TEXT_MAX = 500                              # characters of any other text or code
BORN_MIN = "1900"                           # births from 1900 (so_ddcn's first century) to the delivery date


class Uncomputed:
    """A workbook formula cell saved without its value (a file written by a program, never opened in Excel):
    it reads as an empty cell, and its row gets the warning `cong_thuc_chua_tinh`."""

    __slots__ = ()

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "Uncomputed()"


UNCOMPUTED = Uncomputed()


@dataclass(frozen=True)
class Column:
    name: str                       # field name in the row dict
    title: str                      # header title as the contract writes it
    required: bool = True


@dataclass
class Verdict:
    """What one data row becomes: staging values, or reasons to quarantine it; warnings either way."""

    values: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    source: str
    kind: str
    table: str                      # stg.<table>
    columns: tuple[Column, ...]
    stg_columns: tuple[str, ...]    # staging columns filled by `convert`, in COPY order
    convert: Callable[[Cells, Mapping[str, str]], Verdict]
    titled: bool = False            # title lines / header search / footer (school and welfare files)
    # the common well-formed CSV row of a large file kind, converted without building a Verdict; its result
    # must be exactly what `convert` gives that row (tests/unit/sources/test_fast_paths.py)
    fast: FastPath | None = None
    binary_copy: bool = False       # staged with COPY (FORMAT BINARY): every value's type is known (CSV only)
    # a data row that is no record of this kind (an agent workbook's line nobody visited): not read, only
    # counted in the file's message
    skip: Callable[[Cells], bool] | None = None
    # set-based steps (sql/ingest/<name>.sql) run in the file's own transaction once its rows are staged and its
    # exact duplicates moved; each takes file_id, source, path, delivery_date and returns (rows moved to
    # quarantine, of them with warnings)
    after_load: tuple[str, ...] = ()

    @property
    def required_titles(self) -> list[str]:
        return [c.title for c in self.columns if c.required]


# ---------------------------------------------------------------- shared field rules
@dataclass(frozen=True)
class _Checked:
    """A layout's rules plus the checks every cell gets: invisible characters, formulas saved without a value.
    (A class, not a closure: layouts travel to the load worker processes by pickle.)"""

    rules: Callable[[Cells, Mapping[str, str]], Verdict]

    def __call__(self, cells: Cells, ctx: Mapping[str, str]) -> Verdict:
        v = self.rules(cells, ctx)
        values = cells.values()
        try:
            if "".join(values).isprintable():  # every CSV row but one with a tab, a line break or worse
                return v
        except TypeError:                      # a workbook row: numbers, dates, None, Uncomputed
            pass
        if any(map(ids.has_invisible, values)):
            v.warnings.append("ky_tu_an")
        if any(type(c) is Uncomputed for c in values):
            v.warnings.append("cong_thuc_chua_tinh")
            if v.reasons:  # what is missing may be what the formula would have given: say so in the quarantine
                v.reasons.append("cong_thuc_chua_tinh")
        return v


def _fit(v: Verdict, value: str | None) -> str | None:
    """A text value, or None with the warning `van_ban_qua_dai` when it is longer than TEXT_MAX."""
    if value is not None and len(value) > TEXT_MAX:
        v.warnings.append("van_ban_qua_dai")
        return None
    return value


def _person(v: Verdict, cells: Cells, ctx: Mapping[str, str], name_field: str = "ho_ten", bhxh: bool = False) -> None:
    """Name, birth date, sex and IDs of a person row; adds the identity reasons and warnings."""
    name = ids.clean_text(cells.get(name_field))
    v.values["ho_ten"] = name or None
    if not ids.has_letter(name):    # empty, or only digits, punctuation and invisible characters
        v.reasons.append("thieu_ho_ten")
    elif len(name) > NAME_MAX:
        v.reasons.append("ho_ten_qua_dai")
    raw_date = cells.get("ngay_sinh")
    born = ids.parse_date(raw_date)
    if born is not None and not BORN_MIN <= born.known <= ctx["ngay_giao"]:
        # ISO text compares as dates, a partial date as its first day: "2026-11" <= "2026-11-20" < "2026-12"
        v.warnings.append("ngay_sinh_ngoai_khoang")
        born = None
    elif born is None and ids.clean_text(raw_date):
        v.warnings.append("ngay_sinh_khong_hop_le")
    v.values["ngay_sinh"] = born.known if born else None
    v.values["ngay_sinh_dau"] = born.first_day if born else None
    if "gioi_tinh" in cells:
        sex = ids.parse_sex(cells.get("gioi_tinh"))
        if sex is None and ids.clean_text(cells.get("gioi_tinh")):
            v.warnings.append("gioi_tinh_khong_hop_le")
        v.values["gioi_tinh"] = sex
    else:
        sex = None
    ddcn = ids.check_so_ddcn(cells.get("so_ddcn"), born.year if born else None, sex)
    v.values["so_ddcn"], v.values["so_ddcn_tin_cay"] = _fit(v, ddcn.value), ddcn.trusted
    v.warnings.extend(ddcn.warnings)
    valid_id = ddcn.structure_ok
    if bhxh:
        si = ids.check_ma_so_bhxh(cells.get("ma_so_bhxh"))
        v.values["ma_so_bhxh"], v.values["ma_so_bhxh_tin_cay"] = _fit(v, si.value), si.trusted
        v.warnings.extend(si.warnings)
        valid_id = valid_id or si.trusted
    if born is None and not valid_id:
        v.reasons.append("khong_dinh_danh")


def _commune(v: Verdict, cells: Cells, name: str = "ma_xa") -> None:
    code = ids.digits_of(cells.get(name), 5)
    v.values[name] = code or None
    if not is_commune(code):
        v.reasons.append("ma_xa_khong_hop_le")


def _text(v: Verdict, cells: Cells, *names: str) -> None:
    for name in names:
        v.values[name] = _fit(v, ids.clean_text(cells.get(name)) or None)


def _code(v: Verdict, cells: Cells, name: str, allowed: frozenset[str] | None, warning: str = "gia_tri_khong_hop_le") -> str | None:
    value = _fit(v, ids.clean_text(cells.get(name)).upper() or None)
    v.values[name] = value
    if value is not None and allowed is not None and value not in allowed:
        v.warnings.append(warning)
    return value


def _parsed(v: Verdict, cells: Cells, name: str, parse: Callable[[Any], Any], warning: str) -> None:
    """Store the parsed value; a non-empty cell that does not parse is kept as empty, with a warning."""
    raw = cells.get(name)
    value = parse(raw)
    if value is None and raw is not None and raw != "" and ids.clean_text(raw):
        v.warnings.append(warning)
    v.values[name] = value


def _number(v: Verdict, cells: Cells, name: str, bounds: tuple[int, int],
            parse: Callable[[Any], Any] = ids.parse_int) -> None:
    """A number its column holds; one beyond `bounds` is kept as empty, with the warning `so_vuot_gioi_han`."""
    _parsed(v, cells, name, parse, "so_khong_hop_le")
    value = v.values[name]
    if value is not None and not bounds[0] <= value <= bounds[1]:
        v.values[name] = None
        v.warnings.append("so_vuot_gioi_han")


def _id_nguoi(v: Verdict, cells: Cells) -> None:
    """The register's person id: a whole number a bigint holds, or the row cannot be placed."""
    value = ids.parse_int(cells.get("id_nguoi"))
    v.values["id_nguoi"] = value
    if value is None or not BIGINT[0] <= value <= BIGINT[1]:
        v.reasons.append("id_nguoi_khong_hop_le")


def _day(v: Verdict, cells: Cells, name: str) -> None:
    _parsed(v, cells, name, ids.parse_day, "ngay_khong_hop_le")


def _month(v: Verdict, cells: Cells, name: str) -> None:
    _parsed(v, cells, name, ids.parse_month, "ky_khong_hop_le")


# ---------------------------------------------------------------- register
def _persons(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    v = Verdict()
    _id_nguoi(v, cells)
    _person(v, cells, ctx, bhxh=True)
    _commune(v, cells)
    _text(v, cells, "ma_ho")
    return v


def _persons_fast(cells: tuple[str, ...], ctx: Mapping[str, str]) -> tuple[Any, ...] | None:
    """`_persons` for a row of printable cells with a name, a full or partial birth date from 1900 to the
    delivery, well-formed IDs agreeing with it, sex 1/2/empty and a known commune: no reason, no warning.
    Anything else returns None (the full rules)."""
    id_nguoi, bhxh, ddcn, ho_ten, ngay_sinh, gioi_tinh, ma_xa, ma_ho = cells
    if not _is_bigint(id_nguoi) or not "".join(cells).isprintable():
        return None
    name = ids.clean_text(ho_ten)
    if not (ids.has_letter(name) and len(name) <= NAME_MAX and len(ma_ho) <= TEXT_MAX):
        return None
    born = ids.parse_date(ngay_sinh)
    if born is None or not BORN_MIN <= born.known <= ctx["ngay_giao"]:
        return None
    sex = _SEX_CELLS.get(gioi_tinh, 0)
    if sex == 0:
        return None
    # the identifier checks themselves: a row they say anything about takes the full rules
    ddcn_check = ids.check_so_ddcn(ddcn, born.year, sex)
    bhxh_check = ids.check_ma_so_bhxh(bhxh)
    if ddcn_check.warnings or bhxh_check.warnings:
        return None
    if not (len(ma_xa) == 5 and ma_xa.isascii() and ma_xa.isdigit() and is_commune(ma_xa)):
        return None
    return (int(id_nguoi), bhxh_check.value, bhxh_check.trusted, name, born.known, born.first_day, sex,
            ddcn_check.value, ddcn_check.trusted, ma_xa, ids.clean_text(ma_ho) or None)


# the sex cells as the register writes them, which parse_sex reads without a warning
_SEX_CELLS = {"1": 1, "2": 2, "": None}


def _is_bigint(cell: str) -> bool:
    """Plain digits that parse_int reads and a bigint column holds (longer ids take the full rules)."""
    return len(cell) <= 18 and cell.isascii() and cell.isdigit()


_COVERAGE_TYPES = frozenset({"BHYT", "BHXH_BB", "BHXH_TN"})


def _coverage(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    v = Verdict()
    _id_nguoi(v, cells)
    loai = ids.clean_text(cells.get("loai")).upper()
    v.values["loai"] = loai
    if loai not in _COVERAGE_TYPES:
        v.reasons.append("loai_khong_hop_le")
    _code(v, cells, "ma_doi_tuong", None)
    _text(v, cells, "ma_don_vi")
    _day(v, cells, "tu_ngay")
    _day(v, cells, "den_ngay")
    _number(v, cells, "phuong_thuc", SMALLINT)
    if v.values["phuong_thuc"] not in (None, 1, 3, 6, 12):
        v.warnings.append("gia_tri_khong_hop_le")
    _number(v, cells, "muc_thu_nhap", AMOUNT, ids.parse_amount)
    _number(v, cells, "thu_tu_trong_ho", SMALLINT)
    return v


def _coverage_fast(cells: tuple[str, ...], ctx: Mapping[str, str]) -> tuple[Any, ...] | None:
    """`_coverage` for a row of printable cells with a known type, full dates or none, an allowed payment period
    and plain whole numbers its columns hold: no reason, no warning. Anything else returns None (the full rules)."""
    id_nguoi, loai, ma_doi_tuong, ma_don_vi, tu_ngay, den_ngay, phuong_thuc, muc_thu_nhap, thu_tu = cells
    if not _is_bigint(id_nguoi) or loai not in _COVERAGE_TYPES or not "".join(cells).isprintable():
        return None
    # a code upper-cased may grow (ß → SS, at most threefold): within TEXT_MAX either way
    if len(ma_doi_tuong) > TEXT_MAX // 3 or len(ma_don_vi) > TEXT_MAX:
        return None
    tu = den = None
    if tu_ngay:
        parsed = ids.parse_date(tu_ngay)
        if parsed is None or len(parsed.known) != 10:
            return None
        tu = parsed.first_day
    if den_ngay:
        parsed = ids.parse_date(den_ngay)
        if parsed is None or len(parsed.known) != 10:
            return None
        den = parsed.first_day
    period = _PERIOD_CELLS.get(phuong_thuc, 0)
    if period == 0:
        return None
    # at most 15 digits: within AMOUNT (a longer number takes the full rules)
    if muc_thu_nhap and not (len(muc_thu_nhap) <= 15 and muc_thu_nhap.isascii() and muc_thu_nhap.isdigit()):
        return None
    # at most 4 digits: the smallint column holds it (a larger number takes the full rules)
    if thu_tu and not (len(thu_tu) <= 4 and thu_tu.isascii() and thu_tu.isdigit()):
        return None
    return (int(id_nguoi), loai, ids.clean_text(ma_doi_tuong).upper() or None,
            ids.clean_text(ma_don_vi) or None, tu, den, period,
            int(muc_thu_nhap) if muc_thu_nhap else None, int(thu_tu) if thu_tu else None)


_PERIOD_CELLS = {"": None, "1": 1, "3": 3, "6": 6, "12": 12}


def _employers(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    v = Verdict()
    _text(v, cells, "ma_don_vi", "ten_don_vi")
    if not v.values["ma_don_vi"]:
        v.reasons.append("thieu_ma_don_vi")
    v.values["ma_so_thue"] = ids.canonical_mst(cells.get("ma_so_thue"))
    if v.values["ma_so_thue"] is None:
        v.reasons.append("ma_so_thue_khong_hop_le")
    _commune(v, cells)
    return v


_KY = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def _contributions(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    """A ledger row (CONTRACT §2.1): unit, month `YYYY-MM`, amounts due and paid in whole VND ≥ 0.

    Whether the unit is in the same delivery's employers.csv is checked once the delivery is loaded
    (sql/ingest/move_unknown_units.sql, reason don_vi_khong_ton_tai).
    """
    v = Verdict()
    _text(v, cells, "ma_don_vi")
    if not v.values["ma_don_vi"]:
        v.reasons.append("thieu_ma_don_vi")
    ky = ids.clean_text(cells.get("ky"))
    v.values["ky"] = ky if _KY.fullmatch(ky) else None
    if v.values["ky"] is None:
        v.reasons.append("ky_khong_hop_le")
    for name in ("phai_dong", "da_dong"):
        amount = ids.parse_int(cells.get(name))
        v.values[name] = amount
        if amount is None or not 0 <= amount <= BIGINT[1]:
            v.values[name] = None
            if "so_tien_khong_hop_le" not in v.reasons:
                v.reasons.append("so_tien_khong_hop_le")
    return v


def _xa_atk(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    """A safe-zone commune (CONTRACT §2.5): a current commune code, and a note."""
    v = Verdict()
    _commune(v, cells)
    _text(v, cells, "ghi_chu")
    return v


# ---------------------------------------------------------------- tax
_LOAI_HINH = frozenset({"NN", "FDI", "NQD", "HTX", "KHAC"})
_PHUONG_PHAP = frozenset({"KE_KHAI", "KHOAN"})
_HOP_DONG = frozenset({"KXD", "XD", "DUOI_1_THANG", "KHAC"})


def _enterprises(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    v = Verdict()
    v.values["ma_so_thue"] = ids.canonical_mst(cells.get("ma_so_thue"))
    if v.values["ma_so_thue"] is None:
        v.reasons.append("ma_so_thue_khong_hop_le")
    _text(v, cells, "ten_doanh_nghiep", "dia_chi")
    _code(v, cells, "loai_hinh", _LOAI_HINH)
    _commune(v, cells)
    _day(v, cells, "ngay_thanh_lap")
    status = ids.clean_text(cells.get("trang_thai"))
    v.values["trang_thai"] = _fit(v, status.zfill(2) if status.isdigit() and len(status) < 2 else status or None)
    _number(v, cells, "so_lao_dong", INTEGER)
    _month(v, cells, "ky")
    return v


def _household_businesses(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    v = Verdict()
    _person(v, cells, ctx, name_field="ho_ten_chu_ho")
    # the owner's 12-digit ID is the tax code since 07/2025; a legacy code has 10 digits
    raw = ids.digits_of(cells.get("ma_so_thue"), None) or (v.values["so_ddcn"] or "")
    if len(raw) == 12:
        v.values["ma_so_thue"] = raw if ids.check_so_ddcn(raw).structure_ok else None
    else:
        v.values["ma_so_thue"] = ids.canonical_mst(raw)
    if v.values["ma_so_thue"] is None:
        v.reasons.append("ma_so_thue_khong_hop_le")
    _commune(v, cells)
    _text(v, cells, "dia_chi_kinh_doanh", "nganh_nghe")
    _number(v, cells, "doanh_thu_nam", AMOUNT, ids.parse_amount)
    _code(v, cells, "phuong_phap", _PHUONG_PHAP)
    return v


def _wage_earners(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    v = Verdict()
    _person(v, cells, ctx)
    raw_employer = cells.get("ma_so_thue_don_vi")
    v.values["ma_so_thue_don_vi"] = ids.canonical_mst(raw_employer)
    if v.values["ma_so_thue_don_vi"] is None:
        v.values["ma_so_thue_don_vi"] = _fit(v, ids.digits_of(raw_employer) or None)
        v.warnings.append("ma_so_thue_don_vi_sai")
    _month(v, cells, "ky")
    _number(v, cells, "thu_nhap", AMOUNT, ids.parse_amount)
    _code(v, cells, "loai_hop_dong", _HOP_DONG)
    return v


# ---------------------------------------------------------------- schools
_CAP_HOC = frozenset({"MN", "TH", "THCS", "THPT", "GDNN", "CD", "DH"})


def _school_directory(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    v = Verdict()
    _text(v, cells, "ma_truong", "ten_truong")
    if not v.values["ma_truong"]:
        v.reasons.append("thieu_ma_truong")
    _code(v, cells, "cap_hoc", _CAP_HOC)
    _commune(v, cells)
    return v


def _roster(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    v = Verdict(values={"ma_truong": ctx["ma_truong"]})
    _person(v, cells, ctx, bhxh=True)
    _text(v, cells, "lop", "khoi", "ghi_chu")
    return v


# ---------------------------------------------------------------- welfare
DOI_TUONG = frozenset({"HN", "CN", "NLNDM", "DTTS", "HTXH", "TUAT"})


def _welfare(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    v = Verdict(values={"ma_xa": ctx["ma_xa"]})
    _person(v, cells, ctx, bhxh=True)
    _text(v, cells, "ma_ho", "quan_he", "thon", "ghi_chu")
    doi_tuong = ids.fold(ids.clean_text(cells.get("doi_tuong"))).upper()
    v.values["doi_tuong"] = doi_tuong
    if doi_tuong not in DOI_TUONG:
        v.reasons.append("doi_tuong_khong_hop_le")
    return v


# ---------------------------------------------------------------- collection (CONTRACT §2.6)
# the result codes (ref.ket_qua) and the §4.1 group codes (lists.nhom): tests/unit/sources/test_collection_rules.py
# holds them equal to the warehouse's tables
KET_QUA = frozenset({"DA_LIEN_HE", "HEN_THAM_GIA", "TU_CHOI", "KHONG_TIM_THAY", "CHUYEN_DI", "DA_MAT"})
NHOM = frozenset({"BB_NLD", "BB_CHU_HKD", "NSNN_DONG", "HO_TRO_CAN_NGHEO", "HO_TRO_DTTS", "HO_TRO_HSSV",
                  "HO_TRO_NLNDM", "DUNG_BHXH_TN", "DUNG_BHYT_GD", "THANH_VIEN_HO", "DUNG_BHXH_BB", "HET_HAN_BHYT",
                  "CAO_TUOI", "XA_ATK"})
VISITED_MIN = "2000-01-01"      # a visit (Ngày) from this day to the delivery date; anything else is impossible
YEARS = (2000, 2100)            # a target's year
_PLAIN_WHOLE = re.compile(r"[0-9]{1,9}")   # a count as a program writes it: "1.000" or "12,5" are not guessed at


def _agent(v: Verdict, cells: Cells) -> str | None:
    """The agent's code: trimmed, upper case (DL001 and dl001 are one agent in lists and results alike)."""
    code = _fit(v, ids.clean_text(cells.get("ma_dai_ly")).upper() or None)
    v.values["ma_dai_ly"] = code
    return code


def _required_day(v: Verdict, cells: Cells, name: str, low: str | None = None, high: str | None = None) -> None:
    """A full date the row cannot do without: missing, impossible (31/02/2026) or outside [low, high] is the
    reason `ngay_khong_hop_le`."""
    value = ids.parse_day(cells.get(name))
    if value is not None and ((low is not None and value.isoformat() < low)
                              or (high is not None and value.isoformat() > high)):
        value = None
    v.values[name] = value
    if value is None and "ngay_khong_hop_le" not in v.reasons:
        v.reasons.append("ngay_khong_hop_le")


def _dai_ly_thu(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    """An agent and an area it serves: code, name, commune, hamlet (empty: the whole commune), ISO dates from
    `tu_ngay` to `den_ngay` (empty: open). Its hamlet key (thon_khoa) is filled in SQL once the file is staged
    (sql/ingest/fill_thon_khoa.sql)."""
    v = Verdict()
    if _agent(v, cells) is None:
        v.reasons.append("thieu_ma_dai_ly")
    _text(v, cells, "ten_dai_ly")
    _commune(v, cells)
    _text(v, cells, "thon")
    _required_day(v, cells, "tu_ngay")
    if ids.clean_text(cells.get("den_ngay")):
        _required_day(v, cells, "den_ngay")
        if v.values["den_ngay"] is not None and v.values["tu_ngay"] is not None \
                and v.values["den_ngay"] < v.values["tu_ngay"]:
            v.values["den_ngay"] = None
            if "ngay_khong_hop_le" not in v.reasons:
                v.reasons.append("ngay_khong_hop_le")
    else:
        v.values["den_ngay"] = None
    return v


def _plain_whole(cells: Cells, name: str, bounds: tuple[int, int]) -> int | None:
    """Plain digits (a CSV cell) within bounds, else None."""
    text = ids.clean_text(cells.get(name))
    value = int(text) if _PLAIN_WHOLE.fullmatch(text) else None
    return value if value is not None and bounds[0] <= value <= bounds[1] else None


def _chi_tieu(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    """A yearly target: year, commune, a §4.1 group code, new participants expected (a whole number ≥ 0).

    A year that is no whole number from 2000 to 2100 is `nam_khong_hop_le`; a target that is empty, negative,
    not a plain whole number or beyond an integer is `chi_tieu_khong_hop_le` (so_tien_khong_hop_le is for
    amounts of money); an unknown group is `doi_tuong_khong_hop_le`, as an unknown welfare category is.
    """
    v = Verdict()
    v.values["nam"] = _plain_whole(cells, "nam", YEARS)
    if v.values["nam"] is None:
        v.reasons.append("nam_khong_hop_le")
    _commune(v, cells)
    nhom = _fit(v, ids.clean_text(cells.get("nhom")).upper() or None)
    v.values["nhom"] = nhom
    if nhom not in NHOM:
        v.reasons.append("doi_tuong_khong_hop_le")
    v.values["chi_tieu"] = _plain_whole(cells, "chi_tieu", (0, INTEGER[1]))
    if v.values["chi_tieu"] is None:
        v.reasons.append("chi_tieu_khong_hop_le")
    return v


def _ket_qua(cells: Cells, ctx: Mapping[str, str]) -> Verdict:
    """A visit: the person (name, birth date, ID as in school files), the commune, the visit's date (from
    VISITED_MIN to the delivery date), a result code (trimmed, upper case) and the agent.

    An empty agent code is `dai_ly_khong_ton_tai` here; a code in no agent list delivered by then moves to
    quarantine with the same reason once the file is staged (sql/ingest/move_unknown_agents.sql).
    """
    v = Verdict()
    _person(v, cells, ctx)
    _commune(v, cells)
    _required_day(v, cells, "ngay", VISITED_MIN, ctx["ngay_giao"])
    result = ids.clean_text(cells.get("ket_qua")).upper()
    v.values["ket_qua"] = result if result in KET_QUA else None
    if v.values["ket_qua"] is None:
        v.reasons.append("ket_qua_khong_hop_le")
    _text(v, cells, "ghi_chu")
    if _agent(v, cells) is None:
        v.reasons.append("dai_ly_khong_ton_tai")
    return v


def not_visited(cells: Cells) -> bool:
    """An agent workbook's line with neither `Kết quả` nor `Ngày` filled in: a person nobody visited yet, no
    result (CONTRACT §2.6: the workbook is a result file once those cells are filled)."""
    return all(type(cells.get(name)) is not Uncomputed and not ids.clean_text(cells.get(name))
               for name in ("ket_qua", "ngay"))


# ---------------------------------------------------------------- the layouts
def _plain(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, n) for n in names)


_PERSON_STG = ("ho_ten", "ngay_sinh", "ngay_sinh_dau", "gioi_tinh", "so_ddcn", "so_ddcn_tin_cay")
_STUDENT_COLUMNS = (
    Column("stt", "STT", False),
    Column("ho_ten", "Họ và tên"),
    Column("ngay_sinh", "Ngày sinh"),
    Column("gioi_tinh", "Giới tính"),
    Column("so_ddcn", "Số định danh cá nhân"),
    Column("ma_so_bhxh", "Mã số BHXH", False),
    Column("lop", "Lớp", False),
    Column("khoi", "Khối", False),
    Column("ghi_chu", "Ghi chú", False),
)
_WELFARE_COLUMNS = (
    Column("stt", "STT", False),
    Column("ho_ten", "Họ và tên"),
    Column("ngay_sinh", "Ngày sinh"),
    Column("gioi_tinh", "Giới tính"),
    Column("so_ddcn", "Số định danh cá nhân"),
    Column("ma_so_bhxh", "Mã số BHXH", False),
    Column("ma_ho", "Mã hộ"),
    Column("quan_he", "Quan hệ với chủ hộ", False),
    Column("doi_tuong", "Đối tượng"),
    Column("thon", "Thôn/Tổ dân phố", False),
    Column("ghi_chu", "Ghi chú", False),
)
# an agent's results; other columns (STT, Thôn/Tổ dân phố, the list and group an agent workbook adds) are ignored
_KET_QUA_COLUMNS = (
    Column("stt", "STT", False),
    Column("ma_dai_ly", "Mã đại lý"),
    Column("ho_ten", "Họ và tên"),
    Column("ngay_sinh", "Ngày sinh"),
    Column("gioi_tinh", "Giới tính", False),
    Column("so_ddcn", "Số định danh cá nhân"),
    Column("ma_xa", "Mã xã"),
    Column("ngay", "Ngày"),
    Column("ket_qua", "Kết quả"),
    Column("ghi_chu", "Ghi chú", False),
)

LAYOUTS: dict[str, Layout] = {
    layout.kind: layout
    for layout in (
        Layout(
            "register", "persons", "persons",
            _plain("id_nguoi", "ma_so_bhxh", "so_ddcn", "ho_ten", "ngay_sinh", "gioi_tinh", "ma_xa", "ma_ho"),
            ("id_nguoi", "ma_so_bhxh", "ma_so_bhxh_tin_cay", *_PERSON_STG, "ma_xa", "ma_ho"),
            _Checked(_persons), fast=_persons_fast, binary_copy=True,
        ),
        Layout(
            "register", "coverage", "coverage",
            _plain("id_nguoi", "loai", "ma_doi_tuong", "ma_don_vi", "tu_ngay", "den_ngay", "phuong_thuc",
                   "muc_thu_nhap", "thu_tu_trong_ho"),
            ("id_nguoi", "loai", "ma_doi_tuong", "ma_don_vi", "tu_ngay", "den_ngay", "phuong_thuc",
             "muc_thu_nhap", "thu_tu_trong_ho"),
            _Checked(_coverage), fast=_coverage_fast, binary_copy=True,
        ),
        Layout(
            "register", "employers", "employers",
            _plain("ma_don_vi", "ma_so_thue", "ten_don_vi", "ma_xa"),
            ("ma_don_vi", "ma_so_thue", "ten_don_vi", "ma_xa"),
            _Checked(_employers), binary_copy=True,
        ),
        Layout(
            "register", "contributions", "contributions",
            _plain("ma_don_vi", "ky", "phai_dong", "da_dong"),
            ("ma_don_vi", "ky", "phai_dong", "da_dong"),
            _Checked(_contributions), binary_copy=True,
        ),
        Layout(
            "reference", "xa_atk", "xa_atk",
            _plain("ma_xa", "ghi_chu"),
            ("ma_xa", "ghi_chu"),
            _Checked(_xa_atk),
        ),
        Layout(
            "tax", "enterprises", "enterprises",
            _plain("ma_so_thue", "ten_doanh_nghiep", "loai_hinh", "ma_xa", "dia_chi", "ngay_thanh_lap",
                   "trang_thai", "so_lao_dong", "ky"),
            ("ma_so_thue", "ten_doanh_nghiep", "loai_hinh", "ma_xa", "dia_chi", "ngay_thanh_lap",
             "trang_thai", "so_lao_dong", "ky"),
            _Checked(_enterprises),
        ),
        Layout(
            "tax", "household_businesses", "household_businesses",
            _plain("ma_so_thue", "ho_ten_chu_ho", "so_ddcn", "ngay_sinh", "gioi_tinh", "ma_xa",
                   "dia_chi_kinh_doanh", "nganh_nghe", "doanh_thu_nam", "phuong_phap"),
            ("ma_so_thue", *_PERSON_STG, "ma_xa", "dia_chi_kinh_doanh", "nganh_nghe", "doanh_thu_nam",
             "phuong_phap"),
            _Checked(_household_businesses),
        ),
        Layout(
            "tax", "wage_earners", "wage_earners",
            _plain("ma_so_thue_don_vi", "so_ddcn", "ho_ten", "ngay_sinh", "ky", "thu_nhap", "loai_hop_dong"),
            ("ma_so_thue_don_vi", "so_ddcn", "so_ddcn_tin_cay", "ho_ten", "ngay_sinh", "ngay_sinh_dau", "ky",
             "thu_nhap", "loai_hop_dong"),
            _Checked(_wage_earners),
        ),
        Layout(
            "schools", "school_directory", "schools",
            _plain("ma_truong", "ten_truong", "cap_hoc", "ma_xa"),
            ("ma_truong", "ten_truong", "cap_hoc", "ma_xa"),
            _Checked(_school_directory),
        ),
        Layout(
            "schools", "roster", "students", _STUDENT_COLUMNS,
            ("ma_truong", *_PERSON_STG, "ma_so_bhxh", "ma_so_bhxh_tin_cay", "lop", "khoi", "ghi_chu"),
            _Checked(_roster), titled=True,
        ),
        Layout(
            "welfare", "welfare", "welfare", _WELFARE_COLUMNS,
            ("ma_xa", *_PERSON_STG, "ma_so_bhxh", "ma_so_bhxh_tin_cay", "ma_ho", "quan_he", "doi_tuong", "thon",
             "ghi_chu"),
            _Checked(_welfare), titled=True,
        ),
        Layout(
            "collection", "dai_ly_thu", "dai_ly_thu",
            _plain("ma_dai_ly", "ten_dai_ly", "ma_xa", "thon", "tu_ngay", "den_ngay"),
            ("ma_dai_ly", "ten_dai_ly", "ma_xa", "thon", "tu_ngay", "den_ngay"),
            _Checked(_dai_ly_thu), after_load=("ingest/fill_thon_khoa",),
        ),
        Layout(
            "collection", "chi_tieu", "chi_tieu",
            _plain("nam", "ma_xa", "nhom", "chi_tieu"),
            ("nam", "ma_xa", "nhom", "chi_tieu"),
            _Checked(_chi_tieu),
        ),
        Layout(
            "collection", "ket_qua", "ket_qua", _KET_QUA_COLUMNS,
            ("ma_dai_ly", *_PERSON_STG, "ma_xa", "ngay", "ket_qua", "ghi_chu"),
            _Checked(_ket_qua), titled=True, skip=not_visited, after_load=("ingest/move_unknown_agents",),
        ),
    )
}
