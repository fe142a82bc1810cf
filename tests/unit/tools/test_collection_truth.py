"""The generator's truth for CONTRACT §4.7–§4.8 on tiny hand-made inputs: each rule, checked by hand."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from tiemnang_tools.generate.collection import (
    DEN_HAN_DONG,
    TIEM_NANG,
    Agent,
    Result,
    Row,
    assign,
    candidates,
    da_tham_gia,
    in_force,
    is_excluded,
    latest_results,
    thon_key,
    tien_do,
    tien_do_dai_ly,
)

D = date(2026, 11, 20)
OPEN = date(2024, 1, 1)
XA, OTHER = "00004", "00007"


def _agent(code: str, ma_xa: str = XA, thon: str = "", tu: date = OPEN, den: date | None = None) -> Agent:
    return Agent(code, f"Đại lý {code}", ma_xa, thon, tu, den)


def _row(uid, so_ddcn="", ho_ten="", ngay_sinh="", thon="", ma_xa=XA, danh_sach=TIEM_NANG, nhom="HO_TRO_CAN_NGHEO"):
    key = (uid,) if danh_sach == TIEM_NANG else (uid, nhom)
    return Row(danh_sach, key, uid, ma_xa, nhom, thon, so_ddcn, ho_ten, ngay_sinh)


def _assigned(rows: list[Row]) -> dict:
    return {(r.danh_sach, r.uid): r.ma_dai_ly for r in rows}


def _result(uid, code: str, ngay: date, delivered: date | None = None, agent: str = "A1") -> Result:
    return Result(uid, agent, XA, ngay, code, delivered or ngay + timedelta(3))


# ----------------------------------------------------------------------------- balance and order
def test_balance_takes_rows_in_so_ddcn_order_and_ties_go_to_the_smallest_code():
    rows = [_row(i, so_ddcn=f"00119{i:07d}", ho_ten="X") for i in (5, 1, 4, 2, 3)]
    assign(rows, [_agent("B2"), _agent("A1")], D, {})
    # so_ddcn order 1, 2, 3, 4, 5: A1 (tie, smaller), B2 (fewer), A1, B2, A1
    assert _assigned(rows) == {(TIEM_NANG, 1): "A1", (TIEM_NANG, 2): "B2", (TIEM_NANG, 3): "A1",
                               (TIEM_NANG, 4): "B2", (TIEM_NANG, 5): "A1"}
    assert all(r.cach == "can_bang" and not r.co_dinh and r.ung_vien == ("A1", "B2") for r in rows)


def test_empty_values_sort_last_then_ho_ten_ngay_sinh_and_tiem_nang_before_den_han_dong():
    rows = [_row(1, so_ddcn="", ho_ten="An"),                      # no ID: after every row with one
            _row(2, so_ddcn="001190000009", ho_ten="Zung"),
            _row(3, so_ddcn="", ho_ten="", ngay_sinh="1950"),      # no ID, no name: after the named
            _row(4, so_ddcn="", ho_ten="An", ngay_sinh="1960-01-01"),
            _row(5, so_ddcn="001190000009", ho_ten="Zung", danh_sach=DEN_HAN_DONG, nhom="BHYT_GD"),
            _row(6, so_ddcn="", ho_ten="An", ngay_sinh="1950-05-05")]
    order = [(r.danh_sach, r.uid) for r in sorted(rows, key=Row.order)]
    assert order == [(TIEM_NANG, 2), (DEN_HAN_DONG, 5), (TIEM_NANG, 6), (TIEM_NANG, 4), (TIEM_NANG, 1),
                     (TIEM_NANG, 3)]
    assign(rows, [_agent("A1"), _agent("B2"), _agent("C3")], D, {})
    assert [r.ma_dai_ly for r in sorted(rows, key=Row.order)] == ["A1", "B2", "C3", "A1", "B2", "C3"]


def test_balance_counts_both_lists_of_a_commune_and_each_commune_apart():
    # an agent serving two communes is balanced in each commune on its own counts
    agents = [_agent("A1"), _agent("B2"), _agent("B2", OTHER), _agent("C3", OTHER)]
    rows = [_row(1, "001190000001"), _row(2, "001190000002", danh_sach=DEN_HAN_DONG, nhom="BHXH_TN"),
            _row(3, "001190000003"), _row(4, "001190000001", ma_xa=OTHER), _row(5, "001190000002", ma_xa=OTHER)]
    assign(rows, agents, D, {})
    assert _assigned(rows) == {(TIEM_NANG, 1): "A1", (DEN_HAN_DONG, 2): "B2", (TIEM_NANG, 3): "A1",
                               (TIEM_NANG, 4): "B2", (TIEM_NANG, 5): "C3"}


def test_one_candidate_and_no_candidate():
    rows = [_row(1, "001190000001"), _row(2, "001190000002", ma_xa="00010")]
    assign(rows, [_agent("A1"), _agent("Z9", OTHER)], D, {})
    assert (rows[0].ma_dai_ly, rows[0].cach, rows[0].co_dinh) == ("A1", "duy_nhat", True)
    assert (rows[1].ma_dai_ly, rows[1].cach, rows[1].ung_vien) == ("", "khong_co", ())


# ----------------------------------------------------------------------------- stickiness
def test_a_person_keeps_last_weeks_agent_while_it_is_a_candidate_and_counts_for_balance():
    rows = [_row(i, f"00119000000{i}") for i in (1, 2, 3, 4)]
    previous = {3: [(TIEM_NANG, "B2", True)], 4: [(TIEM_NANG, "B2", False)]}
    assign(rows, [_agent("A1"), _agent("B2")], D, previous)
    # 3 and 4 keep B2 (so B2 has 2): 1 → A1, 2 → A1 (A1 1 < B2 2)
    assert _assigned(rows) == {(TIEM_NANG, 1): "A1", (TIEM_NANG, 2): "A1", (TIEM_NANG, 3): "B2", (TIEM_NANG, 4): "B2"}
    assert (rows[2].cach, rows[2].co_dinh, rows[3].cach, rows[3].co_dinh) == ("giu", True, "giu", False)


def test_a_person_keeps_the_agent_of_either_list_preferring_the_same_list_then_the_smallest_code():
    # last week on den_han_dong with C3, this week on tiem_nang: the same person, C3 kept
    rows = [_row(1, "001190000001")]
    assign(rows, [_agent("A1"), _agent("B2"), _agent("C3")], D, {1: [(DEN_HAN_DONG, "C3", True)]})
    assert (rows[0].ma_dai_ly, rows[0].cach) == ("C3", "giu")
    # two rows last week with two agents: this week's tiem_nang row keeps its own list's, the due row too
    rows = [_row(1, "001190000001"), _row(1, "001190000001", danh_sach=DEN_HAN_DONG, nhom="BHXH_TN")]
    before = {1: [(DEN_HAN_DONG, "A1", True), (TIEM_NANG, "C3", True)]}
    assign(rows, [_agent("A1"), _agent("B2"), _agent("C3")], D, before)
    assert _assigned(rows) == {(TIEM_NANG, 1): "C3", (DEN_HAN_DONG, 1): "A1"}
    # no row of the same list: the smallest code of the others; an agent no longer a candidate is skipped
    rows = [_row(1, "001190000001")]
    before = {1: [(DEN_HAN_DONG, "C3", True), (DEN_HAN_DONG, "B2", True), (DEN_HAN_DONG, "A1", True)]}
    assign(rows, [_agent("A1", den=D - timedelta(1)), _agent("B2"), _agent("C3")], D, before)
    assert rows[0].ma_dai_ly == "B2"
    # another person's agent is nobody's to keep
    rows = [_row(2, "001190000002")]
    assign(rows, [_agent("A1"), _agent("B2")], D, {1: [(TIEM_NANG, "B2", True)]})
    assert (rows[0].ma_dai_ly, rows[0].cach) == ("A1", "can_bang")


def test_reassignment_when_the_agent_has_left():
    rows = [_row(1, "001190000001"), _row(2, "001190000002")]
    previous = {1: [(TIEM_NANG, "A1", True)], 2: [(TIEM_NANG, "A1", True)]}
    agents = [_agent("A1", den=D - timedelta(4)), _agent("B2"), _agent("C3", tu=D - timedelta(3))]
    assign(rows, agents, D, previous)
    assert _assigned(rows) == {(TIEM_NANG, 1): "B2", (TIEM_NANG, 2): "C3"}
    # the same agents a week earlier: A1 still active, both keep it
    assign(rows, agents, D - timedelta(7), previous)
    assert _assigned(rows) == {(TIEM_NANG, 1): "A1", (TIEM_NANG, 2): "A1"}


def test_a_kept_agent_no_longer_a_candidate_after_hamlet_narrowing_is_not_kept():
    rows = [_row(1, "001190000001", thon="Thôn 3")]
    agents = [_agent("A1"), _agent("H5", thon="thon 3")]
    assign(rows, agents, D, {1: [(TIEM_NANG, "A1", True)]})
    assert rows[0].ma_dai_ly == "H5"


# ----------------------------------------------------------------------------- hamlets
def test_hamlet_names_compare_ignoring_case_diacritics_and_spacing():
    assert thon_key("Thôn  3") == thon_key("THON 3") == thon_key("thôn3") == thon_key(" Thôn 3 ") == "thon3"
    assert thon_key("Tổ dân phố 2") == thon_key("to dan pho 2") != thon_key("Tổ dân phố 12")
    assert thon_key("Ấp Đông") == "apdong"


def test_hamlet_narrowing_when_an_agent_names_the_rows_hamlet():
    agents = [_agent("A1"), _agent("B2"), _agent("H5", thon="THON  3"), _agent("H6", thon="Thôn 4", den=D - timedelta(1))]
    assert candidates(agents, D, XA, "Thôn 3") == ("H5",)
    # nobody names hamlet 7 (nor the row without a hamlet): every agent serving the commune, H5 included
    assert candidates(agents, D, XA, "Thôn 7") == ("A1", "B2", "H5")
    assert candidates(agents, D, XA, "") == ("A1", "B2", "H5")
    # the agent naming hamlet 4 has left: hamlet 4 falls back to the whole commune
    assert candidates(agents, D, XA, "Thôn 4") == ("A1", "B2", "H5")
    assert candidates(agents, D, OTHER, "Thôn 3") == ()


def test_agent_active_on_its_first_and_last_day():
    assert _agent("A1", tu=D).active(D) and _agent("A1", den=D).active(D)
    assert not _agent("A1", tu=D + timedelta(1)).active(D) and not _agent("A1", den=D - timedelta(1)).active(D)


def test_the_latest_agents_delivery_replaces_the_earlier():
    early, late = [_agent("A1")], [_agent("B2")]
    deliveries = [(date(2026, 11, 17), late), (date(2026, 1, 5), early)]
    assert in_force(deliveries, date(2026, 11, 13)) == early
    assert in_force(deliveries, D) == late
    assert in_force(deliveries, date(2025, 12, 31)) == []


# ----------------------------------------------------------------------------- results and exclusions
def test_moved_away_or_not_found_179_days_ago_excludes_181_does_not():
    for code in ("CHUYEN_DI", "KHONG_TIM_THAY"):
        assert is_excluded(_result(1, code, D - timedelta(179)), D)
        assert not is_excluded(_result(1, code, D - timedelta(181)), D)
        assert is_excluded(_result(1, code, D - timedelta(181)), D - timedelta(7))  # 174 days a week earlier


def test_deceased_is_excluded_for_good_and_other_codes_never():
    assert is_excluded(_result(1, "DA_MAT", D - timedelta(900)), D)
    for code in ("DA_LIEN_HE", "HEN_THAM_GIA", "TU_CHOI"):
        assert not is_excluded(_result(1, code, D - timedelta(1)), D)
    assert not is_excluded(None, D)


def test_latest_result_ignores_later_dates_and_deliveries_and_ties_go_to_the_later_delivery():
    results = [_result(1, "CHUYEN_DI", date(2026, 11, 10), date(2026, 11, 10)),
               _result(1, "DA_LIEN_HE", date(2026, 11, 10), date(2026, 11, 17)),   # same day, later delivery
               _result(1, "DA_MAT", date(2026, 11, 19), date(2026, 11, 21)),       # delivered after D
               _result(2, "TU_CHOI", date(2026, 11, 12), date(2026, 11, 17)),
               _result(2, "HEN_THAM_GIA", date(2026, 11, 11), date(2026, 11, 18))]  # later delivery, earlier visit
    latest = latest_results(results, D)
    assert latest[1].ket_qua == "DA_LIEN_HE" and latest[2].ket_qua == "TU_CHOI"
    assert latest_results(results, date(2026, 11, 13))[1].ket_qua == "CHUYEN_DI"
    assert latest_results(results, date(2026, 11, 21))[1].ket_qua == "DA_MAT"


# ----------------------------------------------------------------------------- progress (§4.8)
def test_joined_rows_tiem_nang_off_the_list_with_coverage_and_dues_with_a_later_spell():
    last = [_row(1), _row(2), _row(3), _row(4, danh_sach=DEN_HAN_DONG, nhom="BHYT_GD")]
    now = [_row(2, nhom="CAO_TUOI")]                      # 2 is still on the list (another group)
    covered = {1, 2, 4}                                   # 3 left the list without coverage (e.g. excluded)
    joined = da_tham_gia(last, now, lambda r: r.uid in covered)
    assert [(r.danh_sach, r.uid) for r in joined] == [(TIEM_NANG, 1), (DEN_HAN_DONG, 4)]


def test_tien_do_targets_reached_and_rates():
    reached = Counter({(XA, "HO_TRO_CAN_NGHEO"): 1, (XA, "CAO_TUOI"): 2, (OTHER, "BB_NLD"): 0})
    targets = {(XA, "HO_TRO_CAN_NGHEO"): 7, (XA, "BB_NLD"): 0}
    rows = {(r["ma_xa"], r["nhom"]): (r["chi_tieu"], r["da_dat"], r["ty_le"]) for r in tien_do(targets, reached)}
    assert rows == {(XA, "HO_TRO_CAN_NGHEO"): (7, 1, Decimal("0.1429")), (XA, "BB_NLD"): (0, 0, None),
                    (XA, "CAO_TUOI"): (None, 2, None)}
    assert tien_do({(XA, "X"): 8}, Counter({(XA, "X"): 1}))[0]["ty_le"] == Decimal("0.1250")  # half up


def test_tien_do_dai_ly_counts_rows_results_by_the_agent_in_30_days_and_last_weeks_joiners():
    rows = [_row(1), _row(2), _row(3), _row(4, danh_sach=DEN_HAN_DONG, nhom="BHYT_GD")]
    for r, code in zip(rows, ("A1", "A1", "B2", "A1"), strict=True):
        r.ma_dai_ly = code
    results = [_result(1, "DA_LIEN_HE", D - timedelta(30)),                       # 30 days: counts
               _result(2, "DA_LIEN_HE", D - timedelta(31)),                       # 31 days: does not
               _result(3, "TU_CHOI", D - timedelta(2), D - timedelta(1), agent="A1"),  # by another agent
               _result(4, "TU_CHOI", D - timedelta(2), delivered=D + timedelta(1))]  # delivered after D
    last_week = [_row(9), _row(8)]
    last_week[0].ma_dai_ly = "B2"
    figures = {(f["ma_dai_ly"], f["ma_xa"]): (f["so_duoc_giao"], f["so_co_ket_qua"], f["so_da_tham_gia"])
               for f in tien_do_dai_ly(rows, last_week, results, D)}
    assert figures == {("A1", XA): (3, 1, 0), ("B2", XA): (1, 0, 1)}  # 8 had no agent last week
