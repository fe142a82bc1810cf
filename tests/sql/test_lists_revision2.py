"""CONTRACT revision 2 rules on hand-made worlds: groups 11-14 (§4.1), the_trung (§4.5), don_vi_no_dong (§4.6)."""

from __future__ import annotations

from datetime import date

from lists_world import XA_01_A, XA_79_A, XA_79_B, XA_79_C, World

from tiemnang.lists import build_lists

D = date(2026, 6, 19)  # a Friday; D's calendar year is 2026


def _atk(w: World, *communes: str, delivered: date | None = None) -> None:
    f = w.file("reference", "xa_atk", "xa_atk.csv", delivered, key="xa_atk")
    for ma_xa in communes:
        w._row("xa_atk", f, ma_xa=ma_xa, ghi_chu="ATK")


def _ledger(w: World, ma_don_vi: str, rows: dict[str, tuple[int, int]]) -> None:
    f = w.file("register", "contributions", "contributions.csv", key="contributions")
    for ky, (phai, da) in rows.items():
        w._row("contributions", f, ma_don_vi=ma_don_vi, ky=ky, phai_dong=phai, da_dong=da)


def test_dung_bhxh_bb_ages_15_to_59_on_d(wh):
    w = World(wh)
    born = {"59": "1967-06-19", "60": "1966-06-19", "15": "2011-06-19", "14": "2011-06-20",
            "year_only_60": "1966", "month_58": "1967-07"}
    people = {}
    for i, (label, ngay_sinh) in enumerate(born.items(), start=1):
        people[label] = w.person(w.register(900 + i), ngay_sinh=ngay_sinh)
        w.coverage(900 + i, "BHXH_BB", date(2020, 1, 1), date(2026, 3, 31))
        w.coverage(900 + i, "BHYT", date(2026, 1, 1), date(2026, 12, 31), doi_tuong="DN")   # no BHYT leads
    still_working = w.person(w.register(920), ngay_sinh="1990-01-01")
    w.coverage(920, "BHXH_BB", date(2020, 1, 1), date(2026, 3, 31))
    w.coverage(920, "BHXH_TN", date(2026, 4, 1), None)                       # moved to voluntary SI
    w.coverage(920, "BHYT", date(2026, 1, 1), date(2026, 12, 31), doi_tuong="DN")
    last_year = w.person(w.register(921), ngay_sinh="1990-01-01")
    w.coverage(921, "BHXH_BB", date(2020, 1, 1), date(2025, 12, 31))
    w.coverage(921, "BHYT", date(2026, 1, 1), date(2026, 12, 31), doi_tuong="DN")

    build_lists(wh, D, commit=False)
    got = w.tiem_nang(D)
    listed = {label for label, p in people.items() if p in got}
    assert listed == {"59", "15", "month_58"}
    assert got[people["59"]] == ("DUNG_BHXH_BB", ["DUNG_BHXH_BB"], XA_79_A)
    assert still_working not in got and last_year not in got


def test_het_han_bhyt_any_object_code_and_the_day_before_d(wh):
    w = World(wh)
    expired = w.person(w.register(1001, XA_79_B))
    w.coverage(1001, "BHYT", date(2025, 9, 1), date(2026, 5, 31), doi_tuong="HS")
    two_days = w.person(w.register(1002))
    w.coverage(1002, "BHYT", date(2025, 6, 18), date(2026, 6, 17), doi_tuong="HT")     # den + 1 = D - 1 < D
    yesterday = w.person(w.register(1003))
    w.coverage(1003, "BHYT", date(2025, 6, 19), date(2026, 6, 18), doi_tuong="HT")     # den + 1 = D: not yet
    last_year = w.person(w.register(1004))
    w.coverage(1004, "BHYT", date(2025, 1, 1), date(2025, 12, 31), doi_tuong="DN")
    renewed = w.person(w.register(1005))
    w.coverage(1005, "BHYT", date(2025, 1, 1), date(2026, 2, 28), doi_tuong="HS")
    w.coverage(1005, "BHYT", date(2026, 3, 1), date(2027, 2, 28), doi_tuong="SV")     # the last card covers D
    on_two_records = w.person(w.register(1006), w.register(1007))
    w.coverage(1006, "BHYT", date(2025, 1, 1), date(2026, 1, 31), doi_tuong="DN")
    w.coverage(1007, "BHYT", date(2025, 1, 1), date(2026, 4, 30), doi_tuong="CN")      # the cluster's latest

    build_lists(wh, D, commit=False)
    got = w.tiem_nang(D)
    assert got[expired] == ("HET_HAN_BHYT", ["HET_HAN_BHYT"], XA_79_B)
    assert got[two_days][0] == "HET_HAN_BHYT"
    assert got[on_two_records][0] == "HET_HAN_BHYT"
    for absent in (yesterday, last_year, renewed):
        assert absent not in got


def test_cao_tuoi_from_60_on_d_partial_dates_count_from_their_first_day(wh):
    w = World(wh)
    sixty = w.person(w.register(1101, XA_79_C), ngay_sinh="1966-06-19")
    fifty_nine = w.person(w.register(1102), ngay_sinh="1966-06-20")
    month_only = w.person(w.register(1103), ngay_sinh="1966-06")          # 1966-06-01: 60 on D
    year_only = w.person(w.register(1104), ngay_sinh="1967")              # 1967-01-01: 59 on D
    covered = w.person(w.register(1105), ngay_sinh="1940-01-01")
    w.coverage(1105, "BHYT", date(2026, 1, 1), date(2026, 12, 31), doi_tuong="HT")

    build_lists(wh, D, commit=False)
    got = w.tiem_nang(D)
    assert got[sixty] == ("CAO_TUOI", ["CAO_TUOI"], XA_79_C)
    assert got[month_only][0] == "CAO_TUOI"
    for absent in (fifty_nine, year_only, covered):
        assert absent not in got


def test_xa_atk_register_residence_or_the_welfare_list_commune(wh):
    w = World(wh)
    _atk(w, XA_79_A, delivered=date(2026, 1, 2))
    _atk(w, XA_79_B, XA_01_A)                                              # a later list replaces it
    resident = w.person(w.register(1201, XA_79_B))
    old_atk = w.person(w.register(1202, XA_79_A))
    insured = w.person(w.register(1203, XA_79_B))
    w.coverage(1203, "BHYT", date(2026, 1, 1), date(2026, 12, 31), doi_tuong="XD")
    moved_in_register = w.person(w.register(1204, XA_79_C), w.welfare(XA_79_B, "NLNDM", label="a"))
    not_in_register = w.person(w.welfare(XA_01_A, "CN", label="b"))

    build_lists(wh, D, commit=False)
    got = w.tiem_nang(D)
    assert got[resident] == ("XA_ATK", ["XA_ATK"], XA_79_B)
    assert got[not_in_register] == ("HO_TRO_CAN_NGHEO", ["HO_TRO_CAN_NGHEO", "XA_ATK"], XA_01_A)
    # the register residence decides for a register person: the welfare list's ATK commune does not
    assert got[moved_in_register] == ("HO_TRO_NLNDM", ["HO_TRO_NLNDM"], XA_79_B)
    assert old_atk not in got and insured not in got


def test_the_trung_cards_covering_d_and_duplicate_records(wh):
    w = World(wh)
    two_records = w.person(w.register(1302, XA_79_A), w.register(1309, XA_79_C), so_ddcn="079190000001")
    w.coverage(1302, "BHYT", date(2026, 1, 1), date(2026, 12, 31), doi_tuong="HN")
    w.coverage(1309, "BHYT", date(2026, 3, 1), None, doi_tuong="DN", don_vi="DV1")
    one_record = w.person(w.register(1310, XA_79_B))
    w.coverage(1310, "BHYT", date(2026, 1, 1), date(2026, 12, 31), doi_tuong="HS")
    w.coverage(1310, "BHYT", date(2026, 2, 1), date(2027, 1, 31), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
    records_only = w.person(w.register(1320, XA_79_A), w.register(1321, XA_79_B))
    w.coverage(1321, "BHYT", date(2026, 1, 1), date(2026, 12, 31), doi_tuong="HT")
    ended_yesterday = w.person(w.register(1330))
    w.coverage(1330, "BHYT", date(2025, 1, 1), date(2026, 6, 18), doi_tuong="HS")
    w.coverage(1330, "BHYT", date(2026, 6, 19), date(2027, 6, 18), doi_tuong="SV")

    build_lists(wh, D, commit=False)
    rows = {r[0]: r[1:] for r in wh.execute(
        "SELECT person_id, loai, ma_xa, ma_tinh, id_nguoi, the FROM lists.the_trung WHERE ngay_tham_chieu = %s",
        (D,)).fetchall()}
    assert set(rows) == {two_records, one_record, records_only}                       # not ended_yesterday
    loai, ma_xa, ma_tinh, ids, the = rows[two_records]
    assert (loai, ma_xa, ma_tinh, ids) == ("THE_TRUNG", XA_79_C, "79", [1302, 1309])   # greatest id's residence
    assert the == [
        {"id_nguoi": 1302, "ma_doi_tuong": "HN", "ma_don_vi": None, "tu_ngay": "2026-01-01", "den_ngay": "2026-12-31"},
        {"id_nguoi": 1309, "ma_doi_tuong": "DN", "ma_don_vi": "DV1", "tu_ngay": "2026-03-01", "den_ngay": None},
    ]
    assert rows[one_record][0] == "THE_TRUNG" and len(rows[one_record][4]) == 2
    assert rows[records_only][:4] == ("HO_SO_TRUNG", XA_79_B, "79", [1320, 1321])
    assert len(rows[records_only][4]) == 1
    assert ended_yesterday not in rows            # the card ending on D - 1 does not cover D: one card only
    pairs = wh.execute("SELECT ma_tinh, cap_doi_tuong, so_cap, so_nguoi, so_cap_ngan_sach FROM lists.the_trung_theo_cap"
                       " WHERE ngay_tham_chieu = %s ORDER BY 2", (D,)).fetchall()
    assert pairs == [("79", "DN+HN", 1, 1, 1), ("79", "GD+HS", 1, 1, 1)]   # HN state-paid, HS state-supported


def test_don_vi_no_dong_three_overdue_unpaid_months(wh):
    w = World(wh)
    for unit in ("DV_A", "DV_B", "DV_C", "DV_D"):
        w.employer(unit, "0300000009", XA_79_B)
    # D = 2026-06-19: 2026-04 is overdue (deadline 2026-05-31); 2026-05 is not (deadline 2026-06-30)
    _ledger(w, "DV_A", {"2026-02": (1_000_001, 0), "2026-03": (1_000_003, 3), "2026-04": (999_999, 999_998),
                        "2026-05": (500, 0)})
    _ledger(w, "DV_B", {"2026-03": (100, 0), "2026-04": (100, 0), "2026-05": (100, 0)})   # 2 overdue only
    _ledger(w, "DV_C", {"2026-01": (70, 7), "2026-02": (70, 70), "2026-03": (70, 69), "2026-04": (70, 0)})
    _ledger(w, "DV_D", {"2026-01": (10, 10), "2026-02": (10, 10), "2026-03": (10, 10), "2026-04": (10, 10)})

    counts = build_lists(wh, D, commit=False)
    rows = wh.execute("SELECT ma_don_vi, ma_so_thue, ma_xa, ma_tinh, so_thang_no, so_tien_no, ky_no_tu"
                      " FROM lists.don_vi_no_dong WHERE ngay_tham_chieu = %s ORDER BY ma_don_vi", (D,)).fetchall()
    assert rows == [
        ("DV_A", "0300000009", XA_79_B, "79", 3, 1_000_001 + 1_000_000 + 1, "2026-02"),
        ("DV_C", "0300000009", XA_79_B, "79", 3, 63 + 1 + 70, "2026-01"),
    ]
    assert counts["don_vi_no_dong"] == 2
