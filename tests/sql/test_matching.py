"""Identity resolution on tiny worlds in a real PostgreSQL (rolled back after each test)."""

from __future__ import annotations

from datetime import date

import pytest
from matching_world import DELIVERY, World

from tiemnang.matching import run_matching

D = date(2026, 1, 9)


@pytest.fixture
def world(wh_locale) -> World:
    return World(wh_locale)


def match(world: World) -> dict:
    return run_matching(world.conn, D, commit=False)


def test_every_record_in_exactly_one_person(world):
    world.person(1, "Nguyễn Văn An", "1980-05-12", 1, world.xa1, so_ddcn="001080000001")
    world.welfare(f"{world.xa1}_ho_ngheo.csv", "Trần Thị Bé", "1950", 2)
    world.wage("0101234567", "Nguyễn Văn An", "1980-05-12", so_ddcn="001080000001")
    counts = match(world)
    assert counts["records"] == 4
    with world.conn.cursor() as cur:
        cur.execute("SELECT count(*), count(DISTINCT rec_id) FROM mt.record_person")
        assert cur.fetchone() == (4, 4)
        cur.execute("SELECT count(*) FROM mt.person")
        assert cur.fetchone()[0] == 2
        cur.execute("SELECT khoa_nguoi, id_nguoi, so_ban_ghi FROM mt.person ORDER BY khoa_nguoi")
        keys = cur.fetchall()
    assert keys[0] == ("ddcn:001080000001", 1, 3)
    assert keys[1][0].startswith("h:")


def test_typo_in_id_links_when_name_and_birth_date_agree(world):
    world.person(1, "Lê Thị Hồng", "1975-02-03", 2, world.xa1, so_ddcn="001175000123")
    untrusted = world.welfare(f"{world.xa1}_a.csv", "Lê Thị Hồng", "1975-02-03", 2, so_ddcn="001175000128",
                              tin_cay=False)
    trusted = world.student("T01", world.xa2, "Lê Thị Hồng", "1975-02-03", 2, so_ddcn="001175001023")
    match(world)
    assert world.person_of(*untrusted) == world.register_person(1)
    assert world.person_of(*trusted) == world.register_person(1)


def test_no_id_and_no_diacritics(world):
    world.person(1, "Nguyễn Thị Hòa", "1990-07-21", 2, world.xa1, so_ddcn="001190000777")
    rec = world.welfare(f"{world.xa1}_b.csv", "NGUYEN THI HOA", "21/07/1990"[6:] + "-07-21", 2)
    match(world)
    assert world.person_of(*rec) == world.register_person(1)
    rule, evidence = world.rule_of(*rec)
    assert rule == "xac_suat"
    assert evidence["lien_ket"]["ho_ten"] == "khong_dau"


def test_tone_mark_placement_and_nfd(world):
    world.person(1, "Phạm Thị Thúy Hòa", "1988-01-30", 2, world.xa1, so_ddcn="001188000555")
    import unicodedata
    rec = world.welfare(f"{world.xa1}_c.csv", unicodedata.normalize("NFD", "Phạm Thị Thuý Hoà"), "1988-01-30", 2)
    match(world)
    assert world.person_of(*rec) == world.register_person(1)
    assert world.rule_of(*rec)[1]["lien_ket"]["ho_ten"] == "trung"


def test_swapped_day_month_and_year_only(world):
    world.person(1, "Đặng Văn Tú", "1985-03-07", 1, world.xa1, so_ddcn="001085000999")
    world.person(2, "Bùi Thị Nở", "1948-06-15", 2, world.xa2, ma_so_bhxh="0148000001")
    swapped = world.welfare(f"{world.xa1}_d.csv", "Đặng Văn Tú", "1985-07-03", 1)
    year_only = world.welfare(f"{world.xa2}_e.csv", "Bùi Thị Nở", "1948", 2)
    match(world)
    assert world.person_of(*swapped) == world.register_person(1)
    assert world.person_of(*year_only) == world.register_person(2)


def test_twins_in_one_household_stay_two_persons(world):
    world.person(1, "Trần Văn An", "2010-09-01", 1, world.xa1, so_ddcn="001210000001", ma_ho="H1")
    world.person(2, "Trần Văn Anh", "2010-09-01", 1, world.xa1, so_ddcn="001210000002", ma_ho="H1")
    a = world.welfare(f"{world.xa1}_f.csv", "Trần Văn An", "2010-09-01", 1, ma_ho="W1")
    b = world.welfare(f"{world.xa1}_f.csv", "Trần Văn Anh", "2010-09-01", 1, ma_ho="W1")
    # twins known only to two schools' rosters (no register record, no IDs)
    c = world.student("T02", world.xa1, "Trần Thị Mai", "2012-04-04", 2)
    d = world.student("T03", world.xa1, "Trần Thị Lan", "2012-04-04", 2)
    match(world)
    assert world.register_person(1) != world.register_person(2)
    assert world.person_of(*a) == world.register_person(1)
    assert world.person_of(*b) == world.register_person(2)
    assert world.person_of(*c) != world.person_of(*d)


def test_namesakes_in_one_commune_stay_two_persons(world):
    world.person(1, "Nguyễn Văn Hùng", "1970-01-01", 1, world.xa1, so_ddcn="001070000011")
    world.person(2, "Nguyễn Văn Hùng", "1982-11-20", 1, world.xa1, so_ddcn="001082000022")
    a = world.welfare(f"{world.xa1}_g.csv", "Nguyễn Văn Hùng", "1982-11-20", 1)
    b = world.welfare(f"{world.xa1}_h.csv", "Nguyen Van Hung", "1991-05-05", 1)
    c = world.student("T04", world.xa1, "Nguyễn Văn Hùng", "1991-08-17", 1)
    match(world)
    assert world.register_person(1) != world.register_person(2)
    assert world.person_of(*a) == world.register_person(2)
    assert world.person_of(*b) not in (world.register_person(1), world.register_person(2))
    assert world.person_of(*b) != world.person_of(*c)


def test_student_on_two_rosters_and_welfare_is_one_registered_person(world):
    world.person(1, "Võ Thị Kim Ngân", "2007-12-02", 2, world.xa1, so_ddcn="001307000321")
    s1 = world.student("T05", world.xa1, "Võ Thị Kim Ngân", "2007-12-02", 2, so_ddcn="001307000321")
    s2 = world.student("T06", world.xa3, "Vo Thi Kim Ngan", "02/12/2007"[6:] + "-12-02", 2)
    w = world.welfare(f"{world.xa1}_i.csv", "Vũ Thị Kim Ngân", "2007-12-02", 2, doi_tuong="CN")
    match(world)
    person = world.register_person(1)
    assert {world.person_of(*s1), world.person_of(*s2), world.person_of(*w)} == {person}
    assert world.rule_of(*s1)[0] == "so_ddcn"
    with world.conn.cursor() as cur:
        cur.execute("SELECT khoa_nguoi, so_ban_ghi FROM mt.person WHERE person_id = %s", (person,))
        assert cur.fetchone() == ("ddcn:001307000321", 4)


def test_moved_to_another_province_with_middle_name_dropped_is_compared(world):
    world.person(1, "Lê Văn Thành Đạt", "1999-08-14", 1, world.xa1, so_ddcn="001099000654")
    # no ID, another province, middle name dropped: only surname group + given name + full date sees it;
    # blocking must offer the pair, the weights then decide
    moved = world.student("T08", world.xa3, "Lê Đạt", "1999-08-14", 1)
    counts = match(world)
    assert counts["candidate_pairs"] == 1
    with world.conn.cursor() as cur:
        cur.execute("SELECT s.ho_ten, s.ngay_sinh, s.noi_o FROM mt.w_score s JOIN mt.w_ent y ON y.ent_id = s.b"
                    " WHERE y.la_dang_ky")
        assert cur.fetchall() == [("ten_dem_khac", "trung", "khac_tinh")]
    assert world.person_of(*moved) != world.register_person(1)  # that evidence alone is below the threshold


def test_namesakes_born_the_same_year_in_two_provinces_are_not_compared(world):
    # name + birth year is a key only within a province: nationally such blocks grow with the population
    world.person(1, "Nguyễn Văn Hùng", "1970-01-01", 1, world.xa1, so_ddcn="001070000011")
    elsewhere = world.welfare(f"{world.xa3}_k.csv", "Nguyễn Văn Hùng", "1970-06-15", 1)
    nearby = world.welfare(f"{world.xa2}_k.csv", "Nguyễn Văn Hùng", "1970", 1)
    counts = match(world)
    assert counts["candidate_pairs"] == 1  # nearby × register only
    with world.conn.cursor() as cur:
        cur.execute("SELECT x.ma_xa, y.ma_xa FROM mt.w_pair p JOIN mt.w_ent x ON x.ent_id = p.a"
                    " JOIN mt.w_ent y ON y.ent_id = p.b")
        pairs = {frozenset(row) for row in cur.fetchall()}
    assert frozenset((world.xa1, world.xa3)) not in pairs
    assert world.person_of(*nearby) == world.register_person(1)
    assert world.person_of(*elsewhere) != world.register_person(1)


def test_agreeing_id_but_clearly_different_person_is_not_merged(world):
    world.person(1, "Hoàng Văn Long", "1965-04-04", 1, world.xa1, so_ddcn="001065000444")
    trusted = world.welfare(f"{world.xa1}_j.csv", "Đỗ Minh Tâm", "1965-09-09", 1, so_ddcn="001065000444")
    untrusted = world.student("T07", world.xa1, "Lý Thị Thu", "2009-02-02", 2, so_ddcn="001065000444",
                              tin_cay=False)
    match(world)
    assert world.person_of(*trusted) != world.register_person(1)
    assert world.person_of(*untrusted) != world.register_person(1)
    assert world.rule_of(*trusted)[1].get("id_mau_thuan") is True
    with world.conn.cursor() as cur:
        cur.execute("SELECT count(DISTINCT khoa_nguoi), count(*) FROM mt.person")
        n_keys, n = cur.fetchone()
    assert n_keys == n == 3


def test_wage_months_are_one_person_and_rerun_replaces(world):
    rows = world.wage("0101234567", "Phan Văn Đức", "1992-10-10", months=("2025-10", "2025-11", "2025-12"))
    first = match(world)
    again = match(world)
    assert first["persons"] == again["persons"] == 1
    assert len({world.person_of(*r) for r in rows}) == 1
    assert world.rule_of(*rows[0])[0] == "cung_don_vi"


def _enterprise(world: World, ma_so_thue: str, ma_xa: str) -> None:
    fid = world.files.get("ent") or world.file("tax", "enterprises", f"tax/{DELIVERY}/enterprises.csv", "enterprises")
    world.files["ent"] = fid
    world.conn.execute(
        "INSERT INTO stg.enterprises (file_id, dong, ma_so_thue, ten_doanh_nghiep, loai_hinh, ma_xa, trang_thai,"
        " so_lao_dong, ky) VALUES (%s, %s, %s, 'Cong ty', 'NQD', %s, '00', 5, '2025-12')",
        (fid, world._next(fid), ma_so_thue, ma_xa))


def test_upper_case_wage_earner_without_id_sex_or_residence_links_to_the_register(world):
    """Issue #19's largest family: no ID, upper case without diacritics, no sex, the employer's commune in
    another province; the register person has the ID, the full name and the same full birth date."""
    world.person(1, "Hoàng Hoài Sương", "1980-09-10", 2, world.xa1, so_ddcn="001180000321")
    _enterprise(world, "0312345675", world.xa3)
    rows = world.wage("0312345675", "HOANG HOAI SUONG", "1980-09-10")
    match(world)
    for row in rows:
        assert world.person_of(*row) == world.register_person(1)
    rule, evidence = world.rule_of(*rows[0])
    assert rule == "xac_suat" and evidence["lien_ket"]["gioi_tinh"] == "thieu"


def test_student_at_a_school_in_another_province_links_to_her_register_record(world):
    world.person(1, "Nguyễn Tuệ Uyên", "2004-01-19", 2, world.xa1, so_ddcn="001304000654")
    rec = world.student("T79", world.xa3, "Nguyen Tue Uyen", "2004-01-19", 2)
    match(world)
    assert world.person_of(*rec) == world.register_person(1)


def test_roster_and_welfare_rows_without_id_in_one_commune_are_one_person(world):
    student = world.student("T01", world.xa1, "Lò Văn Páo", "2009-03-02", 1)
    welfare = world.welfare(f"{world.xa1}_dtts.csv", "LO VAN PAO", "2009-03-02", 1, doi_tuong="DTTS")
    match(world)
    assert world.person_of(*student) == world.person_of(*welfare)


def test_two_different_slips_of_one_id_both_join_the_register_person(world):
    world.person(1, "Huỳnh Hữu Hưng", "1989-05-18", 1, world.xa1, so_ddcn="022089423159")
    # three months at one employer: the right ID, a mistyped digit, two digits transposed (all look valid)
    right = world.wage("0101234567", "Huỳnh Hữu Hưng", "1989-05-18", so_ddcn="022089423159", months=("2025-10",))
    typo = world.wage("0101234567", "Huỳnh Hữu Hưng", "1989-05-18", so_ddcn="022089423158", months=("2025-11",))
    swap = world.wage("0101234567", "HUỲNH HỮU HƯNG", "1989-05-18", so_ddcn="022089421359", months=("2025-12",))
    match(world)
    person = world.register_person(1)
    assert {world.person_of(*r) for r in right + typo + swap} == {person}
