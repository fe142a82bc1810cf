"""Ingestion against a real PostgreSQL: the sample delivery, idempotency, replacement, crash safety, GX."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
import pytest
from conftest import make_database

from tiemnang.quality import validate
from tiemnang.sources import ingest, layouts

SAMPLES = Path("/work/shared/samples/landing")
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


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample delivery not present")
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


def _delivery(root: Path, source: str, date: str, files: dict[str, str | bytes], ready: bool = True) -> Path:
    folder = root / source / date
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)
    if ready:
        (folder / "_READY").touch()
    return folder


def _persons(n: int, start: int = 1) -> str:
    return REGISTER_HEADER + "".join(
        f"{i},{1400000000 + i},,Người Số {i},1970-01,1,04105,\n" for i in range(start, start + n)
    )


def test_crash_mid_file_leaves_nothing_and_retry_loads(committed_db, tmp_path, monkeypatch):
    _delivery(tmp_path, "register", "2026-11-05", {"persons.csv": _persons(50)})
    original = layouts.LAYOUTS["persons"]
    calls = {"n": 0}

    def exploding(cells, ctx):
        calls["n"] += 1
        if calls["n"] == 30:
            raise RuntimeError("simulated crash")
        return original.convert(cells, ctx)

    monkeypatch.setitem(layouts.LAYOUTS, "persons", layouts.Layout(**{**original.__dict__, "convert": exploding}))
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
    _delivery(tmp_path, "register", "2026-11-08", {"persons.csv": _persons(4)})                # < 50 %
    _delivery(tmp_path, "register", "2026-11-09", {"persons.csv": _persons(3, 100)}, ready=False)
    counts = ingest(committed_db, "register", tmp_path, D)
    assert (counts["files_loaded"], counts["files_unchanged"], counts["files_quarantined"]) == (2, 1, 1)
    message = _rows(committed_db, "SELECT message FROM ops.file_log WHERE status = 'quarantined'")[0][0]
    assert message.startswith("thieu_cot") and "ma_so_bhxh" in message and "ma_xa" in message
    in_force = lambda d: _rows(committed_db, "SELECT path FROM stg.current_files(%s)", (d,))  # noqa: E731
    assert in_force(dt.date(2026, 11, 7)) == [("register/2026-11-05/persons.csv",)]
    assert in_force(D) == [("register/2026-11-08/persons.csv",)]
    result = validate(committed_db, "register", counts["file_ids"])
    assert result["hard_failed"] == 1 and "2026-11-08/persons.csv" in result["hard_failures"][0]
    assert _rows(committed_db, "SELECT count(*) FROM ops.dq_result WHERE NOT success AND severity = 'hard'")[0][0] == 1


def test_file_with_every_row_quarantined_is_a_hard_failure(committed_db, tmp_path):
    bad = REGISTER_HEADER + "1,,,,,1,99999,\n2,,,Ai Đó,,1,04105,\n"
    _delivery(tmp_path, "register", "2026-11-05", {"persons.csv": bad})
    counts = ingest(committed_db, "register", tmp_path, D)
    assert (counts["rows_read"], counts["rows_quarantined"]) == (2, 2)
    reasons = _rows(committed_db, "SELECT row_number, reasons FROM ops.quarantine ORDER BY row_number")
    assert reasons == [(2, ["thieu_ho_ten", "khong_dinh_danh", "ma_xa_khong_hop_le"]), (3, ["khong_dinh_danh"])]
    result = validate(committed_db, "register", counts["file_ids"])
    assert any("every_row_quarantined" in f for f in result["hard_failures"])
