"""CONTRACT §4.7 and §4.8 on hand-made worlds: field results and exclusions, agent assignment (candidates, hamlets,
stickiness, balance), tien_do and tien_do_dai_ly at publication."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import matching_world
from lists_world import XA_79_A, XA_79_B, XA_79_C, World

from tiemnang import db
from tiemnang.lists import build_lists
from tiemnang.matching import run_matching
from tiemnang.publish import iso_week, publish_province

D1, D2, D3 = date(2026, 6, 12), date(2026, 6, 19), date(2026, 6, 26)   # Fridays of 2026-W24, W25, W26
D = D2


# ---------------------------------------------------------------------------------------------------- the world
def _agents(w: World, *rows: tuple, delivered: date | None = None) -> None:
    """A dai_ly_thu.csv: rows (ma_dai_ly, ma_xa, thon, tu_ngay, den_ngay)."""
    f = w.file("collection", "dai_ly_thu", "dai_ly_thu.csv", delivered, key="dai_ly_thu.csv")
    for ma, ma_xa, thon, tu, den in rows:
        w._row("dai_ly_thu", f, ma_dai_ly=ma, ten_dai_ly=f"Đại lý {ma}", ma_xa=ma_xa, thon=thon, tu_ngay=tu,
               den_ngay=den)


def _open(*codes: str, ma_xa: str = XA_79_A) -> list[tuple]:
    return [(code, ma_xa, None, date(2026, 1, 1), None) for code in codes]


def _result(w: World, ma_dai_ly: str, ket_qua: str, ngay: date, *, ma_xa: str = XA_79_A,
            delivered: date | None = None, name: str = "ket_qua.csv") -> int:
    """One result row of a ket_qua/ file (every such file stays in force); returns its record for w.person."""
    delivered = delivered or w.delivered
    path = f"ket_qua/{name}"
    f = w.file("collection", "ket_qua", path, delivered, key=f"collection/{delivered.isoformat()}/{path}")
    dong = w._row("ket_qua", f, ma_dai_ly=ma_dai_ly, ho_ten="Nguyễn Văn A", ngay_sinh="1950-01-01", ma_xa=ma_xa,
                  ngay=ngay, ket_qua=ket_qua)
    return w._record("collection", f, dong, ho_ten="Nguyễn Văn A", ma_xa=ma_xa)


def _elder(w: World, id_nguoi: int, *results: int, ma_xa: str = XA_79_A, so_ddcn: str | None = None,
           ho_ten: str = "Nguyễn Văn A") -> int:
    """A register person aged 60+ without BHYT: a CAO_TUOI row in the register residence's commune."""
    return w.person(w.register(id_nguoi, ma_xa, ho_ten=ho_ten, ngay_sinh="1950-01-01"), *results,
                    ho_ten=ho_ten, ngay_sinh="1950-01-01", so_ddcn=so_ddcn, khoa=f"k:{id_nguoi}")


def _due(w: World, id_nguoi: int, *results: int, ma_xa: str = XA_79_A, so_ddcn: str | None = None,
         ho_ten: str = "Nguyễn Văn A", den: date = D + timedelta(days=10), welfare: int | None = None) -> int:
    """A register person whose GD card ends soon: a BHYT_GD row of den_han_dong (not on tiem_nang)."""
    recs = [w.register(id_nguoi, ma_xa, ho_ten=ho_ten, ngay_sinh="1960-01-01"), *results]
    if welfare is not None:
        recs.append(welfare)
    w.coverage(id_nguoi, "BHYT", date(2025, 7, 1), den, doi_tuong="GD", phuong_thuc=12, thu_tu=1)
    return w.person(*recs, ho_ten=ho_ten, ngay_sinh="1960-01-01", so_ddcn=so_ddcn, khoa=f"k:{id_nguoi}")


def _welfare(w: World, thon: str | None, *, ma_xa: str = XA_79_A, doi_tuong: str = "HN") -> int:
    rec = w.welfare(ma_xa, doi_tuong, label="ds")
    w.conn.execute("UPDATE stg.welfare s SET thon = %s FROM mt.record r"
                   " WHERE r.rec_id = %s AND s.file_id = r.file_id AND s.dong = r.dong", (thon, rec))
    return rec


def _published(w: World, d: date, ma_tinh: str = "79") -> None:
    """Record week d as published (what the build reads of a publication: its tuan and D)."""
    w.conn.execute("INSERT INTO ops.publication (ma_tinh, tuan, ngay_tham_chieu, so_tiem_nang, so_don_vi, so_den_han)"
                   " VALUES (%s, %s, %s, 0, 0, 0)", (ma_tinh, iso_week(d), d))


def _agent_of(conn, d: date) -> dict:
    """person_id -> ma_dai_ly of tiem_nang, and (id_nguoi, loai) -> ma_dai_ly of den_han_dong, for D."""
    rows = conn.execute("SELECT person_id, ma_dai_ly FROM lists.tiem_nang WHERE ngay_tham_chieu = %s", (d,)).fetchall()
    rows += conn.execute("SELECT (id_nguoi, loai)::text, ma_dai_ly FROM lists.den_han_dong WHERE ngay_tham_chieu = %s",
                         (d,)).fetchall()
    return dict(rows)


def _loai_tru(conn, d: date) -> dict[int, tuple]:
    rows = conn.execute("SELECT person_id, danh_sach, nhom, ket_qua, ngay_ket_qua, ma_dai_ly, ma_xa, ma_tinh, thon"
                        " FROM lists.loai_tru WHERE ngay_tham_chieu = %s", (d,)).fetchall()
    return {r[0]: r[1:] for r in rows}


# ---------------------------------------------------------------------------------------------------- results
def test_chuyen_di_excludes_within_the_180_days_before_d(wh):
    w = World(wh)
    _agents(w, *_open("DL1"))
    days = {age: _elder(w, 100 + age, _result(w, "DL2", "CHUYEN_DI", D - timedelta(days=age)), so_ddcn=f"{age}")
            for age in (0, 179, 180, 181)}

    counts = build_lists(wh, D, commit=False)
    on_list = wh.execute("SELECT person_id, ket_qua_gan_nhat, ngay_ket_qua FROM lists.tiem_nang"
                         " WHERE ngay_tham_chieu = %s", (D,)).fetchall()
    assert on_list == [(days[181], "CHUYEN_DI", D - timedelta(days=181))]      # shown, not excluded
    excluded = _loai_tru(wh, D)
    assert set(excluded) == {days[0], days[179], days[180]}                    # D - ngay <= 180
    assert excluded[days[179]] == ("tiem_nang", "CAO_TUOI", "CHUYEN_DI", D - timedelta(days=179), "DL2",
                                   XA_79_A, "79", None)
    assert counts["loai_tru"] == 3 and counts["tiem_nang"] == 1


def test_da_mat_excludes_for_good_from_both_lists(wh):
    w = World(wh)
    long_ago = _elder(w, 201, _result(w, "DL1", "DA_MAT", D - timedelta(days=900)))
    due = _due(w, 202, _result(w, "DL1", "DA_MAT", D - timedelta(days=3)), ma_xa=XA_79_B)
    refused = _elder(w, 203, _result(w, "DL1", "TU_CHOI", D - timedelta(days=3)))

    build_lists(wh, D, commit=False)
    excluded = _loai_tru(wh, D)
    assert excluded == {
        long_ago: ("tiem_nang", "CAO_TUOI", "DA_MAT", D - timedelta(days=900), "DL1", XA_79_A, "79", None),
        due: ("den_han_dong", "BHYT_GD", "DA_MAT", D - timedelta(days=3), "DL1", XA_79_B, "79", None),
    }
    assert w.den_han(D) == {}
    assert set(w.tiem_nang(D)) == {refused}


def test_khong_tim_thay_and_which_result_is_the_latest(wh):
    w = World(wh)
    not_found = _elder(w, 301, _result(w, "DL1", "KHONG_TIM_THAY", D - timedelta(days=30)))
    found_later = _elder(w, 302, _result(w, "DL1", "KHONG_TIM_THAY", D - timedelta(days=30)),
                         _result(w, "DL1", "HEN_THAM_GIA", D - timedelta(days=2)))
    # the same day twice: the later delivery wins, whatever its file or row
    tie = _elder(w, 303, _result(w, "DL1", "DA_LIEN_HE", D - timedelta(days=5), delivered=date(2026, 6, 16),
                                 name="a.csv"),
                 _result(w, "DL2", "KHONG_TIM_THAY", D - timedelta(days=5), delivered=date(2026, 6, 15),
                         name="z.csv"))
    after_d = _elder(w, 304, _result(w, "DL1", "DA_LIEN_HE", D - timedelta(days=9)),
                     _result(w, "DL1", "DA_MAT", D + timedelta(days=1)))            # dated after D: not yet
    late_delivery = _elder(w, 305, _result(w, "DL1", "DA_MAT", D - timedelta(days=1), delivered=D + timedelta(days=1),
                                           name="late.csv"))                         # delivered after D
    nothing = _elder(w, 306)

    build_lists(wh, D, commit=False)
    assert set(_loai_tru(wh, D)) == {not_found}
    shown = dict((r[0], r[1:]) for r in wh.execute(
        "SELECT person_id, ket_qua_gan_nhat, ngay_ket_qua FROM lists.tiem_nang WHERE ngay_tham_chieu = %s",
        (D,)).fetchall())
    assert shown == {
        found_later: ("HEN_THAM_GIA", D - timedelta(days=2)),
        tie: ("DA_LIEN_HE", D - timedelta(days=5)),
        after_d: ("DA_LIEN_HE", D - timedelta(days=9)),
        late_delivery: (None, None),
        nothing: (None, None),
    }


def test_a_result_without_id_matches_by_name_birth_date_and_commune(wh):
    """The full matching: a result row with no ID reaches the welfare person by name, birth date and commune."""
    mw = matching_world.World(wh)
    moved = mw.welfare(f"{mw.xa1}_ho_ngheo.csv", "Trần Thị Bé", "1950", 2)             # the year only
    born_other_day = mw.welfare(f"{mw.xa1}_ho_ngheo.csv", "Trần Thị Bé", "1951-08-09", 2)
    visited = mw.welfare(f"{mw.xa1}_ho_ngheo.csv", "Lê Văn Tám", "1948-01-01", 1)
    path = f"collection/{matching_world.DELIVERY}/ket_qua/dl1.csv"
    f = mw.file("collection", "ket_qua", path, path)
    # the agent wrote a full birth date and an ID the list does not have: the match uses them, the person keeps
    # her own name, birth date and (no) ID
    for dong, (ho_ten, ngay_sinh, so_ddcn, ket_qua) in enumerate(
            [("TRAN THI BE", "1950-03-04", "001150000123", "CHUYEN_DI"),
             ("Le Van Tam", "1948-01-01", None, "DA_LIEN_HE")], start=2):
        wh.execute("INSERT INTO stg.ket_qua (file_id, dong, ma_dai_ly, ho_ten, ngay_sinh, so_ddcn, so_ddcn_tin_cay,"
                   " ma_xa, ngay, ket_qua) VALUES (%s, %s, 'DL1', %s, %s, %s, %s, %s, %s, %s)",
                   (f, dong, ho_ten, ngay_sinh, so_ddcn, so_ddcn is not None, mw.xa1, D - timedelta(days=10),
                    ket_qua))
    run_matching(wh, D, commit=False)
    assert mw.person_of(path, 2) == mw.person_of(*moved) != mw.person_of(*born_other_day)
    assert mw.person_of(path, 3) == mw.person_of(*visited)
    person = wh.execute("SELECT ho_ten, ngay_sinh, so_ddcn, khoa_nguoi LIKE 'h:%%', nguon, so_ban_ghi FROM mt.person"
                        " WHERE person_id = %s", (mw.person_of(*moved),)).fetchone()
    assert person == ("Trần Thị Bé", "1950", None, True, ["collection", "welfare"], 2)   # the result does not speak

    build_lists(wh, D, commit=False)
    assert set(_loai_tru(wh, D)) == {mw.person_of(*moved)}
    rows = dict((r[0], r[1:]) for r in wh.execute(
        "SELECT person_id, ket_qua_gan_nhat, nguon FROM lists.tiem_nang WHERE ngay_tham_chieu = %s",
        (D,)).fetchall())
    assert set(rows) == {mw.person_of(*born_other_day), mw.person_of(*visited)}
    status, nguon = rows[mw.person_of(*visited)]
    assert status == "DA_LIEN_HE"
    assert [s["nguon"] for s in nguon] == ["welfare"]                  # results are not source records of the row


# ---------------------------------------------------------------------------------------------------- assignment
def test_balance_within_a_commune_order_and_ties(wh):
    w = World(wh)
    _agents(w, *_open("DL1", "DL2", "DL3"), *_open("DL1", "DL9", "DL10", ma_xa=XA_79_B))
    third = _elder(w, 1, so_ddcn="079050000003")
    first = _elder(w, 2, so_ddcn="079050000001")
    no_id_b = _elder(w, 3, ho_ten="Bình")
    no_id_a = _elder(w, 4, ho_ten="An")
    second = _elder(w, 5, so_ddcn="079050000002")
    no_id_c = _elder(w, 7, ho_ten="Cường")
    _due(w, 6, ho_ten="Bình")   # covered on D: on den_han_dong only
    # the same so_ddcn (none), name and birth date as no_id_b: tiem_nang comes first
    wh.execute("UPDATE mt.person SET ngay_sinh = '1950-01-01' WHERE khoa_nguoi = 'k:6'")
    b_rows = [_elder(w, 10 + i, ma_xa=XA_79_B, so_ddcn=f"07905000010{i}") for i in range(4)]

    build_lists(wh, D, commit=False)
    got = _agent_of(wh, D)
    # XA_79_A in order first, second, third, then without so_ddcn: An, Bình (tiem_nang), Bình (den_han_dong), Cường
    assert [got[p] for p in (first, second, third, no_id_a, no_id_b)] == ["DL1", "DL2", "DL3", "DL1", "DL2"]
    assert got["(6,BHYT_GD)"] == "DL3"
    assert got[no_id_c] == "DL1"
    # XA_79_B counts its own rows (DL1's rows in XA_79_A do not count); ties by code point: DL1 < DL10 < DL9
    assert [got[p] for p in b_rows] == ["DL1", "DL10", "DL9", "DL1"]


def test_a_commune_without_an_active_agent_leaves_ma_dai_ly_empty(wh):
    w = World(wh)
    _agents(w, *_open("DL1"), ("DL2", XA_79_C, None, date(2026, 1, 1), date(2026, 6, 18)))   # ended the day before D
    served = _elder(w, 1)
    nobody = _elder(w, 2, ma_xa=XA_79_C)
    nobody_due = _due(w, 3, ma_xa=XA_79_C)

    counts = build_lists(wh, D, commit=False)
    assert _agent_of(wh, D) == {served: "DL1", nobody: None, "(3,BHYT_GD)": None}
    assert counts["chua_phan_cong"] == 2 and nobody_due


def test_hamlets_compared_ignoring_case_diacritics_and_spacing(wh):
    w = World(wh)
    _agents(w, ("H1", XA_79_A, "Thôn Đông Hòa", date(2026, 1, 1), None),
            ("H2", XA_79_A, "Tổ 6", date(2026, 1, 1), None),
            ("H3", XA_79_A, "Thôn Tây", date(2026, 1, 1), date(2026, 5, 31)),      # ended: names no hamlet now
            ("W", XA_79_A, None, date(2026, 1, 1), None))
    spelled = {
        "upper_double_space": "THON DONG  HOA",
        "lower_no_space": "thônđônghòa",
        "tổ 5": "Tổ 5",              # digits count: nobody names it, every agent of the commune is a candidate
        "tổ 06": "TỔ 06",            # = Tổ 6
        "tây": "thôn tây",           # only an ended agent names it
        "none": None,
    }
    people = {}
    for i, (label, thon) in enumerate(spelled.items(), start=1):
        people[label] = w.person(_welfare(w, thon), so_ddcn=f"07919000000{i}", khoa=f"k:w{i}")
    due = _due(w, 50, so_ddcn="079190000009", welfare=_welfare(w, "Thôn  Đông Hoà"))

    build_lists(wh, D, commit=False)
    got = _agent_of(wh, D)
    # in order: two rows of H1's hamlet, Tổ 5 (H1 2, H2 0, W 0: H2), Tổ 06 (H2), tây (H1 2, H2 2, W 0: W), none
    # (W 1: W), and the den_han_dong row in H1's hamlet (its welfare record's Thôn)
    assert [got[people[k]] for k in spelled] == ["H1", "H1", "H2", "H2", "W", "W"]
    assert got["(50,BHYT_GD)"] == "H1"
    thon = dict(wh.execute("SELECT person_id, thon FROM lists.tiem_nang WHERE ngay_tham_chieu = %s", (D,)).fetchall())
    assert thon[people["upper_double_space"]] == "THON DONG  HOA" and thon[people["none"]] is None
    assert wh.execute("SELECT thon FROM lists.den_han_dong WHERE id_nguoi = 50").fetchone() == ("Thôn  Đông Hoà",)
    assert due


def test_stickiness_when_the_agent_stays_and_reassignment_when_it_leaves(wh):
    w = World(wh)
    _agents(w, *_open("DL2", "DL3"), delivered=date(2026, 6, 1))
    p1, p2, p3, p4 = (_elder(w, i, so_ddcn=f"07905000000{i}") for i in range(1, 5))
    _due(w, 9, so_ddcn="079050000009", den=D2 + timedelta(days=10))
    build_lists(wh, D1, commit=False)
    week1 = _agent_of(wh, D1)
    assert [week1[p] for p in (p1, p2, p3, p4)] + [week1["(9,BHYT_GD)"]] == ["DL2", "DL3", "DL2", "DL3", "DL2"]
    _published(w, D1)

    # week 2: DL3's contract ended on 16 June, DL1 started; a new person
    _agents(w, ("DL1", XA_79_A, None, date(2026, 6, 15), None), ("DL2", XA_79_A, None, date(2026, 1, 1), None),
            ("DL3", XA_79_A, None, date(2026, 1, 1), date(2026, 6, 16)), delivered=date(2026, 6, 17))
    p5 = _elder(w, 10, so_ddcn="079050000005")
    build_lists(wh, D2, commit=False)
    week2 = _agent_of(wh, D2)
    # p1, p3 and the due row keep DL2 (3 rows from the start); p2, p4, p5 go one by one to DL1 (0, 1, 2 < 3)
    # (without stickiness the order would give p1 to DL1)
    assert [week2[p] for p in (p1, p3)] + [week2["(9,BHYT_GD)"]] == ["DL2", "DL2", "DL2"]
    assert [week2[p] for p in (p2, p4, p5)] == ["DL1", "DL1", "DL1"]


def test_a_kept_agent_must_still_be_a_candidate_of_the_row(wh):
    """Stickiness follows the candidates: an agent who no longer names the row's hamlet does not keep it."""
    w = World(wh)
    _agents(w, ("A", XA_79_A, None, date(2026, 1, 1), None), delivered=date(2026, 6, 1))
    kept = w.person(_welfare(w, "Xóm Chợ"), so_ddcn="079190000001", khoa="k:1")
    build_lists(wh, D1, commit=False)
    assert _agent_of(wh, D1)[kept] == "A"
    _published(w, D1)
    _agents(w, ("A", XA_79_A, None, date(2026, 1, 1), None), ("B", XA_79_A, "xom cho", date(2026, 6, 1), None),
            delivered=date(2026, 6, 17))
    build_lists(wh, D2, commit=False)
    assert _agent_of(wh, D2)[kept] == "B"        # the hamlet's own agent narrows the candidates to B


# ---------------------------------------------------------------------------------------------------- §4.8
def _tien_do(conn, tuan: str) -> dict[tuple[str, str], tuple]:
    rows = conn.execute("SELECT ma_xa, nhom, nam, chi_tieu, da_dat, ty_le FROM tinh_79.tien_do_lich_su"
                        " WHERE tuan = %s", (tuan,)).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def _targets(w: World, rows: list[tuple], delivered: date) -> None:
    f = w.file("collection", "chi_tieu", "chi_tieu.csv", delivered, key="chi_tieu.csv")
    for nam, ma_xa, nhom, chi_tieu in rows:
        w._row("chi_tieu", f, nam=nam, ma_xa=ma_xa, nhom=nhom, chi_tieu=chi_tieu)


def test_tien_do_with_and_without_targets_adds_up_the_year(committed_db):
    with db.connect(committed_db) as conn:
        conn.execute("UPDATE ref.tham_so SET gia_tri = 1 WHERE ten = 'so_tuan_luu_lich_su'")   # history: 1 week
        w = World(conn, delivered=date(2026, 6, 1))
        _targets(w, [(2026, XA_79_A, "NSNN_DONG", 9), (2025, XA_79_A, "NSNN_DONG", 100),
                     (2026, XA_79_B, "BB_NLD", 3)], date(2026, 1, 5))
        _targets(w, [(2026, XA_79_A, "NSNN_DONG", 4), (2026, XA_79_B, "BB_NLD", 0),     # replaces the first file
                     (2025, XA_79_A, "NSNN_DONG", 100)], date(2026, 6, 1))
        stay = w.person(w.welfare(XA_79_A, "HN", label="hn"), khoa="k:stay")
        joins_w25 = w.person(w.welfare(XA_79_A, "HN", label="hn"), w.register(201), khoa="k:201")
        joins_w26 = w.person(w.welfare(XA_79_A, "HN", label="hn"), w.register(202), khoa="k:202")
        cn_joins = w.person(w.welfare(XA_79_A, "CN", label="cn"), w.register(203), khoa="k:203")
        w.coverage(201, "BHYT", date(2026, 6, 15), date(2026, 12, 31), doi_tuong="HN")
        w.coverage(203, "BHYT", date(2026, 6, 15), date(2026, 12, 31), doi_tuong="CN")
        w.coverage(202, "BHYT", date(2026, 6, 22), date(2026, 12, 31), doi_tuong="HN")
        assert stay and joins_w25 and joins_w26 and cn_joins
    for d in (D1, D2):          # each week's build follows the previous week's publication
        with db.connect(committed_db) as conn:
            build_lists(conn, d)
        publish_province(committed_db, "79", d)
    with db.connect(committed_db) as conn:
        assert _tien_do(conn, "2026-W25") == {
            (XA_79_A, "NSNN_DONG"): (2026, 4, 1, Decimal("0.2500")),          # the later chi_tieu.csv, 2026
            (XA_79_A, "HO_TRO_CAN_NGHEO"): (2026, None, 1, None),            # no target
            (XA_79_B, "BB_NLD"): (2026, 0, 0, None),                         # a target of 0
        }
    with db.connect(committed_db) as conn:
        build_lists(conn, D3)
    publish_province(committed_db, "79", D3)
    with db.connect(committed_db) as conn:
        assert _tien_do(conn, "2026-W26") == {
            (XA_79_A, "NSNN_DONG"): (2026, 4, 2, Decimal("0.5000")),          # one in W25, one in W26
            (XA_79_A, "HO_TRO_CAN_NGHEO"): (2026, None, 1, None),
            (XA_79_B, "BB_NLD"): (2026, 0, 0, None),
        }
        # the history keeps only W26 by now: W25's figure came from lists.da_tham_gia
        assert conn.execute("SELECT DISTINCT tuan FROM tinh_79.tong_hop_lich_su").fetchall() == [("2026-W26",)]
        assert conn.execute("SELECT tuan, nam, ma_xa, nhom, chi_tieu, da_dat, ty_le FROM tinh_79.tien_do"
                            " WHERE nhom = 'NSNN_DONG'").fetchall() == \
            [("2026-W26", 2026, XA_79_A, "NSNN_DONG", 4, 2, Decimal("0.5000"))]


def test_tien_do_dai_ly_figures(committed_db):
    with db.connect(committed_db) as conn:
        w = World(conn, delivered=date(2026, 6, 1))
        _agents(w, *_open("DL1", "DL2"), *_open("DL3", ma_xa=XA_79_B))
        a = w.person(w.welfare(XA_79_A, "HN", label="hn"),
                     _result(w, "DL1", "DA_LIEN_HE", D2 - timedelta(days=5), delivered=date(2026, 6, 15)),
                     _result(w, "DL2", "DA_LIEN_HE", D2 - timedelta(days=3), delivered=date(2026, 6, 15)),
                     so_ddcn="1", khoa="k:a")
        b = w.person(w.welfare(XA_79_A, "HN", label="hn"), w.register(201), so_ddcn="2", khoa="k:b")
        w.coverage(201, "BHYT", date(2026, 6, 15), date(2026, 12, 31), doi_tuong="HN")   # joins in W25
        w.person(w.register(301, XA_79_A), so_ddcn="3", khoa="k:g")              # g: due in W24
        w.coverage(301, "BHYT", date(2025, 7, 1), date(2026, 6, 30), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
        build_lists(conn, D1)
        assert _agent_of(conn, D1) == {a: "DL1", b: "DL2", "(301,BHYT_GD)": "DL1"}
    publish_province(committed_db, "79", D1)

    with db.connect(committed_db) as conn:
        w.conn, w.delivered = conn, date(2026, 6, 15)
        # the week-2 coverage file: g renewed the GD card, b holds the card she got
        w.coverage(301, "BHYT", date(2025, 7, 1), date(2026, 6, 30), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
        w.coverage(301, "BHYT", date(2026, 7, 1), date(2027, 6, 30), doi_tuong="GD", phuong_thuc=12, thu_tu=1)
        w.coverage(201, "BHYT", date(2026, 6, 15), date(2026, 12, 31), doi_tuong="HN")
        c = w.person(w.welfare(XA_79_A, "HN", label="hn2"),
                     _result(w, "DL2", "HEN_THAM_GIA", D2 - timedelta(days=31)), so_ddcn="4", khoa="k:c")
        e = w.person(w.welfare(XA_79_A, "HN", label="hn2"),
                     _result(w, "DL1", "DA_LIEN_HE", D2 - timedelta(days=30)), so_ddcn="5", khoa="k:e")
        build_lists(conn, D2)
        # a keeps DL1; c: DL2 (0 < 1); e: tie 1-1, DL1
        assert _agent_of(conn, D2) == {a: "DL1", c: "DL2", e: "DL1"}
    publish_province(committed_db, "79", D2)

    with db.connect(committed_db) as conn:
        rows = conn.execute("SELECT ma_dai_ly, ten_dai_ly, ma_xa, ten_xa IS NOT NULL, so_duoc_giao, so_co_ket_qua,"
                            " so_da_tham_gia FROM tinh_79.tien_do_dai_ly ORDER BY ma_xa, ma_dai_ly").fetchall()
        assert rows == [
            ("DL1", "Đại lý DL1", XA_79_A, True, 2, 2, 1),     # a, e with results of DL1 (5 and 30 days); g renewed
            ("DL2", "Đại lý DL2", XA_79_A, True, 1, 0, 1),     # c's result is 31 days old; b joined
            ("DL3", "Đại lý DL3", XA_79_B, True, 0, 0, 0),     # active, nothing assigned
        ]
        tong_hop = conn.execute("SELECT so_da_tham_gia FROM tinh_79.tong_hop WHERE ma_xa = %s AND nhom = 'NSNN_DONG'",
                                (XA_79_A,)).fetchone()
        assert tong_hop == (1,)                                 # the same count as the agents' tiem_nang part
        published = conn.execute("SELECT ma_dai_ly, ket_qua_gan_nhat, ngay_ket_qua FROM tinh_79.tiem_nang"
                                 " WHERE so_ddcn = '1'").fetchone()
        assert published == ("DL1", "DA_LIEN_HE", D2 - timedelta(days=3))
        so_dong = conn.execute("SELECT so_dong FROM ops.publication WHERE ma_tinh = '79' AND tuan = '2026-W25'"
                               ).fetchone()[0]
        assert so_dong["tien_do_dai_ly"] == 3 and so_dong["loai_tru"] == 0
