"""CONTRACT §4.3: who is due to pay in the next 30 days, and the amounts worked out by hand."""

from __future__ import annotations

from datetime import date

from lists_world import XA_79_A, World

from tiemnang.lists import build_lists

D = date(2026, 6, 19)  # horizon: han_dong from 2026-06-19 to 2026-07-19


def test_bhyt_gd_amounts_household_factor_and_base_salary_change(wh):
    w = World(wh)
    for i in range(1, 6):
        w.person(w.register(i, XA_79_A, "HH1"))
    # 4.5% x 2,340,000 x 100% x 12 = 1,263,600 (han_dong 06-25, before the 2026-07-01 change)
    w.coverage(1, "BHYT", date(2025, 6, 25), date(2026, 6, 24), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
    # 4.5% x 2,530,000 x 70% x 3 = 239,085 (han_dong 07-01: the new base salary)
    w.coverage(2, "BHYT", date(2026, 4, 1), date(2026, 6, 30), doi_tuong="GD", phuong_thuc=3, thu_tu=2)
    # 7th member -> 40%: 4.5% x 2,340,000 x 40% x 1 = 42,120; han_dong = D
    w.coverage(3, "BHYT", date(2026, 5, 19), date(2026, 6, 18), doi_tuong="GD", phuong_thuc=1, thu_tu=7)
    # han_dong = D + 30 (the last day of the horizon): 4.5% x 2,530,000 x 50% x 6 = 341,550
    w.coverage(4, "BHYT", date(2026, 1, 19), date(2026, 7, 18), doi_tuong="GD", phuong_thuc=6, thu_tu=4)
    # han_dong = D + 31: not yet due
    w.coverage(5, "BHYT", date(2026, 1, 20), date(2026, 7, 19), doi_tuong="GD", phuong_thuc=6, thu_tu=5)

    build_lists(wh, D, commit=False)
    assert w.den_han(D) == {
        (1, "BHYT_GD"): (date(2026, 6, 25), 12, 1_263_600),
        (2, "BHYT_GD"): (date(2026, 7, 1), 3, 239_085),
        (3, "BHYT_GD"): (date(2026, 6, 19), 1, 42_120),
        (4, "BHYT_GD"): (date(2026, 7, 19), 6, 341_550),
    }
    row = wh.execute("SELECT ma_ho, ma_xa, ma_tinh FROM lists.den_han_dong WHERE id_nguoi = 1").fetchone()
    assert row == ("HH1", XA_79_A, "79")


def test_bhxh_tn_amounts_support_rate_and_half_up_rounding(wh):
    w = World(wh)
    # not on a welfare list -> 20%: (22% x 4,000,075 - 20% x 22% x 1,500,000) x 1
    #   = 880,016.5 - 66,000 = 814,016.5 -> 814,017 (half up; banker's rounding would give 814,016)
    w.person(w.register(11))
    w.coverage(11, "BHXH_TN", date(2026, 6, 6), date(2026, 7, 5), phuong_thuc=1, muc_thu_nhap=4_000_075)
    # HN and CN lists -> the highest, 50%: (1,100,000 - 165,000) x 3 = 2,805,000
    w.person(w.register(12), w.welfare(XA_79_A, "HN"), w.welfare(XA_79_A, "CN", label="cn"))
    w.coverage(12, "BHXH_TN", date(2026, 4, 1), date(2026, 6, 29), phuong_thuc=3, muc_thu_nhap=5_000_000)
    # DTTS -> 30%: (660,000 - 99,000) x 6 = 3,366,000
    w.person(w.register(13), w.welfare(XA_79_A, "DTTS", label="dt"))
    w.coverage(13, "BHXH_TN", date(2026, 1, 1), date(2026, 6, 30), phuong_thuc=6, muc_thu_nhap=3_000_000)
    # CN -> 40%: (22% x 2,000,000 - 40% x 330,000) x 12 = (440,000 - 132,000) x 12 = 3,696,000
    w.person(w.register(14), w.welfare(XA_79_A, "CN", label="cn2"))
    w.coverage(14, "BHXH_TN", date(2025, 7, 1), date(2026, 6, 30), phuong_thuc=12, muc_thu_nhap=2_000_000)

    build_lists(wh, D, commit=False)
    assert w.den_han(D) == {
        (11, "BHXH_TN"): (date(2026, 7, 6), 1, 814_017),
        (12, "BHXH_TN"): (date(2026, 6, 30), 3, 2_805_000),
        (13, "BHXH_TN"): (date(2026, 7, 1), 6, 3_366_000),
        (14, "BHXH_TN"): (date(2026, 7, 1), 12, 3_696_000),
    }


def test_not_due_renewed_covered_stopped_and_register_duplicates(wh):
    w = World(wh)
    w.person(w.register(21))                                             # renewal recorded as a later spell
    w.coverage(21, "BHYT", date(2025, 6, 25), date(2026, 6, 24), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
    w.coverage(21, "BHYT", date(2026, 6, 25), date(2027, 6, 24), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
    w.person(w.register(22))                                             # another card covers han_dong
    w.coverage(22, "BHYT", date(2025, 6, 25), date(2026, 6, 24), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
    w.coverage(22, "BHYT", date(2025, 9, 1), date(2026, 9, 30), doi_tuong="HS")
    w.person(w.register(23))                                             # BHXH_BB covers han_dong
    w.coverage(23, "BHXH_TN", date(2026, 1, 1), date(2026, 6, 30), phuong_thuc=6, muc_thu_nhap=3_000_000)
    w.coverage(23, "BHXH_BB", date(2026, 6, 1), None, don_vi="U1")
    w.person(w.register(24))                                             # han_dong before D: stopped, not due
    w.coverage(24, "BHXH_TN", date(2026, 1, 1), date(2026, 6, 17), phuong_thuc=1, muc_thu_nhap=3_000_000)
    w.person(w.register(25), w.register(26))                             # register duplicates: 26's later spell
    w.coverage(25, "BHXH_TN", date(2026, 1, 1), date(2026, 6, 30), phuong_thuc=6, muc_thu_nhap=3_000_000)
    w.coverage(26, "BHXH_TN", date(2026, 7, 1), date(2026, 12, 31), phuong_thuc=6, muc_thu_nhap=3_000_000)
    w.person(w.register(27), w.register(28))                             # the last spell is the duplicate's
    w.coverage(27, "BHXH_TN", date(2025, 1, 1), date(2025, 12, 31), phuong_thuc=1, muc_thu_nhap=3_000_000)
    w.coverage(28, "BHXH_TN", date(2026, 1, 1), date(2026, 7, 10), phuong_thuc=1, muc_thu_nhap=3_000_000)

    build_lists(wh, D, commit=False)
    # (660,000 - 20% x 330,000) x 1 = 594,000, listed under the register record holding the last spell
    assert w.den_han(D) == {(28, "BHXH_TN"): (date(2026, 7, 11), 1, 594_000)}
