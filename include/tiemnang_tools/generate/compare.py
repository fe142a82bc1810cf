"""Compare what a warehouse published for a generated world with the world's truth (the oracle's lists).

`compare_week` compares the lists of CONTRACT §4.1–§4.6; with `collection=True` (the default when the world has a
collection/ source and the warehouse publishes `loai_tru`) it expects §4.7's exclusions to be applied and adds
`compare_collection`, which can also be run on its own: exclusions, latest results, hamlets, the assignment
(against the truth, and replayed on the published rows), `tien_do` and `tien_do_dai_ly`.

Command line: `python -m tiemnang_tools.generate.compare WORLD AS_OF TUAN [--collection-only]` (the warehouse of
`tiemnang run`), prints the differences as JSON and exits 1 when there are any.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import psycopg
from psycopg import sql

from tiemnang.reference import geography
from tiemnang_tools.generate.collection import (
    DEN_HAN_DONG,
    TIEM_NANG,
    Agent,
    Result,
    Row,
    assign,
    in_force,
    previous_agents,
    thon_key,
    tien_do_dai_ly,
)

# parts of compare_collection that describe rather than judge (is_equal ignores them)
INFORMATIONAL = ("ma_dai_ly_theo_thu_tu",)


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


class _Truth:
    """The world's identities: a published row → the true person (`person_uid`)."""

    def __init__(self, world: Path):
        truth = world / "truth"
        self.records = {(r["path"], int(r["dong"])): r["person_uid"] for r in _read(truth / "records.csv")}
        persons = _read(truth / "persons.csv")
        self.by_id_nguoi = {r["id_nguoi"]: r["person_uid"] for r in persons if r["id_nguoi"]}
        if (truth / "duplicate_records.csv").exists():   # a person's second register records (CONTRACT §4.5)
            self.by_id_nguoi.update((r["id_nguoi"], r["person_uid"]) for r in _read(truth / "duplicate_records.csv"))
        self.by_ddcn = {r["so_ddcn"]: r["person_uid"] for r in persons if r["so_ddcn"]}
        self.by_name: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
        for r in persons:
            self.by_name[(thon_key(r["ho_ten"]), r["ngay_sinh"])].append((r["person_uid"], r["ma_xa"]))

    def tiem_nang_uids(self, row: dict) -> set[str]:
        return {self.by_id_nguoi.get(str(src["id_nguoi"])) if src["nguon"] == "register"
                else self.records.get((src["tep"], int(src["dong"]))) for src in row["nguon"]} - {None}

    def person(self, row: dict) -> str:
        """A row without provenance (loai_tru): by id_nguoi, else so_ddcn, else name, birth date and commune."""
        if row.get("nguon"):
            uids = self.tiem_nang_uids(row)
            if len(uids) == 1:
                return uids.pop()
        if row.get("id_nguoi") is not None and str(row["id_nguoi"]) in self.by_id_nguoi:
            return self.by_id_nguoi[str(row["id_nguoi"])]
        if row.get("so_ddcn") and row["so_ddcn"] in self.by_ddcn:
            return self.by_ddcn[row["so_ddcn"]]
        same = self.by_name.get((thon_key(row.get("ho_ten")), row.get("ngay_sinh") or ""), [])
        here = [uid for uid, xa in same if xa == row.get("ma_xa")] or [uid for uid, _ in same]
        return here[0] if len(here) == 1 else "?"


def _has_collection(conn: psycopg.Connection, world: Path, as_of: str) -> bool:
    if not (world / "truth" / "expected" / as_of / "loai_tru.csv").exists():
        return False
    first = sorted(geography.provinces())[0]
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"tinh_{first}.loai_tru_lich_su",)).fetchone()[0]


def compare_week(conn: psycopg.Connection, world: Path, as_of: str, tuan: str, collection: bool | None = None) -> dict:
    """Differences between published week `tuan` and truth/expected/<as_of>; empty lists mean equal.

    Lists are compared as multisets: a person, a due or a unit published twice is `unexpected` once more
    than the truth has it, even when every row is right. `collection`: expect §4.7's exclusions (the truth's
    tiem_nang.csv and den_han_dong.csv are the lists before them, loai_tru.csv the rows they remove) and add
    `compare_collection`'s parts; None = when the world has the truth for it and the warehouse has `loai_tru`.
    """
    truth = world / "truth"
    who = _Truth(world)
    expected_dir = truth / "expected" / as_of
    if collection is None:
        collection = _has_collection(conn, world, as_of)
    gone_people, gone_dues = set(), set()
    if collection:
        for r in _read(expected_dir / "loai_tru.csv"):
            if r["danh_sach"] == TIEM_NANG:
                gone_people.add(r["person_uid"])
            else:
                gone_dues.add((r["id_nguoi"], r["nhom"]))

    expected = Counter((r["person_uid"], r["nhom"], frozenset(r["ly_do"].split(";")), r["ma_xa"])
                       for r in _read(expected_dir / "tiem_nang.csv") if r["person_uid"] not in gone_people)
    got: Counter = Counter()
    merged = []
    for row in _published(conn, "tiem_nang", tuan):
        uids = who.tiem_nang_uids(row)
        if len(uids) != 1:
            merged.append(sorted(uids))
        got.update((uid, row["nhom"], frozenset(row["ly_do"]), row["ma_xa"]) for uid in uids)

    dues = Counter((r["id_nguoi"], r["loai"], r["han_dong"], int(r["phuong_thuc"]), int(r["so_tien"]))
                   for r in _read(expected_dir / "den_han_dong.csv") if (r["id_nguoi"], r["loai"]) not in gone_dues)
    got_dues = Counter((str(r["id_nguoi"]), r["loai"], r["han_dong"].isoformat(), r["phuong_thuc"], r["so_tien"])
                       for r in _published(conn, "den_han_dong", tuan))
    units = Counter((r["ma_so_thue"], r["loai"], int(r["so_lao_dong_thue"]), int(r["so_lao_dong_bhxh"]))
                    for r in _read(expected_dir / "don_vi_tiem_nang.csv"))
    got_units = Counter((r["ma_so_thue"], r["loai"], r["so_lao_dong_thue"], r["so_lao_dong_bhxh"])
                        for r in _published(conn, "don_vi_tiem_nang", tuan))
    duplicates = Counter((r["person_uid"], r["loai"], r["ma_xa"], int(r["so_the"]), r["id_nguoi"], r["ma_doi_tuong"])
                         for r in _read(expected_dir / "the_trung.csv"))
    got_duplicates = Counter(_the_trung_key(r, who.by_id_nguoi) for r in _published(conn, "the_trung", tuan))
    arrears = Counter((r["ma_don_vi"], int(r["so_thang_no"]), int(r["so_tien_no"]), r["ky_no_tu"])
                      for r in _read(expected_dir / "don_vi_no_dong.csv"))
    got_arrears = Counter((r["ma_don_vi"], r["so_thang_no"], r["so_tien_no"], r["ky_no_tu"])
                          for r in _published(conn, "don_vi_no_dong", tuan))
    result = {
        "tiem_nang": {**_difference(expected, got, key=str), "rows_not_one_person": merged},
        "don_vi_no_dong": _difference(arrears, got_arrears),
        "den_han_dong": _difference(dues, got_dues),
        "don_vi_tiem_nang": _difference(units, got_units),
        "the_trung": _difference(duplicates, got_duplicates, key=str),
    }
    if collection:
        result.update(compare_collection(conn, world, as_of, tuan, who))
    return result


# ----------------------------------------------------------------------------------------- §4.7, §4.8
def _previous(world: Path, as_of: str) -> tuple[str, str] | None:
    """(D, tuan) of the reference date before as_of: the truth takes every reference date as published."""
    refs = json.loads((world / "truth" / "summary.json").read_text(encoding="utf-8"))["reference_dates"]
    earlier = [d for d in sorted(refs) if d < as_of]
    if not earlier:
        return None
    y, w, _ = date.fromisoformat(earlier[-1]).isocalendar()
    return earlier[-1], f"{y}-W{w:02d}"


def _agents(world: Path, day: date) -> list[Agent]:
    deliveries: dict[date, list[Agent]] = defaultdict(list)
    for r in _read(world / "truth" / "collection" / "dai_ly_thu.csv"):
        deliveries[date.fromisoformat(r["ngay_giao"])].append(Agent(
            r["ma_dai_ly"], r["ten_dai_ly"], r["ma_xa"], r["thon"], date.fromisoformat(r["tu_ngay"]),
            date.fromisoformat(r["den_ngay"]) if r["den_ngay"] else None))
    return in_force(list(deliveries.items()), day)


def _results(world: Path) -> list[Result]:
    return [Result(r["person_uid"], r["ma_dai_ly"], r["ma_xa"], date.fromisoformat(r["ngay"]), r["ket_qua"],
                   date.fromisoformat(r["ngay_giao"])) for r in _read(world / "truth" / "collection" / "ket_qua.csv")]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _day(value) -> str:
    return "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)


def _rows(conn: psycopg.Connection, who: _Truth, tuan: str) -> list[tuple[tuple, Row]]:
    """Published rows of both lists of a week as (truth key, Row); the Row's own key is the pipeline's person key
    (khoa_nguoi when published, else the true person) so that a replay sticks the way the pipeline does."""
    out = []
    for r in _published(conn, "tiem_nang", tuan):
        uids = who.tiem_nang_uids(r)
        uid = uids.pop() if len(uids) == 1 else "?"
        key = ("khoa", r["khoa_nguoi"]) if r.get("khoa_nguoi") else ("uid", uid)
        out.append(((TIEM_NANG, uid, r["nhom"]), Row(
            TIEM_NANG, key, uid, r["ma_xa"], r["nhom"], _text(r.get("thon")), _text(r["so_ddcn"]),
            _text(r["ho_ten"]), _text(r["ngay_sinh"]), r.get("id_nguoi"), None, _text(r.get("ma_dai_ly")),
            ket_qua=_text(r.get("ket_qua_gan_nhat")), ngay_ket_qua=r.get("ngay_ket_qua"))))
    for r in _published(conn, "den_han_dong", tuan):
        uid = who.by_id_nguoi.get(str(r["id_nguoi"]), "?")
        out.append(((DEN_HAN_DONG, str(r["id_nguoi"]), r["loai"]), Row(
            DEN_HAN_DONG, (r["id_nguoi"], r["loai"]), uid, r["ma_xa"], r["loai"], _text(r.get("thon")),
            _text(r["so_ddcn"]), _text(r["ho_ten"]), _text(r["ngay_sinh"]), r["id_nguoi"], r["han_dong"],
            _text(r.get("ma_dai_ly")), ket_qua=_text(r.get("ket_qua_gan_nhat")), ngay_ket_qua=r.get("ngay_ket_qua"))))
    return out


def _truth_key(r: dict) -> tuple:
    if r["danh_sach"] == TIEM_NANG:
        return (TIEM_NANG, r["person_uid"], r["nhom"])
    return (DEN_HAN_DONG, r["id_nguoi"], r["nhom"])


def compare_collection(conn: psycopg.Connection, world: Path, as_of: str, tuan: str, who: _Truth | None = None) -> dict:
    """§4.7–§4.8 of published week `tuan` against truth/expected/<as_of> (parts as in `compare_week`):

    - `loai_tru`: excluded rows (person, list, group/due type, commune, result, its date, its agent);
    - `ket_qua_gan_nhat`, `thon`: each remaining row's latest result and date, and its hamlet;
    - `ma_dai_ly`: each row's agent where it does not depend on the order of rows (no candidate, one
      candidate, kept from such a row), and `not_a_candidate` for every row whose agent is not one of its
      candidates; `phan_cong_phat_lai`: §4.7 replayed on the published rows themselves (their hamlet, so_ddcn,
      ho_ten, ngay_sinh and last week's published agents) — the order-dependent balance, exactly;
      `ma_dai_ly_theo_thu_tu` (informational): rows balanced among several candidates whose agent differs from
      the truth's own order (the pipeline orders by its own values of the person, which may differ);
    - `tien_do`: exact, ignoring published rows with neither a target nor anything reached;
    - `tien_do_dai_ly`: recomputed from the published assignment of this and last week with the truth's results
      and joiners, ignoring published rows that are all zero.
    """
    who = who or _Truth(world)
    folder = world / "truth" / "expected" / as_of
    day = date.fromisoformat(as_of)
    rows = _rows(conn, who, tuan)
    by_key = {k: r for k, r in rows}
    truth_rows = _read(folder / "phan_cong.csv")
    parts: dict[str, dict] = {}

    excluded = Counter((r["person_uid"], r["danh_sach"], r["nhom"], r["ma_xa"], r["ket_qua"], r["ngay_ket_qua"],
                        r["ma_dai_ly"]) for r in _read(folder / "loai_tru.csv"))
    got = Counter((who.person(r), r["danh_sach"], r["nhom"], r["ma_xa"], _text(r["ket_qua"]), _day(r["ngay_ket_qua"]),
                   _text(r.get("ma_dai_ly"))) for r in _published(conn, "loai_tru", tuan))
    parts["loai_tru"] = _difference(excluded, got, key=str)

    parts["ket_qua_gan_nhat"] = _difference(
        Counter((*_truth_key(r), r["ket_qua_gan_nhat"], r["ngay_ket_qua"]) for r in truth_rows),
        Counter((*k, r.ket_qua, _day(r.ngay_ket_qua)) for k, r in rows), key=str)
    parts["thon"] = _difference(Counter((*_truth_key(r), r["thon"]) for r in truth_rows),
                                Counter((*k, r.thon) for k, r in rows), key=str)

    fixed = {_truth_key(r): r["ma_dai_ly"] for r in truth_rows if r["co_dinh"] == "1"}
    not_candidate = [(*_truth_key(r), by_key[_truth_key(r)].ma_dai_ly, r["ung_vien"]) for r in truth_rows
                     if _truth_key(r) in by_key
                     and (by_key[_truth_key(r)].ma_dai_ly or "") not in (r["ung_vien"].split(";") if r["ung_vien"]
                                                                        else [""])]
    parts["ma_dai_ly"] = {**_difference(Counter((*k, a) for k, a in fixed.items()),
                                        Counter((*k, r.ma_dai_ly) for k, r in rows if k in fixed), key=str),
                          "not_a_candidate": sorted(not_candidate, key=str)}
    parts["ma_dai_ly_theo_thu_tu"] = {"differ": sum(
        1 for r in truth_rows if r["co_dinh"] != "1" and _truth_key(r) in by_key
        and by_key[_truth_key(r)].ma_dai_ly != r["ma_dai_ly"]),
        "rows": sum(1 for r in truth_rows if r["co_dinh"] != "1")}

    before = _previous(world, as_of)
    prev_rows = _rows(conn, who, before[1]) if before else []
    previous = previous_agents(r for _, r in prev_rows if r.uid != "?")
    replay = [Row(r.danh_sach, r.key, r.uid, r.ma_xa, r.nhom, r.thon, r.so_ddcn, r.ho_ten, r.ngay_sinh)
              for _, r in rows]
    agents = _agents(world, day)
    assign(replay, agents, day, previous)
    parts["phan_cong_phat_lai"] = _difference(
        Counter((*k, r.ma_xa, again.ma_dai_ly) for (k, r), again in zip(rows, replay, strict=True)),
        Counter((*k, r.ma_xa, r.ma_dai_ly) for k, r in rows), key=str)

    progress = Counter((r["ma_xa"], r["nhom"], int(r["chi_tieu"]) if r["chi_tieu"] else None, int(r["da_dat"]),
                        r["ty_le"] or None) for r in _read(folder / "tien_do.csv"))
    published = _published(conn, "tien_do", tuan)
    got = Counter((r["ma_xa"], r["nhom"], r["chi_tieu"], r["da_dat"], None if r["ty_le"] is None else f"{r['ty_le']:.4f}")
                  for r in published if r["chi_tieu"] is not None or r["da_dat"])
    parts["tien_do"] = {**_difference(progress, got, key=str),
                        "ignored": sum(1 for r in published if r["chi_tieu"] is None and not r["da_dat"])}

    prev_by_key = {k: r for k, r in prev_rows}
    joined = []
    for r in _read(folder / "da_tham_gia.csv"):
        last = prev_by_key.get(_truth_key(r))
        if last is not None:
            joined.append(last)
    names = {r["ma_dai_ly"]: r["ten_dai_ly"] for r in sorted(_read(world / "truth" / "collection" / "dai_ly_thu.csv"),
                                                            key=lambda r: r["ngay_giao"]) if r["ngay_giao"] <= as_of}
    expected_agents = Counter(
        (f["ma_dai_ly"], names.get(f["ma_dai_ly"], ""), f["ma_xa"], f["so_duoc_giao"], f["so_co_ket_qua"],
         f["so_da_tham_gia"])
        for f in tien_do_dai_ly([r for _, r in rows], joined, _results(world), day))
    published = _published(conn, "tien_do_dai_ly", tuan)
    got = Counter((r["ma_dai_ly"], _text(r["ten_dai_ly"]), r["ma_xa"], r["so_duoc_giao"], r["so_co_ket_qua"],
                   r["so_da_tham_gia"]) for r in published
                  if r["so_duoc_giao"] or r["so_co_ket_qua"] or r["so_da_tham_gia"])
    parts["tien_do_dai_ly"] = {**_difference(expected_agents, got, key=str),
                               "joiners_not_published_last_week": len(_read(folder / "da_tham_gia.csv")) - len(joined),
                               "ignored": sum(1 for r in published if not (r["so_duoc_giao"] or r["so_co_ket_qua"]
                                                                           or r["so_da_tham_gia"]))}
    return parts


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
    return not any(v for name, part in diff.items() if name not in INFORMATIONAL
                   for k, v in part.items() if k not in ("expected", "published", "ignored")
                   and not k.startswith("joiners_"))


def main(argv: list[str] | None = None) -> int:
    import argparse

    from tiemnang import config

    parser = argparse.ArgumentParser(prog="python -m tiemnang_tools.generate.compare", description=__doc__.split("\n")[0])
    parser.add_argument("world", type=Path, help="the generated world (holds truth/)")
    parser.add_argument("as_of", help="reference date D, YYYY-MM-DD")
    parser.add_argument("tuan", help="published week, YYYY-Www")
    parser.add_argument("--collection-only", action="store_true", help="only §4.7–§4.8 (compare_collection)")
    parser.add_argument("--no-collection", action="store_true", help="only §4.1–§4.6, lists before exclusions")
    args = parser.parse_args(argv)
    with psycopg.connect(config.warehouse_conninfo()) as conn:
        if args.collection_only:
            if not _has_collection(conn, args.world, args.as_of):
                parser.exit(2, "the world has no collection truth for this date, or the warehouse publishes no"
                               " loai_tru (CONTRACT §5 revision 2)\n")
            diff = compare_collection(conn, args.world, args.as_of, args.tuan)
        else:
            diff = compare_week(conn, args.world, args.as_of, args.tuan, False if args.no_collection else None)
    print(json.dumps(diff, ensure_ascii=False, indent=1, default=str))
    return 0 if is_equal(diff) else 1


if __name__ == "__main__":
    raise SystemExit(main())
