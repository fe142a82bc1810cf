"""The generator: determinism, layouts, _READY rules, truth pointing at the right rows, IDs per CONTRACT §1."""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from pathlib import Path

import pytest
from stdnum.vn import mst

from tiemnang_tools.generate import generate
from tiemnang_tools.generate.ids import BIRTH_PROVINCES
from tiemnang_tools.generate.names import strip_diacritics
from tiemnang_tools.generate.world import (
    ATK_HEADER,
    COVERAGE_HEADER,
    EMPLOYER_HEADER,
    ENTERPRISE_HEADER,
    HKD_HEADER,
    LEDGER_HEADER,
    PERSON_HEADER,
    WAGE_HEADER,
)

REASONS = {"thieu_ho_ten", "khong_dinh_danh", "ma_xa_khong_hop_le", "ma_so_thue_khong_hop_le",
           "doi_tuong_khong_hop_le", "trung_lap", "ten_tep_khong_hop_le", "don_vi_khong_ton_tai",
           # collection/ (revision 2, issue #17)
           "ket_qua_khong_hop_le", "ngay_khong_hop_le", "dai_ly_khong_ton_tai"}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(out, 2500, seed=11)
    return out


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != "summary.json"}


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1258")
    return list(csv.reader(io.StringIO(unicodedata.normalize("NFC", text))))


def _rows(path: Path) -> dict[int, list]:
    if path.suffix == ".xlsx":
        import openpyxl

        ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        return {i: list(r) for i, r in enumerate(ws.iter_rows(values_only=True), 1)}
    return dict(enumerate(_read_csv(path), 1))


def _key(name: str) -> str:
    return " ".join(strip_diacritics(name).lower().split())


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", 600, seed=5)
    generate(tmp_path / "b", 600, seed=5)
    generate(tmp_path / "c", 600, seed=6)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_national_files_have_contract_headers(world: Path) -> None:
    headers = {"persons.csv": PERSON_HEADER, "coverage.csv": COVERAGE_HEADER, "employers.csv": EMPLOYER_HEADER,
               "contributions.csv": LEDGER_HEADER, "enterprises.csv": ENTERPRISE_HEADER,
               "household_businesses.csv": HKD_HEADER, "wage_earners.csv": WAGE_HEADER, "xa_atk.csv": ATK_HEADER}
    seen = set()
    for source in ("register", "tax", "reference"):
        for path in (world / "landing" / source).rglob("*.csv"):
            assert _read_csv(path)[0] == headers[path.name]
            seen.add(path.name)
    assert seen == set(headers)


def test_ready_markers(world: Path) -> None:
    folders = [p for p in (world / "landing").glob("*/*") if p.is_dir()]
    unready = [p for p in folders if not (p / "_READY").exists()]
    assert len(unready) == 1 and unready[0].parent.name == "schools"
    assert all((p / "_READY").stat().st_size == 0 for p in folders if p not in unready)
    assert any(p.name > "2026-11-20" for p in folders if p not in unready)


def test_truth_points_at_the_right_rows(world: Path) -> None:
    people = {r["person_uid"]: r for r in csv.DictReader(open(world / "truth" / "persons.csv", encoding="utf-8"))}
    records = list(csv.DictReader(open(world / "truth" / "records.csv", encoding="utf-8")))
    cache: dict[str, dict[int, list]] = {}
    checked = 0
    for rec in records:
        if not rec["path"].startswith(("schools/", "welfare/")):
            continue
        rows = cache.setdefault(rec["path"], _rows(world / "landing" / rec["path"]))
        row = rows[int(rec["dong"])]
        cells = {_key(str(v)) for v in row if v not in (None, "")}
        if "thieu_ho_ten" not in rec["reasons"]:
            assert _key(people[rec["person_uid"]]["ho_ten"]) in cells, rec
        checked += 1
    assert checked > 500


def test_quarantine_truth_is_consistent(world: Path) -> None:
    records = list(csv.DictReader(open(world / "truth" / "records.csv", encoding="utf-8")))
    quarantined = [r for r in records if r["expected"] == "quarantined"]
    found = {code for r in quarantined for code in r["reasons"].split(";")}
    assert found <= REASONS
    assert REASONS <= found  # every kind of bad row is injected at least once
    assert all(r["reasons"] == "" for r in records if r["expected"] == "accepted")
    rows_by_path: dict[str, dict[int, list]] = {}
    for r in quarantined:
        if r["reasons"] == "trung_lap":
            rows = rows_by_path.setdefault(r["path"], _rows(world / "landing" / r["path"]))
            assert rows[int(r["dong"])] == rows[int(r["dong"]) - 1]


def test_identifiers_follow_the_contract(world: Path) -> None:
    for r in csv.DictReader(open(world / "truth" / "persons.csv", encoding="utf-8")):
        ddcn, year = r["so_ddcn"], int(r["ngay_sinh"][:4])
        assert r["so_ddcn"] or r["ma_so_bhxh"]
        if ddcn:
            assert len(ddcn) == 12 and ddcn.isdigit() and int(ddcn[:3]) in BIRTH_PROVINCES
            assert int(ddcn[3]) == (year // 100 - 19) * 2 + (r["gioi_tinh"] == "2")
            assert ddcn[4:6] == f"{year % 100:02d}"
        assert r["ma_so_bhxh"] == "" or (len(r["ma_so_bhxh"]) == 10 and r["ma_so_bhxh"].isdigit())
    records = {(r["path"], int(r["dong"])): r for r in
               csv.DictReader(open(world / "truth" / "records.csv", encoding="utf-8"))}
    for path in (world / "landing" / "tax").rglob("enterprises.csv"):
        rel = str(path.relative_to(world / "landing"))
        for dong, row in enumerate(_read_csv(path)[1:], 2):
            bad = "ma_so_thue_khong_hop_le" in records[(rel, dong)]["reasons"]
            assert mst.is_valid(row[0]) != bad


def test_badly_named_file_and_identical_redelivery(world: Path) -> None:
    files = list(csv.DictReader(open(world / "truth" / "files.csv", encoding="utf-8")))
    assert any(f["reasons"] == "ten_tep_khong_hop_le" for f in files)
    assert any("re-delivery" in f["note"] for f in files)
    for f in files:
        if f["note"].startswith("byte-identical"):
            original = f["note"].rsplit(" ", 1)[1]
            assert (world / "landing" / f["path"]).read_bytes() == (world / "landing" / original).read_bytes()


def test_duplicate_register_records_are_the_registers_kind(world: Path) -> None:
    """Second register records (CONTRACT §4.5): a later id_nguoi sharing a trusted ID with the person's first
    record, in every register snapshot from its tu_ngay on, pointed at by records.csv, and in the truth's
    the_trung with both ids."""
    people = {r["person_uid"]: r for r in csv.DictReader(open(world / "truth" / "persons.csv", encoding="utf-8"))}
    dups = list(csv.DictReader(open(world / "truth" / "duplicate_records.csv", encoding="utf-8")))
    assert dups
    first_ids = [int(p["id_nguoi"]) for p in people.values() if p["id_nguoi"]]
    records = {(r["path"], int(r["dong"])): r for r in
               csv.DictReader(open(world / "truth" / "records.csv", encoding="utf-8"))}
    snapshots = sorted((world / "landing" / "register").glob("*/persons.csv"))
    for d in dups:
        person = people[d["person_uid"]]
        assert int(d["id_nguoi"]) > max(first_ids)
        assert (d["so_ddcn"] and d["so_ddcn"] == person["so_ddcn"]) or d["ma_so_bhxh"] == person["ma_so_bhxh"] != ""
        assert d["ngay_sinh"][:4] == person["ngay_sinh"][:4] and "ho_so_trung" in d["noise"]
        for path in snapshots:
            rows = [(dong, row) for dong, row in enumerate(_read_csv(path)[1:], 2) if row[0] == d["id_nguoi"]]
            if path.parent.name < d["tu_ngay"]:
                assert rows == []
                continue
            [(dong, row)] = rows
            assert row[1:5] == [d["ma_so_bhxh"], d["so_ddcn"], d["ho_ten"], d["ngay_sinh"]]
            rec = records[(str(path.relative_to(world / "landing")), dong)]
            assert rec["person_uid"] == d["person_uid"] and rec["expected"] == "accepted"
    expected = world / "truth" / "expected" / "2026-11-20" / "the_trung.csv"
    listed = {r["person_uid"]: r for r in csv.DictReader(open(expected, encoding="utf-8"))}
    for d in dups:
        assert d["id_nguoi"] in listed[d["person_uid"]]["id_nguoi"].split(";")


def test_duplicate_records_leave_every_other_file_as_it_was(tmp_path: Path, monkeypatch) -> None:
    """The duplicates take their own random stream: with or without them, every file but the register's persons
    and coverage (and the truth that describes them) is byte for byte the same."""
    from tiemnang_tools.generate import world as world_module

    monkeypatch.setattr(world_module, "DUPLICATE_SHARE", 0.0)
    generate(tmp_path / "none", 600, seed=5)
    monkeypatch.setattr(world_module, "DUPLICATE_SHARE", 0.05)
    summary = generate(tmp_path / "many", 600, seed=5)
    assert summary["register_duplicates"] > 10
    changed = {"persons.csv", "coverage.csv", "records.csv", "duplicate_records.csv", "the_trung.csv"}
    a, b = _digest(tmp_path / "none"), _digest(tmp_path / "many")
    assert set(a) == set(b)
    different = {path for path in a if a[path] != b.get(path)}
    assert different and {Path(path).name for path in different} <= changed
    assert any(path.startswith("landing/register/") for path in different)
