"""Ingestion against a real PostgreSQL: the sample delivery, idempotency, replacement, crash safety, GX."""

from __future__ import annotations

import datetime as dt

import psycopg
import psycopg.sql
import pytest
from conftest import delivery as _delivery
from conftest import make_database, shared_samples

from tiemnang.quality import validate
from tiemnang.sources import ingest, layouts

SAMPLES = shared_samples()
D = dt.date(2026, 11, 20)
REGISTER_HEADER = "id_nguoi,ma_so_bhxh,so_ddcn,ho_ten,ngay_sinh,gioi_tinh,ma_xa,ma_ho\n"


@pytest.fixture(scope="module")
def module_db(pg_cluster):
    """One committed database for this module (creating one per test costs seconds on the shared cluster)."""
    conninfo, drop = make_database("tiemnang_ingest")
    yield conninfo
    drop()


@pytest.fixture
def committed_db(module_db):
    """The module database emptied of ingest state before each test."""
    with psycopg.connect(module_db, autocommit=True) as conn:
        conn.execute("TRUNCATE ops.file_log, ops.quarantine, ops.dq_result, stg.persons, stg.coverage, stg.employers,"
                     " stg.enterprises, stg.household_businesses, stg.wage_earners, stg.schools, stg.students,"
                     " stg.welfare RESTART IDENTITY")
    return module_db


def _rows(conninfo: str, query: str, params=()) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(query, params).fetchall()


def _conservation(conninfo: str) -> None:
    bad = _rows(conninfo, """
        SELECT f.path FROM ops.file_log f
        LEFT JOIN LATERAL (SELECT count(*) n FROM ops.quarantine q WHERE q.file_id = f.file_id
                           AND q.row_number IS NOT NULL) q ON true
        WHERE f.rows_read <> f.rows_accepted + f.rows_quarantined OR (f.status = 'loaded' AND q.n <> f.rows_quarantined)
    """)
    assert bad == []


def test_sample_delivery_loads_every_row_once(committed_db):
    totals = {s: ingest(committed_db, s, SAMPLES, D) for s in ("register", "tax", "schools", "welfare")}
    for counts in totals.values():
        assert counts["rows_read"] == counts["rows_accepted"] + counts["rows_quarantined"]
        assert counts["files_seen"] == counts["files_loaded"] + counts["files_unchanged"] + counts["files_quarantined"]
    assert totals["register"]["files_unchanged"] == 2                  # persons.csv re-delivered byte-identical
    _conservation(committed_db)
    status = dict(_rows(committed_db, "SELECT path, status || coalesce(':' || split_part(message, ':', 1), '') FROM ops.file_log"))
    assert status["schools/2026-11-11/79347116.xlsx"] == "quarantined:tep_hong"
    assert status["welfare/2026-11-12/04105_ho_ngheo_bo_sung.csv"] == "quarantined:thieu_cot"
    assert not any(p.startswith("schools/2026-11-19/") for p in status)  # no _READY yet
    # where particular rows ended
    q = dict(((p, n), r) for p, n, r in _rows(committed_db, "SELECT path, row_number, reasons FROM ops.quarantine"))
    assert q[("schools/2026-11-07/14223432.xlsx", 9)] == ["thieu_ho_ten"]       # Excel row 9
    assert q[("welfare/2026-11-08/25882_nong_lam_ngu_diem_nghiep.csv", 13)] == ["trung_lap"]  # CSV record 13
    student = _rows(committed_db, "SELECT ma_so_bhxh, ma_so_bhxh_tin_cay, canh_bao FROM stg.students s JOIN ops.file_log f"
                                  " USING (file_id) WHERE f.path = 'schools/2026-11-07/14223432.xlsx' AND dong = 11")
    assert student == [("1442918560", True, ["ma_the_trong_cot_bhxh"])]
    names = {n for (n,) in _rows(committed_db, "SELECT ho_ten FROM stg.welfare")}
    assert "Trần Quang Đức" in names                                            # cp1258 decomposed → NFC
    assert all(n == __import__("unicodedata").normalize("NFC", n) for n in names)
    # a second run changes nothing
    again = ingest(committed_db, "welfare", SAMPLES, D)
    assert again["files_already_done"] == again["files_seen"] and again["rows_read"] == 0
    result = validate(committed_db, "welfare", totals["welfare"]["file_ids"])
    assert result["evaluated"] > 0 and result["hard_failures"] == []


def _persons(n: int, start: int = 1) -> str:
    return REGISTER_HEADER + "".join(
        f"{i},{1400000000 + i},,Người Số {i},1970-01,1,04105,\n" for i in range(start, start + n)
    )


def test_crash_mid_file_leaves_nothing_and_retry_loads(committed_db, tmp_path, monkeypatch):
    _delivery(tmp_path, "register", "2026-11-05", {"persons.csv": _persons(50)})
    original = layouts.LAYOUTS["persons"]
    calls = {"n": 0}

    def explode_at_30():
        calls["n"] += 1
        if calls["n"] == 30:
            raise RuntimeError("simulated crash")

    def exploding(cells, ctx):
        explode_at_30()
        return original.convert(cells, ctx)

    def exploding_fast(cells, ctx):  # the rows of this file take the fast path: the crash comes mid-COPY either way
        explode_at_30()
        return original.fast(cells, ctx)

    monkeypatch.setitem(layouts.LAYOUTS, "persons", layouts.Layout(
        **{**original.__dict__, "convert": exploding, "fast": exploding_fast}))
    with pytest.raises(RuntimeError, match="simulated crash"):
        ingest(committed_db, "register", tmp_path, D)
    assert _rows(committed_db, "SELECT count(*) FROM ops.file_log")[0][0] == 0
    assert _rows(committed_db, "SELECT count(*) FROM stg.persons")[0][0] == 0
    monkeypatch.setitem(layouts.LAYOUTS, "persons", original)
    first = ingest(committed_db, "register", tmp_path, D)
    assert (first["files_loaded"], first["rows_accepted"]) == (1, 50)
    second = ingest(committed_db, "register", tmp_path, D)
    assert second["files_already_done"] == 1 and second["rows_read"] == 0
    assert _rows(committed_db, "SELECT count(*) FROM stg.persons")[0][0] == 50


def test_replacement_rules_and_snapshot_drop(committed_db, tmp_path):
    _delivery(tmp_path, "register", "2026-11-05", {"persons.csv": _persons(10)})
    _delivery(tmp_path, "register", "2026-11-06", {"persons.csv": _persons(10)})               # identical
    _delivery(tmp_path, "register", "2026-11-07", {"persons.csv": "id_nguoi,ho_ten\n1,A\n"})   # misses columns
    _delivery(tmp_path, "register", "2026-11-08", {"persons.csv": _persons(4)})                # < 50 %: refused
    _delivery(tmp_path, "register", "2026-11-09", {"persons.csv": _persons(3, 100)}, ready=False)
    counts = ingest(committed_db, "register", tmp_path, D)
    assert (counts["files_loaded"], counts["files_unchanged"], counts["files_quarantined"]) == (1, 1, 2)
    messages = [m for (m,) in _rows(committed_db, "SELECT message FROM ops.file_log WHERE status = 'quarantined'"
                                                  " ORDER BY delivery_date")]
    assert messages[0].startswith("thieu_cot") and "ma_so_bhxh" in messages[0] and "ma_xa" in messages[0]
    assert messages[1].startswith("ban_chup_thu_hep: 4 rows accepted against 10")
    in_force = lambda d: _rows(committed_db, "SELECT path FROM stg.current_files(%s)", (d,))  # noqa: E731
    assert in_force(dt.date(2026, 11, 7)) == [("register/2026-11-05/persons.csv",)]
    assert in_force(D) == [("register/2026-11-05/persons.csv",)]
    assert _rows(committed_db, "SELECT count(*) FROM stg.persons")[0][0] == 10
    result = validate(committed_db, "register", counts["file_ids"])
    assert result["hard_failed"] == 0


def test_file_with_every_row_quarantined_is_quarantined_as_a_file(committed_db, tmp_path):
    bad = REGISTER_HEADER + "1,,,,,1,99999,\n2,,,Ai Đó,,1,04105,\n"
    _delivery(tmp_path, "register", "2026-11-05", {"persons.csv": bad})
    counts = ingest(committed_db, "register", tmp_path, D)
    assert (counts["rows_read"], counts["rows_quarantined"], counts["files_quarantined"]) == (2, 2, 1)
    reasons = _rows(committed_db, "SELECT row_number, reasons FROM ops.quarantine ORDER BY row_number NULLS FIRST")
    assert reasons == [(None, ["khong_co_dong_hop_le"]), (2, ["thieu_ho_ten", "khong_dinh_danh", "ma_xa_khong_hop_le"]),
                       (3, ["khong_dinh_danh"])]
    assert _rows(committed_db, "SELECT status, rows_read, rows_accepted, rows_quarantined FROM ops.file_log") == [
        ("quarantined", 2, 0, 2)]
    assert _rows(committed_db, "SELECT count(*) FROM stg.current_files(%s)", (D,)) == [(0,)]
    assert validate(committed_db, "register", counts["file_ids"])["files"] == 0


def _snapshot(conninfo: str) -> dict[str, list]:
    """Everything ingestion wrote, with files named by path (file ids are compared apart)."""
    out = {}
    for table in ("stg.persons", "stg.coverage", "stg.employers", "ops.quarantine"):
        schema, name = table.split(".")
        query = psycopg.sql.SQL("SELECT f.path, (to_jsonb(t) - 'file_id' - 'quarantine_id' - 'created_at')::text"
                                " FROM {} t JOIN ops.file_log f USING (file_id)").format(psycopg.sql.Identifier(schema, name))
        out[table] = sorted(_rows(conninfo, query))
    out["ops.file_log"] = sorted(_rows(conninfo, "SELECT (to_jsonb(f) - 'file_id' - 'loaded_at')::text FROM ops.file_log f"))
    return out


def test_large_files_in_worker_processes_load_as_one_by_one(committed_db, tmp_path, monkeypatch):
    from tiemnang.sources import loader

    coverage = ("id_nguoi,loai,ma_doi_tuong,ma_don_vi,tu_ngay,den_ngay,phuong_thuc,muc_thu_nhap,thu_tu_trong_ho\n"
                + "".join(f"{i},BHYT,HS,,2026-01-01,2026-12-31,12,,\n" for i in range(1, 40)) + "x,?,,,,,,,\n" * 3)
    employers = "ma_don_vi,ma_so_thue,ten_don_vi,ma_xa\nDV1,0100109106,Công ty A,04105\n"
    _delivery(tmp_path, "register", "2026-11-05", {"persons.csv": _persons(60) + _persons(2),  # a header row, 2 duplicates
                                                   "coverage.csv": coverage, "employers.csv": employers})
    _delivery(tmp_path, "register", "2026-11-06", {"persons.csv": _persons(60) + _persons(2),  # unchanged
                                                   "coverage.csv": "id_nguoi;loai\n1;BHYT\n",  # rejected whole
                                                   "employers.csv": employers})
    monkeypatch.setattr(loader, "_LARGE_BYTES", 0)          # every CSV counts as large: worker processes
    parallel = ingest(committed_db, "register", tmp_path, D)
    in_workers = _snapshot(committed_db)
    ids_in_workers = _rows(committed_db, "SELECT file_id, path FROM ops.file_log ORDER BY file_id")
    committed_db = committed_db_reset(committed_db)
    monkeypatch.setattr(loader, "_LARGE_BYTES", 1 << 62)    # one by one in this process
    serial = ingest(committed_db, "register", tmp_path, D)
    assert {k: v for k, v in parallel.items() if k != "file_ids"} == {k: v for k, v in serial.items() if k != "file_ids"}
    assert parallel["files_loaded"] == 3 and parallel["files_unchanged"] == 2 and parallel["files_quarantined"] == 1
    assert _snapshot(committed_db) == in_workers
    # ids follow the delivery order as one by one, except after a file a worker had to quarantine whole
    serial_ids = _rows(committed_db, "SELECT file_id, path FROM ops.file_log ORDER BY file_id")
    assert [p for _, p in ids_in_workers[:3]] == [p for _, p in serial_ids[:3]]
    assert [i for i, _ in ids_in_workers[:3]] == [i for i, _ in serial_ids[:3]]


def committed_db_reset(conninfo: str) -> str:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("TRUNCATE ops.file_log, ops.quarantine, ops.dq_result, stg.persons, stg.coverage, stg.employers"
                     " RESTART IDENTITY")
    return conninfo


def _validated_in_sql_and_by_gx(conninfo: str, source: str, file_ids: list[int], monkeypatch) -> list[tuple]:
    """Validate `file_ids` with every suite in the SQL fallback, then with GX alone; assert both store and return
    the same, each under its own engine, and return the stored results (ops.dq_result is left empty)."""
    from tiemnang.quality import suites, validation

    query = ("SELECT suite, path, expectation, column_name, success, severity, unexpected_count, element_count,"
             " details::text FROM ops.dq_result ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9")
    engines = "SELECT DISTINCT engine FROM ops.dq_result"
    runs = {}
    for engine, kinds in (("sql", frozenset(suites.SUITES) | {"tep"}), ("great_expectations", frozenset())):
        with monkeypatch.context() as patch:
            patch.setattr(validation, "SQL_SUITES", kinds)
            counts = validate(conninfo, source, file_ids)
        runs[engine] = _rows(conninfo, query), counts
        assert _rows(conninfo, engines) == [(engine,)]
        assert counts[f"engine_{engine}"] == counts["evaluated"] > 0
        _rows(conninfo, "DELETE FROM ops.dq_result RETURNING 1")
    (by_sql, in_sql), (by_gx, in_gx) = runs["sql"], runs["great_expectations"]
    assert by_gx == by_sql
    same = {"run_id", "engine_sql", "engine_great_expectations"}
    assert {k: v for k, v in in_sql.items() if k not in same} == {k: v for k, v in in_gx.items() if k not in same}
    return by_sql


def test_register_checks_in_sql_give_the_results_of_great_expectations(committed_db, tmp_path, monkeypatch):

    persons = REGISTER_HEADER + ("1,1400000001,,Người Một,1970-01,1,04105,\n"
                                 "1,1400000002,,Người Hai,1971,2,04105,\n"        # id_nguoi repeated
                                 "2,1400000003,,Người Ba,,x,04105,\n"              # no birth date, sex unreadable
                                 "3,,,Người Bốn,1880-01-01,Nam,04105,\n")
    coverage = ("id_nguoi,loai,ma_doi_tuong,ma_don_vi,tu_ngay,den_ngay,phuong_thuc,muc_thu_nhap,thu_tu_trong_ho\n"
                "1,BHYT,HS,,2026-01-01,2025-12-31,2,,\n"       # ends before it starts; paid every 2 months
                "2,BHXH_BB,,DV1,,2026-12-31,12,5000000,\n"     # no start
                "3,BHXH_TN,,,2026-01-01,,,,\n")
    employers = "ma_don_vi,ma_so_thue,ten_don_vi,ma_xa\nDV1,0100109106,A,04105\nDV1,0100109106-001,B,04105\n"
    _delivery(tmp_path, "register", "2026-11-05", {"persons.csv": persons, "coverage.csv": coverage,
                                                   "employers.csv": employers})
    _delivery(tmp_path, "register", "2026-11-06", {"persons.csv": _persons(1),                      # < 50 %
                                                   "employers.csv": "ma_don_vi,ma_so_thue,ten_don_vi,ma_xa\n,1,,\n"})
    _delivery(tmp_path, "register", "2026-11-07", {"persons.csv": REGISTER_HEADER + "x,,,,,,,\n",   # no rows staged
                                                   "coverage.csv": coverage.splitlines()[0] + "\nx,?,,,,,,,\n"})
    file_ids = ingest(committed_db, "register", tmp_path, D)["file_ids"]
    # all files (coverage: two files in one batch), then one file alone; the last delivery's files, whose only rows
    # are quarantined, are refused as files (khong_co_dong_hop_le) and not validated
    by_sql = _validated_in_sql_and_by_gx(committed_db, "register", file_ids, monkeypatch)
    failed = {(e, c) for _s, _p, e, c, ok, *_ in by_sql if not ok}
    _validated_in_sql_and_by_gx(committed_db, "register", file_ids[:1], monkeypatch)
    assert failed >= {("expect_column_values_to_be_unique", "id_nguoi"), ("expect_column_values_to_be_unique", "ma_don_vi"),
                      ("expect_column_pair_values_a_to_be_greater_than_b", "den_ngay,tu_ngay"),
                      ("expect_column_values_to_be_in_set", "phuong_thuc"),
                      ("expect_column_values_to_not_be_null", "tu_ngay")}


def test_tax_checks_in_sql_give_the_results_of_great_expectations(committed_db, tmp_path, monkeypatch):
    from tiemnang.quality import results, suites

    kinds = ("enterprises", "household_businesses", "wage_earners")
    enterprises = "ma_so_thue,ten_doanh_nghiep,loai_hinh,ma_xa,dia_chi,ngay_thanh_lap,trang_thai,so_lao_dong,ky\n"
    households = ("ma_so_thue,ho_ten_chu_ho,so_ddcn,ngay_sinh,gioi_tinh,ma_xa,dia_chi_kinh_doanh,nganh_nghe,"
                  "doanh_thu_nam,phuong_phap\n")
    wages = "ma_so_thue_don_vi,so_ddcn,ho_ten,ngay_sinh,ky,thu_nhap,loai_hop_dong\n"
    household = "014183386866,Nguyễn Mai Như,014183386866,15/08/1983,Nữ,03784,Bản Phiêng Pằn,Ăn uống,{},{}\n"
    wage = "1392723778-017,014072917648,Khoàng Văn Minh,17/03/1972,2026-07,{},{}\n"
    _delivery(tmp_path, "tax", "2026-11-05", {
        "enterprises.csv": enterprises + "".join(
            f"0100109106-{i:03},Công ty {i},{'XX' if i % 3 == 0 else 'NQD'},04105,,01/01/2020,00,{i},2026-09\n"
            for i in range(1, 31)),
        "household_businesses.csv": households + "".join(
            household.format(1000 + i, "KHOAN" if i % 4 else "X") for i in range(10)),
        # more failing rows than GX lists by default (20, for a whole batch): the next file keeps its own verdict
        "wage_earners.csv": wages + "".join(
            (wage if i % 7 else wage.replace("1392723778-017", "13927237")).format(1000 + i, "XD" if i % 9 else "Y")
            for i in range(200))})
    _delivery(tmp_path, "tax", "2026-11-06", {
        "enterprises.csv": enterprises,                                                  # no rows
        "wage_earners.csv": wages + wage.format(5, "Y") + wage.format(6, "XD")})
    _delivery(tmp_path, "tax", "2026-11-07", {
        # no rows: a file whose only row is quarantined is refused as a whole (khong_co_dong_hop_le), one without
        # rows is an empty list and is validated
        "household_businesses.csv": households})
    file_ids = ingest(committed_db, "tax", tmp_path, D)["file_ids"]
    assert len(file_ids) == 6
    # values the row rules never stage (they quarantine or normalise them), and the bounds themselves, set directly
    person = psycopg.sql.SQL(
        "ho_ten = CASE WHEN dong = 3 THEN NULL ELSE ho_ten END,"
        " so_ddcn = CASE WHEN dong = 4 THEN '01418338686' ELSE so_ddcn END, so_ddcn_tin_cay = so_ddcn_tin_cay OR dong = 4,"
        " ngay_sinh = CASE WHEN dong = 5 THEN '83' ELSE ngay_sinh END,"
        " ngay_sinh_dau = CASE WHEN dong = 6 THEN {} WHEN dong = 7 THEN NULL WHEN dong = 9 THEN {} ELSE ngay_sinh_dau END")
    with psycopg.connect(committed_db, autocommit=True) as conn:
        conn.execute("UPDATE stg.enterprises SET ma_so_thue = CASE WHEN dong = 3 THEN '0100' ELSE ma_so_thue END,"
                     " ma_xa = CASE WHEN dong = 4 THEN '99999' ELSE ma_xa END,"
                     " so_lao_dong = CASE WHEN dong = 5 THEN -1 WHEN dong = 6 THEN NULL WHEN dong = 8 THEN 0"
                     " ELSE so_lao_dong END, ky = CASE WHEN dong = 7 THEN '2026-9' ELSE ky END")
        conn.execute(psycopg.sql.SQL(
            "UPDATE stg.household_businesses SET {}, gioi_tinh = CASE WHEN dong = 8 THEN 3 ELSE gioi_tinh END,"
            " ma_xa = CASE WHEN dong = 10 THEN '99999' ELSE ma_xa END,"
            " ma_so_thue = CASE WHEN dong = 2 THEN '0100109106-01' ELSE ma_so_thue END"
        ).format(person.format(dt.date(2101, 1, 1), dt.date(2100, 12, 31))))
        conn.execute(psycopg.sql.SQL("UPDATE stg.wage_earners SET {}, ky = CASE WHEN dong = 8 THEN '2026/07' ELSE ky END")
                     .format(person.format(dt.date(1879, 12, 31), dt.date(1880, 1, 1))))
    # all files (two files of each kind in one batch), then each delivery alone (a file without rows alone)
    deliveries = [file_ids[:3], file_ids[3:5], file_ids[5:]]
    failed, failed_in = set(), set()
    for ids in (file_ids, *deliveries):
        by_sql = _validated_in_sql_and_by_gx(committed_db, "tax", ids, monkeypatch)
        failed |= {(s, e, c) for s, _p, e, c, ok, *_ in by_sql if not ok}
        failed_in |= {(p, c) for _s, p, _e, c, ok, *_ in by_sql if not ok}
    # every row check of the three suites failed somewhere (the columns exist in every staged file)
    assert failed >= {(f"tax.{kind}", results.key(t, kwargs)[0], kwargs["column"])
                      for kind in kinds
                      for t, kwargs, _severity in suites.SUITES[kind] if t != "ExpectColumnToExist"}
    assert ("tax.tep", "expect_column_values_to_be_between", "ty_le_so_voi_lan_truoc") in failed
    assert ("tax/2026-11-06/wage_earners.csv", "loai_hop_dong") in failed_in


def test_duplicates_are_found_in_a_large_file(committed_db, tmp_path):
    # past the rows whose digest prefixes are compared without numpy
    _delivery(tmp_path, "register", "2026-11-05", {"persons.csv": _persons(1500) + _persons(1).splitlines()[1] + "\n"})
    counts = ingest(committed_db, "register", tmp_path, D)
    assert (counts["rows_accepted"], counts["rows_quarantined"]) == (1500, 1)
    assert _rows(committed_db, "SELECT row_number, reasons, raw->>'trung_voi_dong' FROM ops.quarantine") == [
        (1502, ["trung_lap"], "2")]


def _messy_register_files(n: int = 400) -> dict[str, str]:
    """Register rows as written and with odd cells (CSV quoting, spacing, NFD, bad IDs and dates), seeded."""
    import random

    rng = random.Random(7)
    persons_cells = [
        ["1", "2", "9" * 18, "", " 3", "3.0", "x"],
        ["0100048272", "", "010004827", " 0100048272", "0100.048.272", "HS4010120878811"],
        ["001062192259", "001162402966", "", "00106219225", "001-062-192-259", "097062192259", "001962192259"],
        ["Phan Thành Long", "Lò Văn A", "", "  Lò  Văn A ", "\"Nguyễn, Văn\"", "Le\u0301 Văn", "Ngô\u00a0Hoa"],
        ["1962-11-22", "1962-11", "1962", "", "22/11/1962", "1962-02-30", "x", "1879"],
        ["1", "2", "", "Nam", "Nữ", "3"],
        ["10210", "04105", "99999", "", " 04105"],
        ["0100007920", "", " Hộ  1 "],
    ]
    coverage_cells = [
        ["1", "2", "", "x", " 4"],
        ["BHYT", "BHXH_BB", "BHXH_TN", "bhyt", " BHYT", "X"],
        ["HT", "", "gb", " H T "],
        ["", "DV1", " dv  1 "],
        ["2022-01-01", "", "1962-11", "31/12/2022", "2022-02-30"],
        ["2022-12-31", "", "x"],
        ["", "1", "3", "12", "2", "01", "1.0"],
        ["", "5000000", "5.000.000", "x", "-5"],
        ["", "1", "9999", "01", "x"],
    ]

    def rows(cells, header):
        body = [",".join(rng.choice(column) if rng.random() < 0.3 else column[0] for column in cells) for _ in range(n)]
        return header + "\n".join([*body, body[3], body[4]]) + "\n"  # two exact duplicates

    return {"persons.csv": rows(persons_cells, REGISTER_HEADER),
            "coverage.csv": rows(coverage_cells, "id_nguoi,loai,ma_doi_tuong,ma_don_vi,tu_ngay,den_ngay,phuong_thuc,"
                                                 "muc_thu_nhap,thu_tu_trong_ho\n")}


def test_fast_paths_and_binary_copy_stage_what_the_full_rules_and_text_copy_stage(committed_db, tmp_path, monkeypatch):
    _delivery(tmp_path, "register", "2026-11-05", _messy_register_files())
    fast = ingest(committed_db, "register", tmp_path, D)
    with_fast = _snapshot(committed_db)
    assert fast["rows_warned"] > 0 and fast["rows_quarantined"] > 2   # the files meet the full rules too
    committed_db_reset(committed_db)
    for kind in ("persons", "coverage", "employers"):
        monkeypatch.setitem(layouts.LAYOUTS, kind, layouts.Layout(
            **{**layouts.LAYOUTS[kind].__dict__, "fast": None, "binary_copy": False}))
    full = ingest(committed_db, "register", tmp_path, D)
    assert {k: v for k, v in fast.items() if k != "file_ids"} == {k: v for k, v in full.items() if k != "file_ids"}
    assert _snapshot(committed_db) == with_fast


def test_a_number_beyond_its_column_is_a_warning_not_a_crash(committed_db, tmp_path):
    # 99999 does not fit the smallint column: the row is accepted with the number empty and a warning
    # (before issue #15 the binary COPY fell back to text, which failed the whole chain)
    coverage = ("id_nguoi,loai,ma_doi_tuong,ma_don_vi,tu_ngay,den_ngay,phuong_thuc,muc_thu_nhap,thu_tu_trong_ho\n"
                "1,BHYT,HS,,2026-01-01,,,,1\n2,BHYT,HS,,2026-01-01,,,,99999\n")
    _delivery(tmp_path, "register", "2026-11-05", {"coverage.csv": coverage})
    ingest(committed_db, "register", tmp_path, D)
    assert _rows(committed_db, "SELECT id_nguoi, thu_tu_trong_ho, canh_bao FROM stg.coverage ORDER BY 1") == [
        (1, 1, []), (2, None, ["so_vuot_gioi_han"])]
