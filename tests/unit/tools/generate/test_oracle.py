"""The oracle on a tiny hand-checked world (CONTRACT §4)."""

from __future__ import annotations

from datetime import date

from tiemnang_tools.generate.oracle import Delivered, Spell, expected_lists

D = date(2026, 11, 13)
OLD = date(2000, 1, 1)


def _spell(idn, loai, code, tu, den, pt=None, muc=None, thu_tu=None, mdv="", rec=OLD):
    return Spell(idn, loai, code, mdv, tu, den, pt, muc, thu_tu, rec)


def _world() -> Delivered:
    dv = Delivered()
    dv.register_dates = [(date(2026, 11, 12), True), (date(2026, 11, 19), True)]
    born = date(1980, 1, 1)
    dv.persons = [(1, 101, "00004", "H1", OLD, born), (2, 102, "00004", "H1", OLD, born),
                  (3, 103, "00004", "", OLD, born), (4, 104, "00004", "", OLD, born)]
    dv.spells = [
        # uid 1: GD card, member 2 of the household, due on 2026-11-20 (han_dong), 6 months
        _spell(101, "BHYT", "GD", date(2026, 5, 20), date(2026, 11, 19), pt=6, thu_tu=2),
        # uid 3: voluntary SI stopped in March → DUNG_BHXH_TN; uid 4: TN due on 2026-12-01, 3 months
        _spell(103, "BHXH_TN", "", date(2026, 1, 1), date(2026, 3, 31), pt=3, muc=3_000_000),
        _spell(104, "BHXH_TN", "", date(2026, 9, 1), date(2026, 11, 30), pt=3, muc=2_000_000),
        # uid 4 gets a BB job recorded only in the week-2 snapshot, covering 2026-12-01
        _spell(104, "BHXH_BB", "", date(2026, 11, 15), None, mdv="U1", rec=date(2026, 11, 19)),
    ]
    dv.employers = [("U1", "0100233488", "00004", OLD)]
    dv.tax["enterprises"].append((date(2026, 11, 10), True, [("0100233488", "00004", "00", 3),
                                                              ("0100233488-001", "00004", "00", 1),
                                                              ("0300000000", "00004", "01", 9)]))
    dv.tax["wage_earners"].append((date(2026, 11, 10), True, [(5, "0100233488", "2026-09", "KXD"),
                                                               (6, "0100233488", "2026-10", "XD"),
                                                               (4, "0100233488", "2026-10", "DUOI_1_THANG")]))
    # uid 2 (GD household member without card) is also on the CN list; uid 7 TUAT aged 72 in a CN household
    dv.welfare.append((date(2026, 11, 8), True, "00004_ho_ngheo_can_ngheo", "00004",
                       [(2, "CN", "01-001", date(1990, 1, 1)), (8, "CN", "02-001", date(1980, 5, 1))]))
    dv.welfare.append((date(2026, 11, 8), True, "00004_tro_cap_tuat", "00004",
                       [(7, "TUAT", "02-001", date(1954, 1, 1)), (9, "TUAT", "", date(1953, 1, 1))]))
    dv.welfare.append((date(2026, 11, 14), True, "00007_ho_ngheo_moi", "00007", [(10, "HN", "", date(1970, 1, 1))]))
    return dv


def test_groups_priority_and_communes() -> None:
    lists = expected_lists(_world(), D)
    rows = {r["person_uid"]: r for r in lists["tiem_nang"]}
    assert rows[2] == {"person_uid": 2, "nhom": "HO_TRO_CAN_NGHEO", "ly_do": "HO_TRO_CAN_NGHEO;THANH_VIEN_HO",
                       "ma_xa": "00004"}
    assert rows[3]["nhom"] == "DUNG_BHXH_TN"
    assert rows[6]["nhom"] == "BB_NLD"  # latest ky 2026-10, XD, not in the register
    assert 5 not in rows  # only the file's latest ky counts
    assert rows[7]["nhom"] == "NSNN_DONG"  # 72 and the household is on the CN list
    assert 9 not in rows  # 73, not in a CN household
    assert 10 not in rows  # delivered after D
    assert rows[8]["nhom"] == "HO_TRO_CAN_NGHEO"


def test_due_amounts_and_renewal_by_another_spell() -> None:
    lists = expected_lists(_world(), D)
    due = {(r["id_nguoi"], r["loai"]): r for r in lists["den_han_dong"]}
    # 4.5% × 2,530,000 × 70% × 6 = 478,170
    assert due[(101, "BHYT_GD")] == {"id_nguoi": 101, "loai": "BHYT_GD", "han_dong": "2026-11-20",
                                     "phuong_thuc": 6, "so_tien": 478_170}
    # (22% × 2,000,000 − 20% × 22% × 1,500,000) × 3 = 1,122,000
    assert due[(104, "BHXH_TN")]["so_tien"] == 1_122_000
    week2 = expected_lists(_world(), date(2026, 11, 20))
    assert (104, "BHXH_TN") not in {(r["id_nguoi"], r["loai"]) for r in week2["den_han_dong"]}


def test_enterprises() -> None:
    units = {r["ma_so_thue"]: r for r in expected_lists(_world(), D)["don_vi_tiem_nang"]}
    assert units["0100233488-001"]["loai"] == "CHUA_DANG_KY"  # a branch is a unit of its own
    assert units["0100233488"] == {"ma_so_thue": "0100233488", "loai": "DONG_THIEU", "so_lao_dong_thue": 3,
                                   "so_lao_dong_bhxh": 0}
    assert "0300000000" not in units  # not active
    week2 = {r["ma_so_thue"]: r for r in expected_lists(_world(), date(2026, 11, 20))["don_vi_tiem_nang"]}
    assert week2["0100233488"]["so_lao_dong_bhxh"] == 1


def test_revision2_register_groups_and_duplicate_cards() -> None:
    dv = _world()
    dv.persons += [(11, 111, "00004", "", OLD, date(1966, 11, 13)),    # 60 on D: CAO_TUOI
                   (12, 112, "00004", "", OLD, date(1966, 11, 14)),    # 59 on D, BB ended this year: DUNG_BHXH_BB
                   (13, 113, "00004", "", OLD, date(1990, 1, 1)),      # HS card ended this year: HET_HAN_BHYT
                   (14, 114, "00004", "", OLD, date(1990, 1, 1))]      # two cards covering D: the_trung
    dv.spells += [_spell(112, "BHXH_BB", "", date(2020, 1, 1), date(2026, 6, 30), mdv="U1"),
                  _spell(112, "BHYT", "DN", date(2026, 1, 1), date(2026, 12, 31)),
                  _spell(113, "BHYT", "HS", date(2025, 9, 1), date(2026, 8, 31)),
                  _spell(114, "BHYT", "HN", date(2026, 1, 1), date(2026, 12, 31)),
                  _spell(114, "BHYT", "GD", date(2026, 3, 1), date(2027, 2, 28), pt=12, thu_tu=1)]
    lists = expected_lists(dv, D)
    rows = {r["person_uid"]: (r["nhom"], r["ly_do"]) for r in lists["tiem_nang"]}
    assert rows[11] == ("CAO_TUOI", "CAO_TUOI")
    assert rows[12] == ("DUNG_BHXH_BB", "DUNG_BHXH_BB")
    assert rows[13] == ("HET_HAN_BHYT", "HET_HAN_BHYT")
    assert 14 not in rows
    assert lists["the_trung"] == [{"person_uid": 14, "loai": "THE_TRUNG", "ma_xa": "00004", "so_the": 2,
                                   "id_nguoi": "114", "ma_doi_tuong": "GD;HN"}]


def test_duplicate_register_records() -> None:
    """Two register records of one human (CONTRACT §4.5): THE_TRUNG when cards on both cover D, else HO_SO_TRUNG;
    the commune is the greatest id_nguoi's; the person stays one person on every other list."""
    dv = _world()
    between = date(2026, 11, 19)
    dv.persons += [(20, 120, "00004", "H2", OLD, date(1950, 1, 1)),     # CAO_TUOI, GD due, a second record
                   (20, 920, "00007", "", OLD, date(1950, 1, 1)),      # elsewhere, with no card
                   (21, 121, "00004", "", OLD, date(1990, 1, 1)),      # HS card here, HN card on the second
                   (21, 921, "00010", "", OLD, date(1990, 1, 1)),
                   (22, 122, "00004", "", OLD, date(1990, 1, 1)),      # second record only from week 2
                   (22, 922, "00010", "", between, date(1990, 1, 1)),
                   (23, 923, "00004", "", OLD, date(1990, 1, 1)),      # the second record has the lower id
                   (23, 124, "00013", "H3", OLD, date(1990, 1, 1)),
                   (24, 125, "00004", "H3", OLD, date(1990, 1, 1))]    # household of 23's second record
    dv.spells += [_spell(120, "BHYT", "GD", date(2026, 5, 20), date(2026, 11, 19), pt=6, thu_tu=1),
                  _spell(920, "BHYT", "GB", date(2022, 1, 1), date(2022, 12, 31)),
                  _spell(121, "BHYT", "HS", date(2026, 1, 1), date(2026, 12, 31)),
                  _spell(921, "BHYT", "HN", date(2026, 1, 1), date(2026, 12, 31)),
                  _spell(923, "BHYT", "GD", date(2026, 1, 1), date(2026, 12, 31), pt=12, thu_tu=1)]
    lists = expected_lists(dv, D)
    trung = {r["person_uid"]: r for r in lists["the_trung"]}
    assert trung[20] == {"person_uid": 20, "loai": "HO_SO_TRUNG", "ma_xa": "00007", "so_the": 1,
                         "id_nguoi": "120;920", "ma_doi_tuong": "GD"}
    assert trung[21] == {"person_uid": 21, "loai": "THE_TRUNG", "ma_xa": "00010", "so_the": 2,
                         "id_nguoi": "121;921", "ma_doi_tuong": "HN;HS"}
    assert 22 not in trung                                   # its second record is not in week 1's snapshot
    assert trung[23]["ma_xa"] == "00004" and trung[23]["id_nguoi"] == "124;923"
    # one person: one due row (the card's record), one lead row in the first record's commune
    assert [r for r in lists["den_han_dong"] if r["id_nguoi"] in (120, 920)] == [
        {"id_nguoi": 120, "loai": "BHYT_GD", "han_dong": "2026-11-20", "phuong_thuc": 6, "so_tien": 683_100}]
    leads = {r["person_uid"]: r for r in lists["tiem_nang"]}
    assert 20 not in leads                                   # the GD card covers D
    assert 21 not in leads and 23 not in leads
    # a household is known by the ma_ho of each record: 23's GD card on its record 923 (no ma_ho) names no
    # household; 24 shares 23's other record's ma_ho, which holds no GD card
    assert 24 not in leads
    week2_lists = expected_lists(dv, date(2026, 11, 20))
    # week 2: the card lapsed, 76 years old: one CAO_TUOI row in the first record's commune, not the second's
    assert [(r["nhom"], r["ma_xa"]) for r in week2_lists["tiem_nang"] if r["person_uid"] == 20] == [
        ("CAO_TUOI", "00004")]
    week2 = {r["person_uid"]: r for r in week2_lists["the_trung"]}
    assert week2[20]["so_the"] == 0 and week2[20]["ma_xa"] == "00007"
    assert week2[22] == {"person_uid": 22, "loai": "HO_SO_TRUNG", "ma_xa": "00010", "so_the": 0,
                         "id_nguoi": "122;922", "ma_doi_tuong": ""}
