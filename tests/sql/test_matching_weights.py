"""Weights learnt from the data (tiemnang.matching.weights): labelled pairs from shared trusted IDs."""

from __future__ import annotations

import math
from datetime import date

import pytest
from matching_world import World

from tiemnang.matching import run_matching
from tiemnang.matching.weights import SMOOTHING, estimate_weights, weights_from_counts

D = date(2026, 1, 9)
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Minh", "Nam", "Phong", "Quân", "Sơn",
         "Tài", "Thắng", "Trung", "Việt", "Vinh", "Tùng", "Kiên")


def _world(conn) -> World:
    w = World(conn)
    for k, given in enumerate(GIVEN):
        ddcn = f"0010{80 + k % 10:02d}{k:06d}"
        born = f"19{80 + k % 10}-0{1 + k % 9}-{10 + k:02d}"
        w.person(k + 1, f"Trần Văn {given}", born, 1, w.xa1, so_ddcn=ddcn)
        # every student carries the register ID: a labelled pair each; a third typed without diacritics
        name = f"Tran Van {given}" if k % 3 == 0 else f"Trần Văn {given}"
        w.student("T01" if k % 2 else "T02", w.xa1 if k % 2 else w.xa3, name, born, 1, so_ddcn=ddcn)
    return w


def test_estimate_from_labelled_pairs(wh):
    _world(wh)
    run_matching(wh, D, commit=False)
    before = wh.execute("SELECT count(*), sum(person_id) FROM mt.record_person").fetchone()
    stored = estimate_weights(wh, D)
    assert wh.execute("SELECT count(*), sum(person_id) FROM mt.record_person").fetchone() == before
    rows = {(c, t, m): (mm, u, w, nm, nu, day) for c, t, m, mm, u, w, nm, nu, day in wh.execute(
        "SELECT cap_nguon, truong, muc, m, u, w, so_cap_m, so_cap_u, ngay_du_lieu FROM mt.trong_so_hoc")}
    assert stored == len(rows) > 0
    assert {c for c, _, _ in rows} >= {"register-schools"}
    same, bare = rows[("register-schools", "ho_ten", "trung")], rows[("register-schools", "ho_ten", "khong_dau")]
    assert same[3] == len(GIVEN) and {day for *_, day in rows.values()} == {D}
    # 20 labelled pairs: 13 names agree exactly, 7 without diacritics; random pairs of different people
    assert same[0] == pytest.approx((13 + SMOOTHING) / (20 + SMOOTHING * _levels(rows, "register-schools", "ho_ten")))
    assert same[2] > 0 and bare[2] > 0
    assert rows[("register-schools", "ngay_sinh", "trung")][2] > 3
    # half the pupils' schools are in another province: weak evidence, and it is learnt as such
    assert rows[("register-schools", "noi_o", "khac_tinh")][0] == pytest.approx(
        rows[("register-schools", "noi_o", "cung_xa")][0])


def _levels(rows, cap, truong) -> int:
    return sum(1 for c, t, _ in rows if (c, t) == (cap, truong))


def test_weights_from_counts_smooths_and_skips_what_cannot_be_learnt():
    counts = [("register-schools", "gioi_tinh", "trung", 90, 500), ("register-schools", "gioi_tinh", "khac", 0, 500),
              ("register-schools", "gioi_tinh", "thieu", 10, 100),
              ("register-welfare", "noi_o", "cung_xa", 0, 40)]  # no labelled pair at all
    rows = {(c, t, m): (mm, u, w, nm, nu) for c, t, m, mm, u, w, nm, nu in weights_from_counts(counts)}
    assert set(rows) == {("register-schools", "gioi_tinh", lv) for lv in ("trung", "khac", "thieu")}
    m, u, w, nm, nu = rows[("register-schools", "gioi_tinh", "khac")]
    assert (nm, nu) == (100, 1100)
    assert m == pytest.approx(0.5 / 101.5) and u == pytest.approx(500.5 / 1101.5)
    assert w == round(math.log2(m / u), 2) < -6
    assert rows[("register-schools", "gioi_tinh", "thieu")][2] == pytest.approx(0, abs=0.2)  # missing ≈ no evidence
