"""Comparison levels and weights of 06_scores, one candidate pair at a time, in a real PostgreSQL.

Each case builds a register person and one source row, runs matching inside a savepoint that is rolled
back, and reads the pair's levels and weight from mt.w_score. Weight differences between cases that differ
in one field only pin the hand-set weights, the name's term-frequency adjustment and the rule that a
missing field is not a different one.
"""

from __future__ import annotations

from datetime import date

import pytest
from matching_world import World

from tiemnang.matching import run_matching

D = date(2026, 1, 9)
REG = ("Nguyễn Văn An", "1980-05-12", 1)
ID = "001080000001"
COLUMNS = ("ho_ten", "ngay_sinh", "gioi_tinh", "noi_o", "so_ddcn", "ma_so_bhxh", "w")


def _score(conn, build, reg=REG, reg_id=ID, extra=None) -> dict:
    """Levels and weight of the pair (register person, the row `build` adds); None when no pair was formed."""
    with conn.transaction(force_rollback=True):
        world = World(conn)
        name, born, sex = reg
        dong = world.person(1, name, born, sex, world.xa1, so_ddcn=reg_id)
        if extra:
            extra(world)
        path, row = build(world)
        run_matching(conn, D, commit=False)
        cur = conn.execute(
            "SELECT s.ho_ten, s.ngay_sinh, s.gioi_tinh, s.noi_o, s.so_ddcn, s.ma_so_bhxh, s.w"
            " FROM mt.w_score s"
            " JOIN mt.w_rec ra ON ra.rec_id IN (s.a, s.b) JOIN mt.w_rec rb ON rb.rec_id IN (s.a, s.b)"
            " WHERE ra.file_id = %s AND ra.dong = %s AND rb.file_id = %s AND rb.dong = %s",
            (world.register, dong, world.files[path], row))
        found = cur.fetchone()
    return dict(zip(COLUMNS, found, strict=True)) if found else None


def welfare(name=REG[0], born=REG[1], sex=REG[2], ddcn=None, trusted=True, where="xa1"):
    def build(w):
        return w.welfare(f"{getattr(w, where)}_t.csv", name, born, sex, so_ddcn=ddcn, tin_cay=trusted)
    return build


def student(where, name=REG[0], born=REG[1], sex=REG[2]):
    return lambda w: w.student("T99", getattr(w, where), name, born, sex)


def wage(name=REG[0], born=REG[1]):
    return lambda w: w.wage("0101234567", name, born, months=("2025-12",))[0]


@pytest.mark.parametrize(("reg_name", "name", "level"), [
    ("Nguyễn Văn An", "Nguyễn Văn An", "trung"),
    ("Nguyễn Văn An", "NGUYEN VAN AN", "khong_dau"),
    ("Võ Văn An", "Vũ Văn An", "ho_vung"),
    ("Nguyễn Văn An", "Nguyễn An", "ten_dem_khac"),
    ("Nguyễn Văn An", "Nguyễm Văn An", "go_sai_ho"),
    ("Nguyễn Văn An", "Nguyễn Văn Anh", "go_sai_ten"),
])
def test_name_levels(wh, reg_name, name, level):
    got = _score(wh, welfare(name=name), reg=(reg_name, *REG[1:]))
    assert got["ho_ten"] == level and got["w"] is not None


def test_a_different_name_is_a_veto(wh):
    got = _score(wh, welfare(name="Trần Thị Bích"))  # same birth date and commune: key c forms the pair
    assert got["ho_ten"] == "khac" and got["w"] is None


@pytest.mark.parametrize(("born", "level"), [
    ("1980-05-12", "trung"), ("1980-12-05", "dao_ngay_thang"), ("1980-05-13", "sai_mot_so"),
    ("1980", "mot_phan"), ("1980-05", "mot_phan"), ("1980-08-30", "cung_nam"), ("1975-01-01", "khac"),
])
def test_birth_date_levels(wh, born, level):
    assert _score(wh, welfare(born=born))["ngay_sinh"] == level


def test_place_levels_and_another_province_is_weak_evidence_not_a_veto(wh):
    got = {where: _score(wh, student(where)) for where in ("xa1", "xa2", "xa3")}
    assert [got[w]["noi_o"] for w in ("xa1", "xa2", "xa3")] == ["cung_xa", "cung_tinh", "khac_tinh"]
    assert got["xa3"]["w"] is not None
    assert got["xa1"]["w"] - got["xa2"]["w"] == 6  # cung_xa +8, cung_tinh +2
    assert got["xa2"]["w"] - got["xa3"]["w"] == 4  # khac_tinh −2


def test_missing_sex_is_not_a_different_sex(wh):
    same, other = _score(wh, welfare(sex=1)), _score(wh, welfare(sex=2))
    missing = _score(wh, wage())  # wage-earner rows carry no sex
    assert (same["gioi_tinh"], other["gioi_tinh"], missing["gioi_tinh"]) == ("trung", "khac", "thieu")
    # the wage row's commune is its employer's: none here, so the place is missing too (worth 0, like sex)
    assert missing["noi_o"] == "thieu"
    assert same["w"] - missing["w"] == 1 + 8  # sex trung +1 and cung_xa +8, both 0 when missing
    assert missing["w"] - other["w"] == 6 - 8  # a different sex costs 6; missing costs nothing


def test_missing_birth_date_costs_nothing(wh):
    # a row with no birth date stands on its (untrusted, different) ID
    none = _score(wh, welfare(born=None, ddcn="001080000999", trusted=False))
    dated = _score(wh, welfare(born="1980-08-30", ddcn="001080000999", trusted=False))
    assert none["ngay_sinh"] == "thieu" and dated["ngay_sinh"] == "cung_nam"
    assert none["w"] - dated["w"] == 8  # cung_nam −8, thieu 0


@pytest.mark.parametrize(("ddcn", "trusted", "level", "vetoed"), [
    ("001080000007", True, "gan", False),     # one digit mistyped
    ("001080000010", True, "gan", False),     # two neighbouring digits transposed
    ("001080555555", True, "khac_tin_cay", True),
    ("001080555555", False, "khac", False),
])
def test_id_levels(wh, ddcn, trusted, level, vetoed):
    got = _score(wh, welfare(ddcn=ddcn, trusted=trusted))
    assert got["so_ddcn"] == level and (got["w"] is None) == vetoed


def test_common_name_weighs_less_than_a_rare_one(wh):
    def namesakes(w):
        for k in range(30):
            w.person(100 + k, "Nguyễn Văn An", f"19{40 + k}-01-01", 1, w.xa2, so_ddcn=f"0010{40 + k}0{k:05d}")

    rare = _score(wh, welfare())
    common = _score(wh, welfare(), extra=namesakes)
    assert rare["ho_ten"] == common["ho_ten"] == "trung"
    # log2(0.9 N / tf): 32 holders of the name instead of 2 cost log2(32 / 2) = 4 bits
    assert rare["w"] - common["w"] == pytest.approx(4, abs=0.01)


def test_helper_reads_the_pair_it_built(wh):
    # the score helper must find nothing when no pair is formed (different name, date and commune)
    assert _score(wh, welfare(name="Trần Thị Bích", born="1950", where="xa3")) is None


def test_a_trusted_id_gives_the_birth_year_a_row_leaves_out(wh):
    # no birth date on the row, but its trusted so_ddcn says born in 2014 (digit 4 = 2, digits 5-6 = 14)
    contradicted = _score(wh, welfare(born=None, ddcn="001214000555"))
    agreeing = _score(wh, welfare(born=None, ddcn="001080000777"))
    assert contradicted["ngay_sinh"] == "khac"
    assert agreeing["ngay_sinh"] == "thieu"


def test_partial_dates_one_digit_apart_are_different_years(wh):
    reg = (REG[0], "1980", 1)
    assert _score(wh, welfare(born="1990"), reg=reg)["ngay_sinh"] == "khac"
    assert _score(wh, welfare(born="1980"), reg=reg)["ngay_sinh"] == "mot_phan"
    assert _score(wh, welfare(born="1980-05-02"))["ngay_sinh"] == "sai_mot_so"  # full dates: still a slip
