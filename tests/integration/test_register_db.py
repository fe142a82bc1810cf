"""The register read from the `bhxh_register` database lands as an ordinary delivery and loads like files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import psycopg
import pytest
from conftest import shared_samples

from tiemnang import localpg
from tiemnang.sources import ingest
from tiemnang.sources.register_db import extract_if_configured, extract_snapshot

SAMPLE = shared_samples() / "register" / "2026-11-21"
DDL = """
CREATE TABLE persons (id_nguoi bigint, ma_so_bhxh text, so_ddcn text, ho_ten text, ngay_sinh text,
                      gioi_tinh smallint, ma_xa text, ma_ho text);
CREATE TABLE coverage (id_nguoi bigint, loai text, ma_doi_tuong text, ma_don_vi text, tu_ngay date,
                       den_ngay date, phuong_thuc smallint, muc_thu_nhap numeric, thu_tu_trong_ho smallint);
CREATE TABLE employers (ma_don_vi text, ma_so_thue text, ten_don_vi text, ma_xa text);
"""


@pytest.fixture
def register_db(pg_cluster):
    name = "bhxh_register_test"
    conninfo = localpg.create_database(name)
    with psycopg.connect(conninfo) as conn:
        conn.execute(DDL)
        for view in ("persons", "coverage", "employers"):
            with open(SAMPLE / f"{view}.csv", "rb") as f, conn.cursor().copy(
                    f"COPY {view} FROM STDIN (FORMAT csv, HEADER true)") as copy:
                copy.write(f.read())
    yield conninfo
    localpg.drop_database(name)


def _records(path: Path) -> int:
    return sum(1 for _ in path.open(encoding="utf-8")) - 1


def test_snapshot_lands_and_loads(register_db, committed_db, tmp_path):
    day = dt.date(2026, 11, 23)
    first = extract_snapshot(register_db, tmp_path, day)
    folder = tmp_path / "register" / day.isoformat()
    assert first["extracted"] and (folder / "_READY").exists()
    for view in ("persons", "coverage", "employers"):
        assert _records(folder / f"{view}.csv") == _records(SAMPLE / f"{view}.csv")
    assert extract_snapshot(register_db, tmp_path, day)["extracted"] is False  # the delivery is not rewritten

    counts = ingest(committed_db, "register", tmp_path, day)
    expected = sum(_records(SAMPLE / f"{v}.csv") for v in ("persons", "coverage", "employers"))
    assert counts["files_loaded"] == 3
    assert counts["rows_read"] == expected == counts["rows_accepted"] + counts["rows_quarantined"]
    with psycopg.connect(committed_db) as conn:
        assert conn.execute("SELECT count(*) FROM stg.persons").fetchone()[0] == _records(SAMPLE / "persons.csv")


def test_only_tonight_is_extracted(register_db, tmp_path, monkeypatch):
    uri = "postgresql://{user}@{host}:{port}/{dbname}".format(**dict(p.split("=") for p in register_db.split()))
    monkeypatch.setenv("AIRFLOW_CONN_BHXH_REGISTER", uri)
    backfill = extract_if_configured(tmp_path, dt.date(2026, 11, 13), today=dt.date(2026, 11, 23))
    assert backfill["extracted"] is False and "backfill" in backfill["reason"]
    assert not (tmp_path / "register").exists()
    tonight = extract_if_configured(tmp_path, dt.date(2026, 11, 23), today=dt.date(2026, 11, 23))
    assert tonight["extracted"] is True
    shutil.rmtree(tmp_path / "register")
    monkeypatch.delenv("AIRFLOW_CONN_BHXH_REGISTER")
    assert extract_if_configured(tmp_path, dt.date(2026, 11, 23), today=dt.date(2026, 11, 23))["extracted"] is False


def test_the_ledger_view_is_extracted_when_the_register_has_one(register_db, committed_db, tmp_path):
    unit = (SAMPLE / "employers.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    with psycopg.connect(register_db) as conn:
        conn.execute("CREATE TABLE contributions (ma_don_vi text, ky text, phai_dong bigint, da_dong bigint)")
        conn.execute("INSERT INTO contributions VALUES (%s, '2026-08', 1000, 0), (%s, '2026-09', 1000, 1000)",
                     (unit, unit))
    day = dt.date(2026, 11, 23)
    assert extract_snapshot(register_db, tmp_path, day)["extracted"]
    assert _records(tmp_path / "register" / day.isoformat() / "contributions.csv") == 2
    counts = ingest(committed_db, "register", tmp_path, day)
    assert counts["files_loaded"] == 4
    with psycopg.connect(committed_db) as conn:
        assert conn.execute("SELECT ky, phai_dong, da_dong FROM stg.contributions ORDER BY ky").fetchall() == [
            ("2026-08", 1000, 0), ("2026-09", 1000, 1000)]
