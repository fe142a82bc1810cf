"""Noise profiles: default unchanged, row-level knobs keep people and quarantines, structural knobs act."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import pytest

from tiemnang.reference.geography import communes
from tiemnang_tools.generate import DEFAULT_REFERENCE_DATES, generate, profiles
from tiemnang_tools.generate.world import World

ROW_LEVEL = {"names": {"khong_dau", "chu_hoa", "ten_dem_bo", "ten_dem_viet_tat"},
             "dates": {"dao_ngay_thang", "chi_nam_sinh"}, "ids": {"ddcn_dao_so", "cmnd_cu"}}


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name in ("default", "names", "dates", "ids", "places", "households", "harsh"):
        out[name] = tmp_path_factory.mktemp(name)
        generate(out[name], 2500, seed=11, truth_lists=False, profile=name)
    return out


def test_default_draws_nothing_from_the_profile_stream(tmp_path):
    world = World(tmp_path, 600, 5, list(DEFAULT_REFERENCE_DATES), False)
    world.run()
    assert world.profile.is_default and not world.noisy
    assert world.prng.getstate() == random.Random("5:default").getstate()


def test_unknown_profile_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown profile"):
        generate(tmp_path, 100, seed=1, profile="gentle")


@pytest.mark.parametrize("name", sorted(ROW_LEVEL))
def test_row_level_profiles_keep_people_rows_and_quarantines(worlds, name):
    base, noisy = worlds["default"] / "truth", worlds[name] / "truth"
    assert (noisy / "persons.csv").read_bytes() == (base / "persons.csv").read_bytes()
    fate = lambda rows: [(r["path"], r["dong"], r["person_uid"], r["expected"], r["reasons"]) for r in rows]  # noqa: E731
    base_rows, noisy_rows = _csv(base / "records.csv"), _csv(noisy / "records.csv")
    assert fate(noisy_rows) == fate(base_rows)
    added = Counter(code for b, n in zip(base_rows, noisy_rows, strict=True)
                    for code in set(n["noise"].split(";")) - set(b["noise"].split(";")) if code)
    assert set(added) == ROW_LEVEL[name], added
    assert min(added.values()) >= 20


def test_mangled_wage_rows_say_what_was_done(worlds):
    root = worlds["harsh"]
    truth = {(r["path"], int(r["dong"])): r for r in _csv(root / "truth" / "records.csv")}
    people = {r["person_uid"]: r for r in _csv(root / "truth" / "persons.csv")}
    seen = Counter()
    for path in sorted((root / "landing" / "tax").rglob("wage_earners.csv")):
        rel = str(path.relative_to(root / "landing"))
        for dong, row in enumerate(_csv(path), 2):
            rec = truth[(rel, dong)]
            noise, person = rec["noise"].split(";"), people[rec["person_uid"]]
            day = person["ngay_sinh"]
            if "cmnd_cu" in noise:
                assert len(row["so_ddcn"]) == 9 and row["ngay_sinh"]  # the row still stands on its birth date
            if "ddcn_dao_so" in noise and "ddcn_sai_mot_so" not in noise:
                a, b = row["so_ddcn"], person["so_ddcn"]
                assert sorted(a) == sorted(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 2
            if "chi_nam_sinh" in noise:
                assert row["ngay_sinh"] == day[:4]
            if "dao_ngay_thang" in noise:
                assert row["ngay_sinh"] == f"{day[5:7]}/{day[8:10]}/{day[:4]}" and day[5:7] != day[8:10]
            if "ten_dem_bo" in noise:
                assert len(row["ho_ten"].split()) == 2 < len(person["ho_ten"].split())
            seen.update(noise)
    assert all(seen[c] > 0 for c in ("cmnd_cu", "ddcn_dao_so", "chi_nam_sinh", "dao_ngay_thang", "ten_dem_bo"))


def _away(root: Path) -> tuple[int, int]:
    """(students whose school is in another province, wage rows whose employer is in another commune)."""
    province = {code: tinh for code, (_, tinh) in communes().items()}
    truth = _csv(root / "truth" / "records.csv")
    home = {r["person_uid"]: r["ma_xa"] for r in _csv(root / "truth" / "persons.csv")}
    school_xa = {r["ma_truong"]: r["ma_xa"] for p in (root / "landing" / "schools").rglob("schools.csv")
                 for r in _csv(p)}
    firm_xa = {r["ma_so_thue"]: r["ma_xa"] for p in (root / "landing" / "tax").rglob("enterprises.csv")
               for r in _csv(p)}
    students = sum(1 for r in truth if r["path"].startswith("schools/") and not r["path"].endswith("schools.csv")
                   and province[school_xa[Path(r["path"]).stem]] != province[home[r["person_uid"]]])
    workers = 0
    for path in (root / "landing" / "tax").rglob("wage_earners.csv"):
        rel = str(path.relative_to(root / "landing"))
        uids = {int(r["dong"]): r["person_uid"] for r in truth if r["path"] == rel}
        workers += sum(1 for dong, row in enumerate(_csv(path), 2)
                       if firm_xa.get(row["ma_so_thue_don_vi"], home[uids[dong]]) != home[uids[dong]])
    return students, workers


def test_places_puts_schools_and_employers_elsewhere(worlds):
    assert _away(worlds["default"]) == (0, 0)
    students, workers = _away(worlds["places"])
    assert students > 50 and workers > 100


def test_households_add_twins_and_common_names(worlds):
    def twins(root: Path) -> int:
        by_birth = Counter((r["ho_ten"].split()[0], r["ngay_sinh"], r["ma_xa"])
                           for r in _csv(root / "truth" / "persons.csv") if len(r["ngay_sinh"]) == 10)
        return sum(1 for n in by_birth.values() if n > 1)

    def common(root: Path) -> int:
        names = {n for pool in profiles.COMMON_NAMES.values() for n in pool}
        return sum(1 for r in _csv(root / "truth" / "persons.csv") if r["ho_ten"] in names)

    base, noisy = worlds["default"], worlds["households"]
    assert twins(noisy) > twins(base) + 20
    assert common(noisy) > common(base) + 100
    persons = _csv(noisy / "truth" / "persons.csv")
    assert len({r["ho_ten"] + r["ngay_sinh"] + r["ma_xa"] for r in persons}) > len(persons) - 10  # twins differ
