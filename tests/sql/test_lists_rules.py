"""CONTRACT §4.1/§4.2 rule tables: each group, priority and ly_do, commune rules, on hand-made worlds."""

from __future__ import annotations

import json
from datetime import date

from lists_world import XA_01_A, XA_79_A, XA_79_B, XA_79_C, World

from tiemnang.lists import build_lists

D = date(2026, 6, 19)  # a Friday; D's calendar year is 2026


def test_bb_nld_wage_earners(wh):
    w = World(wh)
    w.enterprise("0300000001", XA_79_B)
    w.wage("0300000001", "2026-04")                                     # older ky of the file: ignored
    on_list = w.person(w.wage("0300000001", "2026-05", "KXD"))        # no register: employer's commune
    w.person(w.wage("0300000001", "2026-05", "DUOI_1_THANG"))          # contract under one month: no
    covered = w.person(w.wage("0300000001", "2026-05", "XD"), w.register(401, XA_79_C))
    w.coverage(401, "BHXH_BB", date(2025, 1, 1), date(2026, 5, 31))    # covers the last day of 2026-05
    lapsed = w.person(w.wage("9999999999", "2026-05", "KXD"), w.register(402, XA_79_C))
    w.coverage(402, "BHXH_BB", date(2025, 1, 1), date(2026, 5, 30))    # ends the day before: lead
    nowhere = w.person(w.wage("9999999999", "2026-05", "KXD"))         # unknown employer, not registered
    dup = w.person(w.wage("0300000001", "2026-05"), w.register(403), w.register(404))
    w.coverage(404, "BHXH_BB", date(2026, 1, 1), None)                 # the cluster's second register record

    counts = build_lists(wh, D, commit=False)

    got = w.tiem_nang(D)
    assert got[on_list] == ("BB_NLD", ["BB_NLD"], XA_79_B)
    # register residence; aged 46 with the BHXH_BB spell ended this year, also DUNG_BHXH_BB (revision 2)
    assert got[lapsed] == ("BB_NLD", ["BB_NLD", "DUNG_BHXH_BB"], XA_79_C)
    assert dup not in got
    # covered on the last day of the month, so not BB_NLD; but that spell ended this year and nothing covers D:
    # revision 2's DUNG_BHXH_BB (aged 46)
    assert got[covered] == ("DUNG_BHXH_BB", ["DUNG_BHXH_BB"], XA_79_C)
    assert set(got) == {on_list, lapsed, covered}
    unplaced = wh.execute("SELECT person_id, nhom, nguon FROM ops.unplaced WHERE ngay_tham_chieu = %s",
                          (D,)).fetchall()
    assert [(p, n) for p, n, _ in unplaced] == [(nowhere, "BB_NLD")]
    assert unplaced[0][2][0]["nguon"] == "wage_earners"
    assert counts["unplaced"] == 1 and counts["tiem_nang_theo_nhom"] == {"BB_NLD": 2, "DUNG_BHXH_BB": 1}


def test_bb_chu_hkd_household_businesses(wh):
    w = World(wh)
    declared = w.person(w.business(XA_79_B, "KE_KHAI"), w.register(501, XA_79_A))
    w.person(w.business(XA_79_B, "KHOAN"))                              # presumptive method: no
    voluntary = w.person(w.business(XA_79_B, "KE_KHAI"), w.register(502))
    w.coverage(502, "BHXH_TN", date(2026, 1, 1), date(2026, 12, 31))
    build_lists(wh, D, commit=False)
    got = w.tiem_nang(D)
    assert got == {declared: ("BB_CHU_HKD", ["BB_CHU_HKD"], XA_79_B)}   # the business's commune
    assert voluntary not in got


def test_welfare_groups_and_tuat_ages(wh):
    w = World(wh)
    hn = w.person(w.welfare(XA_79_A, "HN"))
    htxh = w.person(w.welfare(XA_79_A, "HTXH"))
    tuat_75 = w.person(w.welfare(XA_79_A, "TUAT", ngay_sinh="1951-06-19"))     # 75 on D exactly
    tuat_year = w.person(w.welfare(XA_79_A, "TUAT", ngay_sinh="1951"))          # 1951-01-01: 75
    w.person(w.welfare(XA_79_A, "TUAT", ngay_sinh="1951-07"))                   # 1951-07-01: 74, no CN household
    near_poor = w.person(w.welfare(XA_79_A, "CN", ma_ho="H1", label="cn"))
    tuat_72_cn = w.person(w.welfare(XA_79_A, "TUAT", ngay_sinh="1954-03", ma_ho="H1"))
    w.person(w.welfare(XA_79_A, "TUAT", ngay_sinh="1954-03", ma_ho="H2"))       # H2 is CN in another commune
    w.person(w.welfare(XA_79_B, "CN", ma_ho="H2", label="cn"))
    w.person(w.welfare(XA_79_A, "TUAT", ngay_sinh="1960", ma_ho="H1"))          # 66: too young
    dtts = w.person(w.welfare(XA_79_A, "DTTS"))
    nlndm = w.person(w.welfare(XA_79_A, "NLNDM"))
    insured = w.person(w.welfare(XA_79_A, "HN"), w.register(601))
    w.coverage(601, "BHYT", date(2026, 1, 1), date(2026, 12, 31), doi_tuong="HN")

    build_lists(wh, D, commit=False)
    got = {p: v[0] for p, v in w.tiem_nang(D).items()}
    assert {p: got.get(p) for p in (hn, htxh, tuat_75, tuat_year, tuat_72_cn)} == dict.fromkeys(
        (hn, htxh, tuat_75, tuat_year, tuat_72_cn), "NSNN_DONG")
    assert got[near_poor] == "HO_TRO_CAN_NGHEO"
    assert got[dtts] == "HO_TRO_DTTS" and got[nlndm] == "HO_TRO_NLNDM"
    assert insured not in got
    # 74-year-old outside a CN household, the H2 case, the 66-year-old: only the H2 CN member is listed
    assert sorted(got.values()).count("NSNN_DONG") == 5
    assert sorted(got.values()).count("HO_TRO_CAN_NGHEO") == 2


def test_students_take_the_schools_commune_as_of_d(wh):
    w = World(wh)
    w.school("T1", XA_79_C, delivered=date(2026, 1, 5))
    w.school("T1", XA_79_B, delivered=date(2026, 3, 2))                # later directory row replaces it
    w.school("T2", XA_79_C, delivered=date(2026, 1, 5))
    student = w.person(w.student("T1"))
    insured = w.person(w.student("T2"), w.register(701))
    w.coverage(701, "BHYT", date(2025, 9, 1), date(2026, 9, 30), doi_tuong="HS")
    build_lists(wh, D, commit=False)
    assert w.tiem_nang(D) == {student: ("HO_TRO_HSSV", ["HO_TRO_HSSV"], XA_79_B)}
    assert insured not in w.tiem_nang(D)


def test_register_groups_stopped_and_household_members(wh):
    w = World(wh)
    stopped_tn = w.person(w.register(801, XA_79_B))
    w.coverage(801, "BHXH_TN", date(2025, 1, 1), date(2026, 3, 31))
    last_year = w.person(w.register(802))
    w.coverage(802, "BHXH_TN", date(2025, 1, 1), date(2025, 12, 31))
    yesterday = w.person(w.register(803))
    w.coverage(803, "BHXH_TN", date(2026, 1, 1), date(2026, 6, 17))     # den + 1 = 06-18 < D
    due_today = w.person(w.register(804))
    w.coverage(804, "BHXH_TN", date(2026, 1, 1), date(2026, 6, 18))     # den + 1 = D: due, not stopped
    renewed = w.person(w.register(805))
    w.coverage(805, "BHXH_TN", date(2025, 1, 1), date(2026, 2, 28))
    w.coverage(805, "BHXH_TN", date(2026, 3, 1), None)                  # the last spell is open
    stopped_gd = w.person(w.register(806, XA_79_C, "HH9"))
    w.coverage(806, "BHYT", date(2025, 5, 1), date(2026, 4, 30), doi_tuong="GD")
    other_card = w.person(w.register(807))
    w.coverage(807, "BHYT", date(2025, 5, 1), date(2026, 4, 30), doi_tuong="GD")
    w.coverage(807, "BHYT", date(2026, 5, 1), date(2026, 12, 31), doi_tuong="HT")
    w.person(w.register(810, XA_79_A, "HH1"))
    w.coverage(810, "BHYT", date(2026, 1, 1), date(2026, 12, 31), doi_tuong="GD")
    member = w.person(w.register(811, XA_79_B, "HH1"))
    insured_member = w.person(w.register(812, XA_79_A, "HH1"))
    w.coverage(812, "BHYT", date(2026, 1, 1), date(2026, 12, 31), doi_tuong="HS")

    build_lists(wh, D, commit=False)
    got = w.tiem_nang(D)
    assert got[stopped_tn] == ("DUNG_BHXH_TN", ["DUNG_BHXH_TN"], XA_79_B)
    assert got[yesterday][0] == "DUNG_BHXH_TN"
    # the GD card was the last BHYT card of any kind too: also HET_HAN_BHYT (revision 2)
    assert got[stopped_gd] == ("DUNG_BHYT_GD", ["DUNG_BHYT_GD", "HET_HAN_BHYT"], XA_79_C)
    assert got[member] == ("THANH_VIEN_HO", ["THANH_VIEN_HO"], XA_79_B)
    for absent in (last_year, due_today, renewed, other_card, insured_member):
        assert absent not in got
    assert len(got) == 4


def test_priority_ly_do_latest_delivery_and_nguon(wh):
    w = World(wh)
    w.enterprise("0300000001", XA_79_B)
    w.school("T1", XA_79_C)
    wage = w.wage("0300000001", "2026-05")
    cn = w.welfare(XA_79_A, "CN")
    st = w.student("T1")
    reg = w.register(901, XA_01_A)
    everything = w.person(wage, cn, st, reg, ho_ten="Nguyễn Thị Hoa")
    # the same HN person on two commune lists; the later delivery's commune wins
    older = w.welfare(XA_79_A, "HN", label="a", delivered=date(2026, 1, 5))
    newer = w.welfare(XA_79_C, "HN", label="b", delivered=date(2026, 4, 6))
    twice = w.person(older, newer, w.welfare(XA_79_B, "DTTS", label="c", delivered=date(2026, 5, 4)))

    build_lists(wh, D, commit=False)
    got = w.tiem_nang(D)
    assert got[everything] == ("BB_NLD", ["BB_NLD", "HO_TRO_CAN_NGHEO", "HO_TRO_HSSV"], XA_79_B)
    assert got[twice] == ("NSNN_DONG", ["NSNN_DONG", "HO_TRO_DTTS"], XA_79_C)   # DTTS's newer date is ignored
    row = wh.execute("SELECT nguon, ma_tinh, ho_ten FROM lists.tiem_nang WHERE person_id = %s",
                     (everything,)).fetchone()
    nguon = {(e["nguon"], e.get("tep"), e.get("dong"), e.get("id_nguoi")) for e in row[0]}
    assert nguon == {
        ("register", None, None, 901),
        ("schools", "schools/2026-01-05/T1.csv", 2, None),
        ("wage_earners", "tax/2026-01-05/wage_earners.csv", 2, None),
        ("welfare", f"welfare/2026-01-05/{XA_79_A}_ds.csv", 2, None),
    }
    assert row[1] == "79" and row[2] == "Nguyễn Thị Hoa"


def test_don_vi_tiem_nang(wh):
    w = World(wh)
    w.enterprise("0100000001", so_lao_dong=5)                           # no employers row
    w.enterprise("0100000002", so_lao_dong=3)
    w.enterprise("0100000002-001", so_lao_dong=2)                       # branch: a unit of its own
    w.enterprise("0100000003", so_lao_dong=2)
    w.enterprise("0100000005", trang_thai="01")                         # not active
    w.enterprise("0100000006", so_lao_dong=0)                           # no employees declared
    w.enterprise("0100000007", so_lao_dong=2)
    w.employer("U2", "0100000002")
    w.employer("U3", "0100000003")
    w.employer("U7A", "0100000007")
    w.employer("U7B", "0100000007")
    w.person(w.register(11), w.register(12))                            # one person, two register records
    for i in (11, 12):
        w.coverage(i, "BHXH_BB", date(2025, 1, 1), None, don_vi="U2")
    w.person(w.register(13))
    w.coverage(13, "BHXH_BB", date(2025, 1, 1), None, don_vi="U2")
    w.person(w.register(14))
    w.coverage(14, "BHXH_BB", date(2025, 1, 1), date(2026, 5, 31), don_vi="U2")   # left before D
    for i in (31, 32):
        w.person(w.register(i))
        w.coverage(i, "BHXH_BB", date(2025, 1, 1), None, don_vi="U3")
    for i, unit in ((71, "U7A"), (72, "U7B")):
        w.person(w.register(i))
        w.coverage(i, "BHXH_BB", date(2025, 1, 1), None, don_vi=unit)

    build_lists(wh, D, commit=False)
    rows = wh.execute(
        "SELECT ma_so_thue, loai, so_lao_dong_thue, so_lao_dong_bhxh, ma_tinh FROM lists.don_vi_tiem_nang"
        " WHERE ngay_tham_chieu = %s ORDER BY 1", (D,)).fetchall()
    assert rows == [
        ("0100000001", "CHUA_DANG_KY", 5, 0, "79"),
        ("0100000002", "DONG_THIEU", 3, 2, "79"),
        ("0100000002-001", "CHUA_DANG_KY", 2, 0, "79"),
    ]


def test_rebuild_replaces_the_day(wh):
    w = World(wh)
    p = w.person(w.welfare(XA_79_A, "HN"))
    build_lists(wh, D, commit=False)
    build_lists(wh, D, commit=False)
    assert list(w.tiem_nang(D)) == [p]
    assert wh.execute("SELECT count(*) FROM lists.tiem_nang WHERE ngay_tham_chieu = %s", (D,)).fetchone()[0] == 1


def test_theo_doi_follows_the_previous_list_by_every_key(wh):
    """Each person of the previous published list is found again by khoa_nguoi, so_ddcn, ma_so_bhxh, register
    id or a shared source record; several persons are collected, and the insurance they hold on D is ORed."""
    w = World(wh)
    before = date(2026, 6, 12)
    by_khoa = w.person(w.welfare(XA_79_A, "HN"), khoa="K-1")
    by_ddcn = w.person(w.welfare(XA_79_A, "HN"), so_ddcn="079000000002")
    by_bhxh = w.person(w.welfare(XA_79_A, "HN"))
    wh.execute("UPDATE mt.person SET ma_so_bhxh = '7900000003' WHERE person_id = %s", (by_bhxh,))
    by_register = w.person(w.register(503))
    w.coverage(503, "BHYT", date(2026, 1, 1), None)
    welfare_rec = w.welfare(XA_79_B, "DTTS")
    by_record = w.person(welfare_rec)
    twin = w.person(w.register(506), so_ddcn="079000000006")
    w.coverage(506, "BHXH_TN", date(2026, 1, 1), date(2026, 12, 31))
    welfare_path = wh.execute("SELECT f.path, r.dong FROM mt.record r JOIN ops.file_log f USING (file_id)"
                              " WHERE r.rec_id = %s", (welfare_rec,)).fetchone()

    earlier = [  # khoa_nguoi, so_ddcn, ma_so_bhxh, id_nguoi, nguon of the previous list
        ("K-1", None, None, None, []),
        ("K-2", "079000000002", None, None, []),
        ("K-3", None, "7900000003", None, []),
        ("K-4", None, None, None, [{"nguon": "register", "id_nguoi": 503}]),
        ("K-5", None, None, None, [{"nguon": "welfare", "tep": welfare_path[0], "dong": welfare_path[1]}]),
        ("K-6", "079000000006", None, 503, []),                     # two persons today
        ("K-7", "079999999999", "7999999999", 999, [{"nguon": "schools", "tep": "x.csv", "dong": 2}]),
    ]
    for i, (khoa, ddcn, bhxh, id_nguoi, nguon) in enumerate(earlier, start=1000):
        wh.execute("INSERT INTO lists.tiem_nang (ngay_tham_chieu, person_id, khoa_nguoi, id_nguoi, so_ddcn, ma_so_bhxh,"
                   " ma_xa, ma_tinh, nhom, ly_do, nguon) VALUES (%s, %s, %s, %s, %s, %s, %s, '79', 'NSNN_DONG',"
                   " '{NSNN_DONG}', %s)", (before, i, khoa, id_nguoi, ddcn, bhxh, XA_79_A, json.dumps(nguon)))
    wh.execute("INSERT INTO ops.publication (ma_tinh, tuan, ngay_tham_chieu, so_tiem_nang, so_don_vi, so_den_han)"
               " VALUES ('79', '2026-W24', %s, 7, 0, 0)", (before,))

    counts = build_lists(wh, D, commit=False)

    rows = wh.execute("SELECT khoa_nguoi, ngay_truoc, person_ids, co_bhyt, co_bhxh_bb, co_bhxh_tn FROM lists.theo_doi"
                      " WHERE ngay_tham_chieu = %s", (D,)).fetchall()
    got = {r[0]: tuple(r[1:]) for r in rows}
    assert got == {
        "K-1": (before, [by_khoa], False, False, False),
        "K-2": (before, [by_ddcn], False, False, False),
        "K-3": (before, [by_bhxh], False, False, False),
        "K-4": (before, [by_register], True, False, False),
        "K-5": (before, [by_record], False, False, False),
        "K-6": (before, sorted([by_register, twin]), True, False, True),
        "K-7": (before, [], False, False, False),
    }
    assert counts["theo_doi"] == 7
