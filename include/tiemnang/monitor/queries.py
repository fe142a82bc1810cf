"""What the monitoring page shows, read from the warehouse: publications, group sizes, quarantine, data quality."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import psycopg

from tiemnang import db
from tiemnang.publish import schemas

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
ROW_LIMIT = 500


@dataclass(frozen=True)
class Week:
    tuan: str
    ngay_tham_chieu: dt.date

    @property
    def tu(self) -> dt.date:
        """Deliveries of this week are those dated after the previous reference date…"""
        return self.ngay_tham_chieu - dt.timedelta(days=7)

    @property
    def den(self) -> dt.date:
        """…up to and including this week's reference date (CONTRACT §2: a run for D sees deliveries ≤ D)."""
        return self.ngay_tham_chieu


def week(tuan: str) -> Week:
    """The ISO week `YYYY-Www` with its reference date D, the Friday (CONTRACT §1)."""
    m = WEEK_RE.match(tuan or "")
    if not m:
        raise ValueError(f"not an ISO week label: {tuan!r}")
    return Week(tuan, dt.date.fromisocalendar(int(m[1]), int(m[2]), 5))


def week_of(day: dt.date) -> Week:
    year, number, _ = day.isocalendar()
    return week(f"{year}-W{number:02d}")


def published_weeks(conn: psycopg.Connection) -> list[dict]:
    return [{"tuan": t, "ngay_tham_chieu": d, "so_tinh": n} for t, d, n in db.fetch(conn, "monitor/weeks")]


def publications(conn: psycopg.Connection, w: Week) -> list[dict]:
    """Every province, its publication of week `w` (or None) and its previous published week."""
    cols = ("ma_tinh", "ten_tinh", "tuan", "ngay_tham_chieu", "published_at", "so_tiem_nang", "so_don_vi",
            "so_den_han", "so_the_trung", "so_no_dong", "tuan_truoc", "so_tiem_nang_truoc")
    return [dict(zip(cols, row, strict=True)) for row in db.fetch(conn, "monitor/publication", {"tuan": w.tuan})]


def group_sizes(conn: psycopg.Connection, ma_tinh: str, w: Week, tuan_truoc: str | None) -> dict[str, dict]:
    """{nhom: {so_nguoi, so_moi, so_da_tham_gia, so_nguoi_truoc}} of one province's published summary."""
    rows = db.fetch(conn, "monitor/group_sizes", {"tuan": w.tuan, "tuan_truoc": tuan_truoc or w.tuan},
                    identifiers={"schema": schemas.schema_name(ma_tinh)})
    out: dict[str, dict] = {}
    for tuan, nhom, so_nguoi, so_moi, so_da_tham_gia in rows:
        entry = out.setdefault(nhom, {"so_nguoi": 0, "so_moi": 0, "so_da_tham_gia": 0, "so_nguoi_truoc": 0})
        if tuan == w.tuan:
            entry.update(so_nguoi=so_nguoi, so_moi=so_moi, so_da_tham_gia=so_da_tham_gia)
        if tuan_truoc and tuan == tuan_truoc:
            entry["so_nguoi_truoc"] = so_nguoi
    return out


def collection(conn: psycopg.Connection, ma_tinh: str, w: Week) -> dict[str, list[dict]]:
    """One province's collection work of week `w` (CONTRACT §4.7, §4.8): rows without an agent per commune,
    progress against the targets (this week, and each published week of its year), results per agent."""
    idents = {"schema": schemas.schema_name(ma_tinh)}
    shapes = {
        "chua_giao": ("monitor/unassigned", ("ma_xa", "ten_xa", "so_tiem_nang", "tiem_nang_chua_giao", "so_den_han",
                                             "den_han_chua_giao")),
        "tien_do": ("monitor/tien_do", ("ma_xa", "ten_xa", "nhom", "chi_tieu", "da_dat", "ty_le", "nam")),
        "tien_do_tuan": ("monitor/tien_do_tuan", ("tuan", "chi_tieu", "da_dat")),
        "dai_ly": ("monitor/tien_do_dai_ly", ("ma_dai_ly", "ten_dai_ly", "ma_xa", "ten_xa", "so_duoc_giao",
                                              "so_co_ket_qua", "so_da_tham_gia")),
    }
    return {key: [dict(zip(cols, row, strict=True)) for row in db.fetch(conn, name, {"tuan": w.tuan}, idents)]
            for key, (name, cols) in shapes.items()}


def quarantine_counts(conn: psycopg.Connection, w: Week, ma_tinh: str | None = None) -> list[dict]:
    """Quarantine entries of the week's deliveries by province ('' = not known) and reason."""
    db.run(conn, "monitor/quarantine_scope")
    rows = db.fetch(conn, "monitor/quarantine_counts", {"tu": w.tu, "den": w.den, "ma_tinh": ma_tinh})
    cols = ("ma_tinh", "ly_do", "mo_ta", "so_dong", "so_tep")
    return [dict(zip(cols, row, strict=True)) for row in rows]


def quarantine_rows(conn: psycopg.Connection, w: Week, ma_tinh: str | None, ly_do: str | None) -> list[dict]:
    """The entries behind one count, identifiers masked and names left out (see `masked_identity`)."""
    db.run(conn, "monitor/quarantine_scope")
    rows = db.fetch(conn, "monitor/quarantine_rows", {"tu": w.tu, "den": w.den, "ma_tinh": ma_tinh,
                                                      "ly_do": ly_do, "gioi_han": ROW_LIMIT})
    out = []
    for _qid, source, path, row_number, reasons, raw, delivery_date, tinh in rows:
        out.append({"source": source, "path": path, "row_number": row_number, "reasons": list(reasons),
                    "delivery_date": delivery_date, "ma_tinh": tinh, **masked_identity(raw)})
    return out


def dq_results(conn: psycopg.Connection, w: Week) -> list[dict]:
    cols = ("suite", "expectation", "column_name", "success", "severity", "unexpected_count", "element_count",
            "path", "checked_at", "engine")
    rows = db.fetch(conn, "monitor/dq_results", {"tu": w.tu, "den": w.den})
    return [dict(zip(cols, row, strict=True)) for row in rows]


def gate_decisions(conn: psycopg.Connection, w: Week) -> list[dict]:
    """The gate's decisions for the week's D: open or closed, the register snapshot in force, files refused."""
    cols = ("decision", "ma_tinh", "path", "reason", "mo_ta", "message", "decided_at")
    return [dict(zip(cols, row, strict=True)) for row in db.fetch(conn, "monitor/gate_decisions", {"d": w.den})]


def landing_ignored(conn: psycopg.Connection) -> list[dict]:
    """Folders and files of the landing zone that will never be read, latest first."""
    cols = ("path", "source", "reason", "mo_ta", "message", "first_seen", "last_seen")
    return [dict(zip(cols, row, strict=True)) for row in db.fetch(conn, "monitor/landing_ignored",
                                                                  {"gioi_han": ROW_LIMIT})]


_DIGITS = re.compile(r"\d+")
_ID_LENGTHS = {10: "ma_so_bhxh", 12: "so_ddcn"}
_COMMUNE_KEYS = ("ma_xa", "Mã xã")


def mask(value: str) -> str:
    """`001203004567` → `001*******67`: enough to find the row in the file, not enough to identify anyone."""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def masked_identity(raw: dict | None) -> dict:
    """What a quarantine row may show: masked 10/12-digit identifiers, birth year, commune. Never the name."""
    raw = raw or {}
    ids: list[str] = []
    birth_year = None
    for key, value in raw.items():
        text = str(value or "").strip()
        if _DIGITS.fullmatch(text) and len(text) in _ID_LENGTHS:
            ids.append(mask(text))
        elif "sinh" in key.lower() and birth_year is None:
            years = re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", text)
            birth_year = years[0] if years else None
    commune = next((str(raw[k]) for k in _COMMUNE_KEYS if raw.get(k)), None)
    return {"ma_dinh_danh": ids, "nam_sinh": birth_year, "ma_xa": commune}


def the_trung_pairs(conn: psycopg.Connection, w: Week) -> list[dict]:
    """Overlapping BHYT cards of the week per published province and object-code pair, with how many pairs hold a
    state-paid or state-supported card (lists.the_trung_theo_cap)."""
    cols = ("ma_tinh", "ten_tinh", "cap_doi_tuong", "ten_1", "ten_2", "so_cap", "so_nguoi", "so_cap_ngan_sach")
    return [dict(zip(cols, row, strict=True))
            for row in db.fetch(conn, "monitor/the_trung_pairs", {"tuan": w.tuan, "d": w.ngay_tham_chieu})]
