"""Tiny matching worlds: rows written straight into ops.file_log and stg.* (no files, no ingestion)."""

from __future__ import annotations

import itertools

import psycopg

DELIVERY = "2026-01-05"
_seq = itertools.count(1)


class World:
    """Builder of one small world in an open (rolled-back) transaction."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        with conn.cursor() as cur:
            cur.execute("SELECT ma_xa, ma_tinh FROM ref.commune ORDER BY ma_tinh, ma_xa")
            rows = cur.fetchall()
        by_province: dict[str, list[str]] = {}
        for xa, tinh in rows:
            by_province.setdefault(tinh, []).append(xa)
        provinces = sorted(by_province)
        self.xa1, self.xa2 = by_province[provinces[0]][:2]   # two communes of one province
        self.xa3 = by_province[provinces[1]][0]              # a commune of another province
        self.files: dict[str, int] = {}
        self._dong: dict[int, int] = {}
        self.register = self.file("register", "persons", f"register/{DELIVERY}/persons.csv", "persons")

    def file(self, source: str, kind: str, path: str, key: str) -> int:
        with self.conn.cursor() as cur:
            cur.execute(
                "INSERT INTO ops.file_log (source, path, delivery_date, kind, file_key, sha256, status)"
                " VALUES (%s, %s, %s, %s, %s, %s, 'loaded') RETURNING file_id",
                (source, path, DELIVERY, kind, key, f"sha-{next(_seq)}"),
            )
            fid = cur.fetchone()[0]
        self.files[path] = fid
        self._dong[fid] = 1
        return fid

    def _next(self, fid: int) -> int:
        self._dong[fid] += 1
        return self._dong[fid]

    def person(self, id_nguoi, ho_ten, ngay_sinh, gioi_tinh, ma_xa, so_ddcn=None, ma_so_bhxh=None,
               ma_ho=None) -> int:
        dong = self._next(self.register)
        self.conn.execute(
            "INSERT INTO stg.persons (file_id, dong, id_nguoi, ma_so_bhxh, ma_so_bhxh_tin_cay, so_ddcn,"
            " so_ddcn_tin_cay, ho_ten, ngay_sinh, gioi_tinh, ma_xa, ma_ho)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (self.register, dong, id_nguoi, ma_so_bhxh, ma_so_bhxh is not None, so_ddcn, so_ddcn is not None,
             ho_ten, ngay_sinh, gioi_tinh, ma_xa, ma_ho),
        )
        return dong

    def welfare(self, fname, ho_ten, ngay_sinh, gioi_tinh, so_ddcn=None, tin_cay=True, doi_tuong="HN",
                ma_ho=None) -> tuple[str, int]:
        path = f"welfare/{DELIVERY}/{fname}"
        fid = self.files.get(path) or self.file("welfare", "welfare", path, fname)
        dong = self._next(fid)
        self.conn.execute(
            "INSERT INTO stg.welfare (file_id, dong, ma_xa, ho_ten, ngay_sinh, gioi_tinh, so_ddcn,"
            " so_ddcn_tin_cay, ma_ho, doi_tuong) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (fid, dong, fname[:5], ho_ten, ngay_sinh, gioi_tinh, so_ddcn, bool(so_ddcn) and tin_cay, ma_ho,
             doi_tuong),
        )
        return path, dong

    def student(self, ma_truong, ma_xa, ho_ten, ngay_sinh, gioi_tinh, so_ddcn=None, tin_cay=True):
        path = f"schools/{DELIVERY}/{ma_truong}.csv"
        fid = self.files.get(path)
        if fid is None:
            fid = self.file("schools", "roster", path, ma_truong)
            directory = self.files.get("dir") or self.file("schools", "school_directory",
                                                           f"schools/{DELIVERY}/schools.csv", "schools")
            self.files["dir"] = directory
            self.conn.execute(
                "INSERT INTO stg.schools (file_id, dong, ma_truong, ten_truong, cap_hoc, ma_xa)"
                " VALUES (%s, %s, %s, 'Truong', 'THPT', %s)", (directory, self._next(directory), ma_truong, ma_xa))
        dong = self._next(fid)
        self.conn.execute(
            "INSERT INTO stg.students (file_id, dong, ma_truong, ho_ten, ngay_sinh, gioi_tinh, so_ddcn,"
            " so_ddcn_tin_cay) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (fid, dong, ma_truong, ho_ten, ngay_sinh, gioi_tinh, so_ddcn, bool(so_ddcn) and tin_cay),
        )
        return path, dong

    def wage(self, tax_code, ho_ten, ngay_sinh, so_ddcn=None, tin_cay=True, months=("2025-11", "2025-12")):
        path = f"tax/{DELIVERY}/wage_earners.csv"
        fid = self.files.get(path) or self.file("tax", "wage_earners", path, "wage_earners")
        out = []
        for ky in months:
            dong = self._next(fid)
            self.conn.execute(
                "INSERT INTO stg.wage_earners (file_id, dong, ma_so_thue_don_vi, so_ddcn, so_ddcn_tin_cay,"
                " ho_ten, ngay_sinh, ky, thu_nhap, loai_hop_dong)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 10000000, 'KXD')",
                (fid, dong, tax_code, so_ddcn, bool(so_ddcn) and tin_cay, ho_ten, ngay_sinh, ky),
            )
            out.append((path, dong))
        return out

    def person_of(self, path: str, dong: int) -> int:
        """The person_id matching gave the record at path/dong."""
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT rp.person_id FROM mt.record r JOIN mt.record_person rp USING (rec_id)"
                " WHERE r.file_id = %s AND r.dong = %s", (self.files[path], dong))
            return cur.fetchone()[0]

    def register_person(self, id_nguoi: int) -> int:
        with self.conn.cursor() as cur:
            cur.execute("SELECT rp.person_id FROM mt.record r JOIN mt.record_person rp USING (rec_id)"
                        " WHERE r.id_nguoi = %s", (id_nguoi,))
            return cur.fetchone()[0]

    def rule_of(self, path: str, dong: int) -> tuple[str, dict]:
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT rp.quy_tac, rp.bang_chung FROM mt.record r JOIN mt.record_person rp USING (rec_id)"
                " WHERE r.file_id = %s AND r.dong = %s", (self.files[path], dong))
            return cur.fetchone()
