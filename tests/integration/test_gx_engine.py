"""Great Expectations as the validation engine: the engine recorded per result, per-file counts, Data Docs."""

from __future__ import annotations

import datetime as dt
import json

import psycopg
import pytest
from conftest import delivery as _delivery

from tiemnang.monitor import render
from tiemnang.quality import gx_engine, validate, validation
from tiemnang.sources import ingest

D = dt.date(2026, 11, 20)
REGISTER_HEADER = "id_nguoi,ma_so_bhxh,so_ddcn,ho_ten,ngay_sinh,gioi_tinh,ma_xa,ma_ho\n"
COVERAGE_HEADER = "id_nguoi,loai,ma_doi_tuong,ma_don_vi,tu_ngay,den_ngay,phuong_thuc,muc_thu_nhap,thu_tu_trong_ho\n"
WAGES_HEADER = "ma_so_thue_don_vi,so_ddcn,ho_ten,ngay_sinh,ky,thu_nhap,loai_hop_dong\n"
WAGE = "1392723778-017,014072917648,Khoàng Văn Minh,17/03/1972,2026-07,{},{}\n"


@pytest.fixture
def db(committed_db, tmp_path, monkeypatch):
    """A database of its own; GX's results and Data Docs in this test's folder."""
    monkeypatch.setenv("TIEMNANG_GX_DIR", str(tmp_path / "gx"))
    return committed_db


def _rows(conninfo: str, query: str, params=()) -> list[tuple]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(query, params).fetchall()


def test_each_result_names_its_engine_and_the_data_docs_show_the_gx_run(db, tmp_path):
    persons = REGISTER_HEADER + "".join(f"{i},14000000{i:02},,Người {i},1970,1,04105,\n" for i in range(1, 6))
    coverage = COVERAGE_HEADER + "1,BHYT,HS,,2026-01-01,2026-12-31,2,,\n2,BHYT,HS,,2026-01-01,2026-12-31,,,\n"
    employers = "ma_don_vi,ma_so_thue,ten_don_vi,ma_xa\nDV1,0100109106,A,04105\n"
    _delivery(tmp_path / "landing", "register", "2026-11-05",
              {"persons.csv": persons, "coverage.csv": coverage, "employers.csv": employers})
    file_ids = ingest(db, "register", tmp_path / "landing", D)["file_ids"]
    out = validate(db, "register", file_ids)

    engines = dict(_rows(db, "SELECT suite, min(engine) FROM ops.dq_result GROUP BY suite HAVING count(DISTINCT engine) = 1"))
    assert engines == {"register.persons": "sql", "register.coverage": "great_expectations",
                       "register.employers": "great_expectations", "register.tep": "great_expectations"}
    assert validation.SQL_SUITES == {"persons"}
    assert out["engine_sql"] + out["engine_great_expectations"] == out["evaluated"] > out["engine_sql"] > 0
    # coverage's phuong_thuc 2 fails, by GX
    assert _rows(db, "SELECT engine, unexpected_count, element_count FROM ops.dq_result"
                     " WHERE NOT success AND column_name = 'phuong_thuc'") == [("great_expectations", 1, 2)]

    docs = gx_engine.docs_dir()
    assert docs == (tmp_path / "gx" / "docs").resolve() and gx_engine.docs_index().is_file()
    pages = sorted(p.relative_to(docs).as_posix() for p in docs.glob(f"validations/**/{out['run_id']}/**/*.html"))
    assert [".".join(p.split("/")[1:3]) for p in pages] == ["register.coverage", "register.employers", "register.tep"]
    index = gx_engine.docs_index().read_text(encoding="utf-8")
    assert all(p in index for p in pages)
    # BOOLEAN_ONLY results: no row values (personal identifiers) in the stored results or the pages
    stored = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "gx" / "results").rglob("*.json"))
    assert stored and "partial_unexpected_list" not in stored and "14000000" not in stored
    assert all("14000000" not in (docs / p).read_text(encoding="utf-8") for p in pages)


def test_files_validated_together_keep_their_own_counts_past_gx_listing_cap(db, tmp_path):
    # one batch of three wage files: more failing rows in the first than GX would list for the whole batch (20),
    # the second's one failing row comes after them, the third passes
    landing = tmp_path / "landing"
    _delivery(landing, "tax", "2026-11-05", {"wage_earners.csv": WAGES_HEADER + "".join(
        WAGE.format(1000 + i, "Y" if i >= 30 else "XD") for i in range(180))})
    _delivery(landing, "tax", "2026-11-06", {"wage_earners.csv": WAGES_HEADER + "".join(
        WAGE.format(1000 + i, "Y" if i == 9 else "KXD") for i in range(10))})
    _delivery(landing, "tax", "2026-11-07", {"wage_earners.csv": WAGES_HEADER + WAGE.format(5, "XD")})
    file_ids = ingest(db, "tax", landing, D)["file_ids"]
    assert len(file_ids) == 3
    out = validate(db, "tax", file_ids)
    assert out["engine_sql"] == 0
    found = _rows(db, "SELECT path, success, unexpected_count, element_count, engine FROM ops.dq_result"
                      " WHERE column_name = 'loai_hop_dong' AND expectation = 'expect_column_values_to_be_in_set'"
                      " ORDER BY path")
    assert found == [("tax/2026-11-05/wage_earners.csv", False, 150, 180, "great_expectations"),
                     ("tax/2026-11-06/wage_earners.csv", False, 1, 10, "great_expectations"),
                     ("tax/2026-11-07/wage_earners.csv", True, 0, 1, "great_expectations")]
    # one GX validation for the three files: one page of this run in the Data Docs
    pages = list(gx_engine.docs_dir().glob(f"validations/tax/wage_earners/{out['run_id']}/*/*.html"))
    assert len(pages) == 1 and "files_" in pages[0].name


def test_date_bounds_in_gx_row_queries_run_in_postgresql():
    query = "SELECT file_id FROM t WHERE d IS NOT NULL AND NOT (d >= datetime.date(1880, 1, 1) AND d <= datetime.date(2100, 12, 31));"
    assert gx_engine._executable(query) == (
        "SELECT file_id FROM t WHERE d IS NOT NULL AND NOT (d >= DATE '1880-01-01' AND d <= DATE '2100-12-31')")


def test_monitor_names_the_engine_and_links_the_data_docs():
    rows = [{"suite": "register.persons", "expectation": "expect_column_values_to_not_be_null", "column_name": "ho_ten",
             "success": False, "severity": "soft", "unexpected_count": 1, "element_count": 5, "path": "p",
             "checked_at": None, "engine": "sql"},
            {"suite": "register.tep", "expectation": "expect_column_values_to_be_in_set", "column_name": "x",
             "success": True, "severity": "hard", "unexpected_count": 0, "element_count": 1, "path": "p",
             "checked_at": None, "engine": None}]
    html = render.dq_table(rows, "/tiemnang/gx-docs/index.html")
    assert "Truy vấn SQL" in html and "Great Expectations</b>" not in html      # no claim of GX for SQL results
    assert '<a href="/tiemnang/gx-docs/index.html">' in html
    assert "Great Expectations</b>" in render.dq_table([{**rows[0], "engine": "great_expectations"}])
    assert "gx-docs" not in render.dq_table(rows)


def test_monitor_serves_the_data_docs_and_nothing_outside_them(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from tiemnang.monitor import app as monitor

    monkeypatch.setenv("TIEMNANG_GX_DIR", str(tmp_path / "gx"))
    (tmp_path / "gx" / "docs" / "static").mkdir(parents=True)
    (tmp_path / "gx" / "docs" / "index.html").write_text("<html>Data Docs</html>", encoding="utf-8")
    (tmp_path / "gx" / "secret.json").write_text(json.dumps({"k": 1}), encoding="utf-8")
    api = monitor.create_app()
    # the login itself is Airflow's (refused without it: tests/integration/test_plugin_monitor.py)
    api.dependency_overrides[monitor.require_user] = lambda: "canbo"
    client = TestClient(api)
    page = client.get("/gx-docs/index.html")
    assert page.status_code == 200 and "Data Docs" in page.text
    assert client.get("/gx-docs/").text == page.text
    for outside in ("/gx-docs/%2e%2e/secret.json", "/gx-docs/..%2Fsecret.json", "/gx-docs/static",
                    "/gx-docs/missing.html"):
        assert client.get(outside).status_code == 404, outside
