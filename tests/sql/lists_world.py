"""Hand-made worlds for the list rules: ops.file_log + stg.* rows + the matching output (mt.*) written directly."""

from __future__ import annotations

import itertools
import uuid
from datetime import date

import psycopg

# Communes used by the worlds (real codes from vietnam-provinces).
XA_79_A, XA_79_B, XA_79_C = "25747", "25750", "25760"
XA_01_A = "00004"


class World:
    """A tiny warehouse state for one D: every helper inserts rows and returns the ids a test needs."""

    def __init__(self, conn: psycopg.Connection, delivered: date = date(2026, 1, 5)) -> None:
        self.conn = conn
        self.delivered = delivered
        self._rec = itertools.count(1)
        self._person = itertools.count(1)
        self._dong: dict[int, itertools.count] = {}
        self._files: dict[tuple[str, str, str], int] = {}
        self.person_of: dict[int, int] = {}
        self.rec_of_id_nguoi: dict[int, int] = {}

    # ------------------------------------------------------------------ files
    def file(self, source: str, kind: str, name: str, delivered: date | None = None, key: str | None = None) -> int:
        delivered = delivered or self.delivered
        path = f"{source}/{delivered.isoformat()}/{name}"
        if (source, kind, path) in self._files:
            return self._files[(source, kind, path)]
        file_id = self.conn.execute(
            "INSERT INTO ops.file_log (source, path, delivery_date, kind, file_key, sha256, status)"
            " VALUES (%s, %s, %s, %s, %s, %s, 'loaded') RETURNING file_id",
            (source, path, delivered, kind, key or name, uuid.uuid4().hex),
        ).fetchone()[0]
        self._files[(source, kind, path)] = file_id
        self._dong[file_id] = itertools.count(2)
        return file_id

    def path(self, file_id: int) -> str:
        return self.conn.execute("SELECT path FROM ops.file_log WHERE file_id = %s", (file_id,)).fetchone()[0]

    def _row(self, table: str, file_id: int, **cols) -> int:
        dong = next(self._dong[file_id])
        names = ["file_id", "dong", *cols]
        self.conn.execute(
            f"INSERT INTO stg.{table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})",  # noqa: S608
            (file_id, dong, *cols.values()),
        )
        return dong

    def _record(self, nguon: str, file_id: int, dong: int, id_nguoi: int | None = None, **ident) -> int:
        rec_id = next(self._rec)
        self.conn.execute(
            "INSERT INTO mt.record (rec_id, nguon, file_id, dong, id_nguoi, so_ddcn, ho_ten, ngay_sinh, ma_xa)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (rec_id, nguon, file_id, dong, id_nguoi, ident.get("so_ddcn"), ident.get("ho_ten"),
             ident.get("ngay_sinh"), ident.get("ma_xa")),
        )
        return rec_id

    # ------------------------------------------------------------------ register
    def register(self, id_nguoi: int, ma_xa: str = XA_79_A, ma_ho: str | None = None, *,
                 ho_ten: str = "Nguyễn Văn A", ngay_sinh: str = "1980-01-01", so_ddcn: str | None = None) -> int:
        f = self.file("register", "persons", "persons.csv")
        dong = self._row("persons", f, id_nguoi=id_nguoi, so_ddcn=so_ddcn, ho_ten=ho_ten, ngay_sinh=ngay_sinh,
                         ngay_sinh_dau=_first_day(ngay_sinh), gioi_tinh=1, ma_xa=ma_xa, ma_ho=ma_ho)
        rec = self._record("register", f, dong, id_nguoi, so_ddcn=so_ddcn, ho_ten=ho_ten, ma_xa=ma_xa)
        self.rec_of_id_nguoi[id_nguoi] = rec
        return rec

    def coverage(self, id_nguoi: int, loai: str, tu: date | None, den: date | None, *, doi_tuong: str | None = None,
                 don_vi: str | None = None, phuong_thuc: int | None = None, muc_thu_nhap: int | None = None,
                 thu_tu: int | None = None) -> None:
        f = self.file("register", "coverage", "coverage.csv")
        self._row("coverage", f, id_nguoi=id_nguoi, loai=loai, ma_doi_tuong=doi_tuong, ma_don_vi=don_vi,
                  tu_ngay=tu, den_ngay=den, phuong_thuc=phuong_thuc, muc_thu_nhap=muc_thu_nhap,
                  thu_tu_trong_ho=thu_tu)

    def employer(self, ma_don_vi: str, ma_so_thue: str, ma_xa: str = XA_79_A) -> None:
        f = self.file("register", "employers", "employers.csv")
        self._row("employers", f, ma_don_vi=ma_don_vi, ma_so_thue=ma_so_thue, ten_don_vi="Đơn vị", ma_xa=ma_xa)

    # ------------------------------------------------------------------ tax
    def enterprise(self, ma_so_thue: str, ma_xa: str = XA_79_B, *, trang_thai: str = "00", so_lao_dong: int = 5,
                   ten: str = "Công ty TNHH Ánh Dương") -> None:
        f = self.file("tax", "enterprises", "enterprises.csv")
        self._row("enterprises", f, ma_so_thue=ma_so_thue, ten_doanh_nghiep=ten, loai_hinh="NQD", ma_xa=ma_xa,
                  trang_thai=trang_thai, so_lao_dong=so_lao_dong, ky="2025-12")

    def wage(self, ma_so_thue: str, ky: str, hop_dong: str = "KXD", *, ho_ten: str = "Trần Thị B") -> int:
        f = self.file("tax", "wage_earners", "wage_earners.csv")
        dong = self._row("wage_earners", f, ma_so_thue_don_vi=ma_so_thue, ho_ten=ho_ten, ky=ky,
                         thu_nhap=10_000_000, loai_hop_dong=hop_dong)
        return self._record("wage_earners", f, dong, ho_ten=ho_ten)

    def business(self, ma_xa: str, phuong_phap: str = "KE_KHAI", *, ho_ten: str = "Lê Văn C") -> int:
        f = self.file("tax", "household_businesses", "household_businesses.csv")
        dong = self._row("household_businesses", f, ma_so_thue="0101234567", ho_ten=ho_ten, ma_xa=ma_xa,
                         phuong_phap=phuong_phap)
        return self._record("household_businesses", f, dong, ho_ten=ho_ten, ma_xa=ma_xa)

    # ------------------------------------------------------------------ schools, welfare
    def school(self, ma_truong: str, ma_xa: str, delivered: date | None = None) -> None:
        f = self.file("schools", "school_directory", "schools.csv", delivered)
        self._row("schools", f, ma_truong=ma_truong, ten_truong="Trường THPT", cap_hoc="THPT", ma_xa=ma_xa)

    def student(self, ma_truong: str, *, ho_ten: str = "Phạm Văn D", delivered: date | None = None) -> int:
        f = self.file("schools", "roster", f"{ma_truong}.csv", delivered, key=ma_truong)
        dong = self._row("students", f, ma_truong=ma_truong, ho_ten=ho_ten, ngay_sinh="2009-05-05")
        return self._record("schools", f, dong, ho_ten=ho_ten)

    def welfare(self, ma_xa: str, doi_tuong: str, *, ngay_sinh: str = "1990-01-01", ma_ho: str | None = None,
                label: str = "ds", delivered: date | None = None, ho_ten: str = "Hoàng Thị E") -> int:
        f = self.file("welfare", "welfare", f"{ma_xa}_{label}.csv", delivered, key=f"{ma_xa}_{label}")
        dong = self._row("welfare", f, ma_xa=ma_xa, ho_ten=ho_ten, ngay_sinh=ngay_sinh,
                         ngay_sinh_dau=_first_day(ngay_sinh), ma_ho=ma_ho, doi_tuong=doi_tuong)
        return self._record("welfare", f, dong, ho_ten=ho_ten, ma_xa=ma_xa)

    # ------------------------------------------------------------------ matching output
    def person(self, *recs: int, khoa: str | None = None, ho_ten: str = "Nguyễn Văn A",
               ngay_sinh: str = "1980-01-01", so_ddcn: str | None = None, id_nguoi: int | None = None) -> int:
        person_id = next(self._person)
        if id_nguoi is None:
            ids = [i for i, r in self.rec_of_id_nguoi.items() if r in recs]
            id_nguoi = min(ids) if ids else None
        self.conn.execute(
            "INSERT INTO mt.person (person_id, id_nguoi, so_ddcn, ho_ten, ngay_sinh, gioi_tinh, khoa_nguoi)"
            " VALUES (%s, %s, %s, %s, %s, 1, %s)",
            (person_id, id_nguoi, so_ddcn, ho_ten, ngay_sinh, khoa or f"id:{person_id}"),
        )
        for rec in recs:
            self.conn.execute("INSERT INTO mt.record_person (rec_id, person_id, quy_tac) VALUES (%s, %s, 'test')",
                              (rec, person_id))
            self.person_of[rec] = person_id
        return person_id

    # ------------------------------------------------------------------ reading the lists
    def tiem_nang(self, d: date) -> dict[int, tuple]:
        """person_id -> (nhom, ly_do, ma_xa) of the lists built for D."""
        rows = self.conn.execute(
            "SELECT person_id, nhom, ly_do, ma_xa FROM lists.tiem_nang WHERE ngay_tham_chieu = %s", (d,)
        ).fetchall()
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def den_han(self, d: date) -> dict[tuple[int, str], tuple]:
        """(id_nguoi, loai) -> (han_dong, phuong_thuc, so_tien)."""
        rows = self.conn.execute(
            "SELECT id_nguoi, loai, han_dong, phuong_thuc, so_tien FROM lists.den_han_dong"
            " WHERE ngay_tham_chieu = %s", (d,)
        ).fetchall()
        return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


def _first_day(ngay_sinh: str | None) -> date | None:
    if not ngay_sinh:
        return None
    parts = [int(p) for p in ngay_sinh.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])
