"""The expectations run on each kind of staged file: (expectation type, kwargs, severity)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tiemnang.sources.layouts import DOI_TUONG, KET_QUA, NHOM, YEARS

Spec = tuple[str, dict[str, Any], str]

_DATE_RANGE = {"min_value": dt.date(1880, 1, 1), "max_value": dt.date(2100, 12, 31)}


def _person(bhxh: bool) -> list[Spec]:
    specs: list[Spec] = [
        ("ExpectColumnValuesToNotBeNull", {"column": "ho_ten"}, "soft"),
        ("ExpectColumnValuesToMatchRegex", {"column": "so_ddcn_dung", "regex": r"^[0-9]{12}$"}, "soft"),
        ("ExpectColumnValuesToMatchRegex", {"column": "ngay_sinh", "regex": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}, "soft"),
        ("ExpectColumnValuesToBeBetween", {"column": "ngay_sinh_dau", **_DATE_RANGE}, "soft"),
    ]
    if bhxh:
        specs.append(("ExpectColumnValuesToMatchRegex", {"column": "ma_so_bhxh_dung", "regex": r"^[0-9]{10}$"}, "soft"))
    return specs


def _sex() -> Spec:
    return ("ExpectColumnValuesToBeInSet", {"column": "gioi_tinh", "value_set": [1, 2]}, "soft")


def _commune() -> Spec:
    # ma_xa_trong_danh_muc is computed by the query against ref.commune (a 3,321-value IN list is slow in GX)
    return ("ExpectColumnValuesToBeInSet", {"column": "ma_xa_trong_danh_muc", "value_set": [True]}, "soft")


def _mst(column: str) -> Spec:
    return ("ExpectColumnValuesToMatchRegex", {"column": column, "regex": r"^[0-9]{10}(-[0-9]{3})?$"}, "soft")


def _exists(*columns: str) -> list[Spec]:
    return [("ExpectColumnToExist", {"column": c}, "hard") for c in columns]


def _optional(specs: list[Spec]) -> list[Spec]:
    """An optional source's checks are all soft: a hard failure on a file that concerns no one province would
    hold the whole country back (sql/gate/open_hard_failures.sql), and the lists are made without the source."""
    return [(type_name, kwargs, "soft") for type_name, kwargs, _severity in specs]


_VISITS = {"min_value": dt.date(2000, 1, 1), "max_value": dt.date(2100, 12, 31)}


SUITES: dict[str, list[Spec]] = {
    "persons": [
        *_exists("id_nguoi", "ho_ten", "ngay_sinh", "ma_xa"),
        ("ExpectColumnValuesToNotBeNull", {"column": "id_nguoi"}, "hard"),
        ("ExpectColumnValuesToBeUnique", {"column": "id_nguoi"}, "soft"),
        *_person(bhxh=True), _sex(), _commune(),
    ],
    "coverage": [
        *_exists("id_nguoi", "loai", "tu_ngay", "den_ngay"),
        ("ExpectColumnValuesToBeInSet", {"column": "loai", "value_set": ["BHYT", "BHXH_BB", "BHXH_TN"]}, "hard"),
        ("ExpectColumnValuesToBeInSet", {"column": "phuong_thuc", "value_set": [1, 3, 6, 12]}, "soft"),
        ("ExpectColumnValuesToNotBeNull", {"column": "tu_ngay"}, "soft"),
        ("ExpectColumnValuesToBeBetween", {"column": "tu_ngay", **_DATE_RANGE}, "soft"),
        ("ExpectColumnPairValuesAToBeGreaterThanB",
         {"column_A": "den_ngay", "column_B": "tu_ngay", "or_equal": True, "ignore_row_if": "either_value_is_missing"},
         "soft"),
    ],
    "employers": [
        *_exists("ma_don_vi", "ma_so_thue", "ma_xa"),
        ("ExpectColumnValuesToBeUnique", {"column": "ma_don_vi"}, "soft"),
        _mst("ma_so_thue"), _commune(),
    ],
    "enterprises": [
        *_exists("ma_so_thue", "trang_thai", "so_lao_dong", "ky"),
        _mst("ma_so_thue"), _commune(),
        ("ExpectColumnValuesToBeInSet", {"column": "loai_hinh", "value_set": ["NN", "FDI", "NQD", "HTX", "KHAC"]}, "soft"),
        ("ExpectColumnValuesToBeBetween", {"column": "so_lao_dong", "min_value": 0}, "soft"),
        ("ExpectColumnValuesToMatchRegex", {"column": "ky", "regex": r"^[0-9]{4}-[0-9]{2}$"}, "soft"),
    ],
    "household_businesses": [
        *_exists("ma_so_thue", "ho_ten", "phuong_phap"),
        *_person(bhxh=False), _sex(), _commune(),
        ("ExpectColumnValuesToMatchRegex", {"column": "ma_so_thue", "regex": r"^([0-9]{12}|[0-9]{10}(-[0-9]{3})?)$"}, "soft"),
        ("ExpectColumnValuesToBeInSet", {"column": "phuong_phap", "value_set": ["KE_KHAI", "KHOAN"]}, "soft"),
    ],
    "wage_earners": [
        *_exists("ma_so_thue_don_vi", "so_ddcn", "ky", "loai_hop_dong"),
        *_person(bhxh=False), _mst("ma_so_thue_don_vi"),
        ("ExpectColumnValuesToMatchRegex", {"column": "ky", "regex": r"^[0-9]{4}-[0-9]{2}$"}, "soft"),
        ("ExpectColumnValuesToBeInSet",
         {"column": "loai_hop_dong", "value_set": ["KXD", "XD", "DUOI_1_THANG", "KHAC"]}, "soft"),
    ],
    "contributions": [
        *_exists("ma_don_vi", "ky", "phai_dong", "da_dong"),
        ("ExpectColumnValuesToMatchRegex", {"column": "ky", "regex": r"^[0-9]{4}-(0[1-9]|1[0-2])$"}, "soft"),
        ("ExpectColumnValuesToBeBetween", {"column": "phai_dong", "min_value": 0}, "soft"),
        ("ExpectColumnValuesToBeBetween", {"column": "da_dong", "min_value": 0}, "soft"),
    ],
    "xa_atk": [
        *_exists("ma_xa"),
        _commune(),
        ("ExpectColumnValuesToBeUnique", {"column": "ma_xa"}, "soft"),
    ],
    "dai_ly_thu": _optional([
        *_exists("ma_dai_ly", "ten_dai_ly", "ma_xa", "thon", "thon_khoa", "tu_ngay", "den_ngay"),
        _commune(),
        ("ExpectColumnValuesToBeBetween", {"column": "tu_ngay", **_VISITS}, "soft"),
        ("ExpectColumnPairValuesAToBeGreaterThanB",
         {"column_A": "den_ngay", "column_B": "tu_ngay", "or_equal": True, "ignore_row_if": "either_value_is_missing"},
         "soft"),
    ]),
    "chi_tieu": _optional([
        *_exists("nam", "ma_xa", "nhom", "chi_tieu"),
        _commune(),
        ("ExpectColumnValuesToBeInSet", {"column": "nhom", "value_set": sorted(NHOM)}, "soft"),
        ("ExpectColumnValuesToBeBetween", {"column": "nam", "min_value": YEARS[0], "max_value": YEARS[1]}, "soft"),
        ("ExpectColumnValuesToBeBetween", {"column": "chi_tieu", "min_value": 0}, "soft"),
    ]),
    "ket_qua": _optional([
        *_exists("ma_dai_ly", "ho_ten", "ngay_sinh", "so_ddcn", "ma_xa", "ngay", "ket_qua"),
        ("ExpectColumnValuesToNotBeNull", {"column": "ma_dai_ly"}, "soft"),
        *_person(bhxh=False), _sex(), _commune(),
        ("ExpectColumnValuesToBeInSet", {"column": "ket_qua", "value_set": sorted(KET_QUA)}, "soft"),
        ("ExpectColumnValuesToBeBetween", {"column": "ngay", **_VISITS}, "soft"),
    ]),
    "school_directory": [
        *_exists("ma_truong", "ma_xa"),
        ("ExpectColumnValuesToBeUnique", {"column": "ma_truong"}, "soft"),
        _commune(),
        ("ExpectColumnValuesToBeInSet",
         {"column": "cap_hoc", "value_set": ["MN", "TH", "THCS", "THPT", "GDNN", "CD", "DH"]}, "soft"),
    ],
    "roster": [*_exists("ma_truong", "ho_ten"), *_person(bhxh=True), _sex()],
    "welfare": [
        *_exists("ma_xa", "ho_ten", "doi_tuong"),
        *_person(bhxh=True), _sex(), _commune(),
        ("ExpectColumnValuesToBeInSet", {"column": "doi_tuong", "value_set": sorted(DOI_TUONG)}, "hard"),
    ],
}

# Every file, whatever its kind: facts from ops.file_log (sql/ingest/dq_file_facts.sql). Soft: a quarantined row
# or a shrinking tax file never holds a publication back; what must not be used is refused as a file at load.
FILE_SUITE: list[Spec] = [
    ("ExpectColumnValuesToBeBetween", {"column": "ty_le_so_voi_lan_truoc", "min_value": 0.5}, "soft"),
]
