"""The generator's collection/ source: other files unchanged, layouts of CONTRACT §2.6, the world the brief asks
for (agents, targets, results of every code over several weeks, bad rows), and a truth consistent with itself."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from tiemnang_tools.generate import generate
from tiemnang_tools.generate.collection import AGENT_HEADER, CODES, TARGET_HEADER, thon_key
from tiemnang_tools.generate.names import strip_diacritics

D1, D2 = date(2026, 11, 13), date(2026, 11, 20)
REQUIRED = {"madaily", "hovaten", "ngaysinh", "sodinhdanhcanhan", "maxa", "ngay", "ketqua"}


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name, collection in (("with", True), ("without", False)):
        out[name] = tmp_path_factory.mktemp(name)
        generate(out[name], 3000, seed=11, communes=12, collection=collection)
    return out


@pytest.fixture(scope="module")
def world(worlds) -> Path:
    return worlds["with"]


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _sheet(path: Path) -> tuple[list[str], dict[int, list]]:
    """Header keys (thon_key of each title) and the rows by CONTRACT §3 row number."""
    if path.suffix == ".xlsx":
        import openpyxl

        ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        rows = {i: list(r) for i, r in enumerate(ws.iter_rows(values_only=True), 1)}
    else:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = dict(enumerate(csv.reader(fh), 1))
    header = next(r for r in rows.values() if "ketqua" in {thon_key(str(c)) for c in r if c is not None})
    return [thon_key(str(c)) for c in header], rows


def _truth(world: Path, day: date, name: str) -> list[dict]:
    return _csv(world / "truth" / "expected" / day.isoformat() / f"{name}.csv")


def test_every_other_file_is_unchanged(worlds):
    def digests(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((root / "landing").rglob("*")) if p.is_file()}

    with_, without = digests(worlds["with"]), digests(worlds["without"])
    assert {k: v for k, v in with_.items() if not k.startswith("landing/collection/")} == without
    assert any(k.startswith("landing/collection/") for k in with_)
    for name in ("persons.csv", "expected/2026-11-13/tiem_nang.csv", "expected/2026-11-20/den_han_dong.csv"):
        assert (worlds["with"] / "truth" / name).read_bytes() == (worlds["without"] / "truth" / name).read_bytes()
    # records.csv and files.csv only gain the collection/ rows
    for name in ("records.csv", "files.csv"):
        a, b = _csv(worlds["with"] / "truth" / name), _csv(worlds["without"] / "truth" / name)
        assert [r for r in a if not r["path"].startswith("collection/")] == b
        assert any(r["path"].startswith("collection/") for r in a)


def test_deliveries_layouts_and_ready(world):
    root = world / "landing" / "collection"
    folders = sorted(p for p in root.iterdir())
    assert all((f / "_READY").exists() for f in folders)
    for path in root.rglob("dai_ly_thu.csv"):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            assert next(csv.reader(fh)) == AGENT_HEADER
    for path in root.rglob("chi_tieu.csv"):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            assert next(csv.reader(fh)) == TARGET_HEADER
    results = sorted(root.glob("*/ket_qua/*"))
    assert {p.suffix for p in results} == {".xlsx", ".csv"}
    weeks = {p.parent.parent.name for p in results}
    assert len([w for w in weeks if w <= D1.isoformat()]) >= 4 and (D2 - timedelta(3)).isoformat() in weeks
    assert any(w > D2.isoformat() for w in weeks)  # delivered after the last Friday: not in force for it
    for path in results:
        header, _ = _sheet(path)
        assert REQUIRED <= set(header), path


def test_truth_points_at_the_result_rows(world):
    people = {r["person_uid"]: r for r in _csv(world / "truth" / "persons.csv")}
    records = [r for r in _csv(world / "truth" / "records.csv") if "/ket_qua/" in r["path"]]
    accepted = {(r["ngay_giao"], r["person_uid"], r["ngay"], r["ket_qua"])
                for r in _csv(world / "truth" / "collection" / "ket_qua.csv")}
    cache: dict[str, tuple] = {}
    checked = 0
    for rec in records:
        header, rows = cache.setdefault(rec["path"], _sheet(world / "landing" / rec["path"]))
        cells = dict(zip(header, rows[int(rec["dong"])], strict=False))
        if rec["person_uid"] in people and "ten_sai_chinh_ta" not in rec["noise"]:
            assert thon_key(cells["hovaten"]) == thon_key(people[rec["person_uid"]]["ho_ten"]), rec
        person = people.get(rec["person_uid"])
        if person and "ddcn_thieu" not in rec["noise"]:
            assert cells["sodinhdanhcanhan"] == person["so_ddcn"]
        if rec["expected"] == "accepted":
            assert cells["ketqua"] in CODES
            ngay = cells["ngay"] if isinstance(cells["ngay"], date) else \
                date(*reversed([int(x) for x in str(cells["ngay"]).split("/")]))
            ngay = ngay.date() if hasattr(ngay, "date") else ngay
            assert (rec["path"].split("/")[1], rec["person_uid"], ngay.isoformat(), cells["ketqua"]) in accepted
            checked += 1
    assert checked == len(accepted) > 100


def test_results_of_every_code_and_the_bad_rows(world):
    records = [r for r in _csv(world / "truth" / "records.csv") if r["path"].startswith("collection/")]
    reasons = Counter(code for r in records for code in r["reasons"].split(";") if code)
    assert set(reasons) == {"ket_qua_khong_hop_le", "ngay_khong_hop_le", "dai_ly_khong_ton_tai", "trung_lap",
                            "ma_xa_khong_hop_le"}
    results = _csv(world / "truth" / "collection" / "ket_qua.csv")
    codes = Counter(r["ket_qua"] for r in results)
    assert set(codes) == set(CODES)
    assert codes["DA_MAT"] <= 0.05 * len(results)  # rare
    noise = Counter(n for r in records for n in r["noise"].split(";") if n)
    assert noise["ddcn_thieu"] >= 10 and noise["ten_sai_chinh_ta"] >= 5
    days = {(r["ket_qua"], (D2 - date.fromisoformat(r["ngay"])).days) for r in results}
    for code in ("CHUYEN_DI", "KHONG_TIM_THAY"):
        assert {(code, 179), (code, 181)} <= days
        assert any(c == code and n < 180 for c, n in days) and any(c == code and n > 181 for c, n in days)
    # never exactly on the edges of "within the N days before D"
    assert not any((ref - date.fromisoformat(r["ngay"])).days in (30, 180) for r in results for ref in (D1, D2))
    # results for persons on no list: register persons off the lists, and one nobody else knows
    listed = {r["person_uid"] for day in (D1, D2) for name in ("phan_cong", "loai_tru") for r in _truth(world, day, name)}
    outside = {r["person_uid"] for r in results} - listed
    assert "KQ:1" in outside and len(outside) >= 2


def test_agents_of_the_world(world):
    agents = _csv(world / "truth" / "collection" / "dai_ly_thu.csv")
    roles = defaultdict(list)
    for r in _csv(world / "truth" / "collection" / "vai_tro.csv"):
        roles[r["vai_tro"]].append(r["ma"])
    first, later = sorted({r["ngay_giao"] for r in agents})
    by_commune = defaultdict(set)  # whole-commune agents active on the first Friday
    for r in agents:
        if r["ngay_giao"] == first and not r["thon"] and (not r["den_ngay"] or r["den_ngay"] >= D1.isoformat()):
            by_commune[r["ma_xa"]].add(r["ma_dai_ly"])
    assert Counter(len(v) for v in by_commune.values())[1] > len(by_commune) / 2  # most communes: one agent
    assert max(len(v) for v in by_commune.values()) >= 2
    (shared,) = roles["two_communes"]
    assert len({r["ma_xa"] for r in agents if r["ma_dai_ly"] == shared}) == 2
    (mid,) = roles["mid_year"]
    assert {r["den_ngay"] for r in agents if r["ma_dai_ly"] == mid} == {"2026-06-30"}
    (leaving,) = roles["leaving"]
    assert {(r["ngay_giao"], r["den_ngay"]) for r in agents if r["ma_dai_ly"] == leaving} == \
        {(first, ""), (later, "2026-11-16")}
    (newcomer,) = roles["newcomer"]
    assert {r["ngay_giao"] for r in agents if r["ma_dai_ly"] == newcomer} == {later}
    # hamlet agents name the welfare lists' hamlets, written otherwise
    week1 = _truth(world, D1, "phan_cong")
    welfare_hamlets = {(r["ma_xa"], r["thon"]) for r in week1 if r["thon"]}
    named = [(r["ma_xa"], r["thon"]) for r in agents if r["thon"]]
    matched = [(xa, t) for xa, t in named if any(xa == x and thon_key(t) == thon_key(w) for x, w in welfare_hamlets)]
    assert matched and all((xa, t) not in welfare_hamlets for xa, t in matched)
    assert any(r["cach"] in ("duy_nhat", "can_bang") and r["thon"] and r["ma_dai_ly"] in roles["hamlet"]
               for r in week1)
    # one commune without any agent: its rows stay unassigned
    (none,) = roles["khong_co_dai_ly"]
    assert none and none not in {r["ma_xa"] for r in agents}
    assert any(r["ma_xa"] == none and r["ma_dai_ly"] == "" and r["cach"] == "khong_co" for r in week1)


def test_truth_is_consistent_week_to_week(world):
    for day in (D1, D2):
        before = Counter(("tiem_nang", r["person_uid"], r["nhom"]) for r in _truth(world, day, "tiem_nang"))
        before += Counter(("den_han_dong", r["id_nguoi"], r["loai"]) for r in _truth(world, day, "den_han_dong"))
        after = Counter((r["danh_sach"], r["person_uid"] if r["danh_sach"] == "tiem_nang" else r["id_nguoi"], r["nhom"])
                        for name in ("phan_cong", "loai_tru") for r in _truth(world, day, name))
        assert before == after  # every row of the lists is either kept or excluded
    week1 = {(r["danh_sach"], r["person_uid"], r["nhom"]): r for r in _truth(world, D1, "phan_cong")}
    week2 = _truth(world, D2, "phan_cong")
    leaving = next(r["ma"] for r in _csv(world / "truth" / "collection" / "vai_tro.csv") if r["vai_tro"] == "leaving")
    kept = moved = 0
    for r in week2:
        last = week1.get((r["danh_sach"], r["person_uid"], r["nhom"])) if r["danh_sach"] == "tiem_nang" else None
        if last and last["ma_dai_ly"] in r["ung_vien"].split(";") and last["ma_dai_ly"]:
            assert r["ma_dai_ly"] == last["ma_dai_ly"] and r["cach"] == "giu"
            kept += 1
        if last and last["ma_dai_ly"] == leaving:
            assert r["ma_dai_ly"] != leaving
            moved += 1
    assert kept > 100 and moved > 0
    # excluded 174 days after moving away in week 1, back on the list in week 2 (181 days) with the result shown
    old = {r["person_uid"] for r in _truth(world, D1, "loai_tru") if r["ngay_ket_qua"] == "2026-05-23"}
    back = [r for r in week2 if r["person_uid"] in old]
    assert old and back and all(r["ngay_ket_qua"] == "2026-05-23" for r in back)
    assert any(r["ket_qua_gan_nhat"] for r in week2)
    assert sum(int(r["da_dat"]) for r in _truth(world, D2, "tien_do")) > 0
    assert all(r["da_dat"] == "0" for r in _truth(world, D1, "tien_do"))  # the first published week


def test_no_collection_without_truth_lists_still_writes_results(tmp_path):
    summary = generate(tmp_path, 1500, seed=3, communes=6, truth_lists=False)
    assert summary["collection"]["result_rows"] > 20
    assert not (tmp_path / "truth" / "expected").exists()
    assert all(strip_diacritics(p.name) == p.name for p in (tmp_path / "landing" / "collection").rglob("*.*"))
