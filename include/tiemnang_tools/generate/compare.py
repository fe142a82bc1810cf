"""Compare what a warehouse published for a generated world with the world's truth (the oracle's lists)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import psycopg
from psycopg import sql

from tiemnang.reference import geography


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _published(conn: psycopg.Connection, table: str, tuan: str) -> list[dict]:
    rows: list[dict] = []
    for ma_tinh in sorted(geography.provinces()):
        cur = conn.execute(sql.SQL("SELECT * FROM {}.{} WHERE tuan = %s").format(
            sql.Identifier(f"tinh_{ma_tinh}"), sql.Identifier(f"{table}_lich_su")), (tuan,))
        names = [c.name for c in cur.description]
        rows += [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    return rows


def compare_week(conn: psycopg.Connection, world: Path, as_of: str, tuan: str) -> dict:
    """Differences between published week `tuan` and truth/expected/<as_of>; empty lists mean equal.

    Lists are compared as multisets: a person, a due or a unit published twice is `unexpected` once more
    than the truth has it, even when every row is right.
    """
    truth = world / "truth"
    records = {(r["path"], int(r["dong"])): r["person_uid"] for r in _read(truth / "records.csv")}
    by_id_nguoi = {r["id_nguoi"]: r["person_uid"] for r in _read(truth / "persons.csv") if r["id_nguoi"]}
    if (truth / "duplicate_records.csv").exists():   # a person's second register records (CONTRACT §4.5)
        by_id_nguoi.update((r["id_nguoi"], r["person_uid"]) for r in _read(truth / "duplicate_records.csv"))
    expected_dir = truth / "expected" / as_of

    expected = Counter((r["person_uid"], r["nhom"], frozenset(r["ly_do"].split(";")), r["ma_xa"])
                       for r in _read(expected_dir / "tiem_nang.csv"))
    got: Counter = Counter()
    merged = []
    for row in _published(conn, "tiem_nang", tuan):
        uids = {by_id_nguoi.get(str(src["id_nguoi"])) if src["nguon"] == "register"
                else records.get((src["tep"], int(src["dong"]))) for src in row["nguon"]} - {None}
        if len(uids) != 1:
            merged.append(sorted(uids))
        got.update((uid, row["nhom"], frozenset(row["ly_do"]), row["ma_xa"]) for uid in uids)

    dues = Counter((r["id_nguoi"], r["loai"], r["han_dong"], int(r["phuong_thuc"]), int(r["so_tien"]))
                   for r in _read(expected_dir / "den_han_dong.csv"))
    got_dues = Counter((str(r["id_nguoi"]), r["loai"], r["han_dong"].isoformat(), r["phuong_thuc"], r["so_tien"])
                       for r in _published(conn, "den_han_dong", tuan))
    units = Counter((r["ma_so_thue"], r["loai"], int(r["so_lao_dong_thue"]), int(r["so_lao_dong_bhxh"]))
                    for r in _read(expected_dir / "don_vi_tiem_nang.csv"))
    got_units = Counter((r["ma_so_thue"], r["loai"], r["so_lao_dong_thue"], r["so_lao_dong_bhxh"])
                        for r in _published(conn, "don_vi_tiem_nang", tuan))
    duplicates = Counter((r["person_uid"], r["loai"], r["ma_xa"], int(r["so_the"]), r["id_nguoi"], r["ma_doi_tuong"])
                         for r in _read(expected_dir / "the_trung.csv"))
    got_duplicates = Counter(_the_trung_key(r, by_id_nguoi) for r in _published(conn, "the_trung", tuan))
    arrears = Counter((r["ma_don_vi"], int(r["so_thang_no"]), int(r["so_tien_no"]), r["ky_no_tu"])
                      for r in _read(expected_dir / "don_vi_no_dong.csv"))
    got_arrears = Counter((r["ma_don_vi"], r["so_thang_no"], r["so_tien_no"], r["ky_no_tu"])
                          for r in _published(conn, "don_vi_no_dong", tuan))
    return {
        "tiem_nang": {**_difference(expected, got, key=str), "rows_not_one_person": merged},
        "don_vi_no_dong": _difference(arrears, got_arrears),
        "den_han_dong": _difference(dues, got_dues),
        "don_vi_tiem_nang": _difference(units, got_units),
        "the_trung": _difference(duplicates, got_duplicates, key=str),
    }


def _the_trung_key(row: dict, by_id_nguoi: dict[str, str]) -> tuple:
    """A published the_trung row as the truth writes it; its person is the one true person of all its records
    (several, or none known: the row stands for no one person and matches no truth row)."""
    uids = {by_id_nguoi.get(str(i)) for i in row["id_nguoi"]}
    uid = uids.pop() if len(uids) == 1 else tuple(sorted(map(str, uids)))
    return (uid, row["loai"], row["ma_xa"], len(row["the"]), ";".join(str(i) for i in row["id_nguoi"]),
            ";".join(sorted(str(c.get("ma_doi_tuong")) for c in row["the"])))


def _difference(expected: Counter, got: Counter, key=None) -> dict:
    """Row counts and the multiset differences, each repeated as often as it is missing or extra."""
    return {"expected": expected.total(), "published": got.total(),
            "missing": sorted((expected - got).elements(), key=key),
            "unexpected": sorted((got - expected).elements(), key=key)}


def is_equal(diff: dict) -> bool:
    return not any(v for part in diff.values() for k, v in part.items() if k not in ("expected", "published"))
