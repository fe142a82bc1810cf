"""Lists of D are built from complete, current data or not at all (issue #21), on a real warehouse."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import psycopg
import pytest
from conftest import delivery

from tiemnang.orchestration.weekly import (
    IngestsNotFinished,
    SourcesIncomplete,
    await_ingests,
    ensure_dates_built,
    ensure_lists_built,
    ingests_pending,
    record_ingest,
)
from tiemnang.publish import publish_province
from tiemnang.reference import geography
from tiemnang.sources import ingest, registry
from tiemnang_tools.generate import generate

D = dt.date(2026, 11, 13)
SOURCES = registry.NAMES
WELFARE_HEADER = "STT,HỌ VÀ TÊN,NGÀY SINH,GIỚI TÍNH,SỐ ĐỊNH DANH CÁ NHÂN,MÃ HỘ,ĐỐI TƯỢNG\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(out=out, persons=150, seed=3, communes=2)
    return out / "landing"


def _landing(world: Path, tmp_path: Path, *sources: str) -> Path:
    root = tmp_path / "landing"
    for source in sources:
        shutil.copytree(world / source, root / source)
    return root


def _ingest(conninfo: str, root: Path, *sources: str, as_of: dt.date = D) -> None:
    for source in sources:
        ingest(conninfo, source, root, as_of)
        record_ingest(conninfo, source, as_of, 0)


def _built(conninfo: str, d: dt.date = D) -> tuple | None:
    with psycopg.connect(conninfo) as conn:
        return conn.execute("SELECT tep_dung, nguon, built_at FROM lists.build WHERE ngay_tham_chieu = %s",
                            (d,)).fetchone()


def _list_rows(conninfo: str, d: dt.date = D) -> int:
    with psycopg.connect(conninfo) as conn:
        return conn.execute("SELECT count(*) FROM lists.tiem_nang WHERE ngay_tham_chieu = %s", (d,)).fetchone()[0]


def test_an_empty_warehouse_is_never_a_list(committed_db):
    with pytest.raises(SourcesIncomplete, match="register: no file in force.*welfare: no file in force"):
        ensure_lists_built(committed_db, D)
    assert _built(committed_db) is None and _list_rows(committed_db) == 0


def test_a_missing_register_is_refused_even_with_every_other_source(committed_db, world, tmp_path):
    root = _landing(world, tmp_path, "tax", "schools", "welfare")
    _ingest(committed_db, root, "tax", "schools", "welfare")
    with pytest.raises(SourcesIncomplete, match="register: no file in force") as refused:
        ensure_lists_built(committed_db, D)
    assert "tax" not in str(refused.value)
    assert _built(committed_db) is None


def test_an_empty_register_snapshot_is_refused(committed_db, world, tmp_path):
    root = _landing(world, tmp_path, "tax", "schools", "welfare")
    delivery(root, "register", "2026-11-12", {
        "persons.csv": "id_nguoi,ma_so_bhxh,so_ddcn,ho_ten,ngay_sinh,gioi_tinh,ma_xa,ma_ho\n",
        "coverage.csv": "id_nguoi,loai,ma_doi_tuong,ma_don_vi,tu_ngay,den_ngay,phuong_thuc,muc_thu_nhap,thu_tu_trong_ho\n",
        "employers.csv": "ma_don_vi,ma_so_thue,ten_don_vi,ma_xa\n",
    })
    _ingest(committed_db, root, *SOURCES)
    with pytest.raises(SourcesIncomplete, match="register: (the persons file in force has no accepted row|no persons)"):
        ensure_lists_built(committed_db, D)
    assert _built(committed_db) is None


def test_build_records_its_files_skips_when_current_and_rebuilds_after_a_late_delivery(committed_db, world, tmp_path):
    root = _landing(world, tmp_path, *SOURCES)
    _ingest(committed_db, root, *SOURCES)

    first = ensure_lists_built(committed_db, D)
    assert first["built_now"] and first["reason"] == "not built yet"
    files, sources, built_at = _built(committed_db)
    with psycopg.connect(committed_db) as conn:
        in_force = [r[0] for r in conn.execute(
            "SELECT file_id FROM stg.current_files(%(d)s) UNION SELECT file_id FROM ops.file_log"
            " WHERE kind = 'school_directory' AND status = 'loaded' AND delivery_date <= %(d)s ORDER BY 1",
            {"d": D})]
    assert files == in_force
    assert set(sources) == set(SOURCES)
    assert all(dt.date.fromisoformat(s["latest_delivery"]) <= D for s in sources.values())
    assert sources["register"]["rows"]["persons"] > 0
    rows_before = _list_rows(committed_db)
    commune = next(iter(sorted((root / "welfare").glob("*/*.*")))).name[:5]
    ma_tinh = geography.province_of(commune)
    published_before = publish_province(committed_db, ma_tinh, D)["tiem_nang"]

    # the same files in force: nothing rebuilt, the lists and their record stay as they were
    again = ensure_lists_built(committed_db, D)
    assert again["built_now"] is False
    assert _built(committed_db)[2] == built_at

    # a late welfare list dated ≤ D, of people the register does not know: the build is stale, rebuilt,
    # and publishing D again (what re-running the publication does after these steps) shows them
    people = "".join(f"{i},Người Mới {i},01/01/19{50 + i},Nam,,{commune}-9{i},HN\n" for i in range(1, 4))
    delivery(root, "welfare", "2026-11-12", {f"{commune}_ho_ngheo_bo_sung.csv": WELFARE_HEADER + people})
    _ingest(committed_db, root, "welfare")
    rebuilt = ensure_lists_built(committed_db, D)
    assert rebuilt["built_now"] and rebuilt["reason"].startswith("stale")
    files_after, sources_after, built_at_after = _built(committed_db)
    assert set(files_after) > set(files) and built_at_after > built_at
    assert sources_after["welfare"]["latest_delivery"] == "2026-11-12"
    assert _list_rows(committed_db) > rows_before
    assert publish_province(committed_db, ma_tinh, D)["tiem_nang"] > published_before

    # a delivery dated after D is not in force on D: the week of D stays as it is
    delivery(root, "welfare", "2026-11-25", {f"{commune}_ho_ngheo_sau.csv": WELFARE_HEADER + people.replace("Mới", "Sau")})
    _ingest(committed_db, root, "welfare", as_of=dt.date(2026, 11, 25))
    assert ensure_lists_built(committed_db, D)["built_now"] is False


def test_a_build_waits_for_an_ingest_that_is_loading(committed_db, world, tmp_path):
    root = _landing(world, tmp_path, *SOURCES)
    _ingest(committed_db, root, *SOURCES)
    loader = psycopg.connect(committed_db, autocommit=True)
    loader.execute("SELECT pg_advisory_lock(hashtext('tiemnang.ingest.' || 'tax'))")  # what the loader holds
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.update(ensure_lists_built(committed_db, D)), daemon=True)
    thread.start()
    try:
        with psycopg.connect(committed_db, autocommit=True) as watch:
            waiting = None
            for _ in range(600):
                waiting = watch.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tiemnang'"
                    " AND wait_event_type = 'Lock' AND wait_event = 'advisory'").fetchone()[0]
                if waiting:
                    break
                thread.join(0.05)
            assert waiting == 1, "the build did not wait for the ingest lock"
            assert not outcome and _built(committed_db) is None
    finally:
        loader.close()  # the ingest ends: its lock goes with its session
    thread.join(120)
    assert outcome.get("built_now") is True and _built(committed_db) is not None


def test_a_publication_waits_for_the_ingests_covering_d_then_gives_up_naming_them(committed_db):
    record_ingest(committed_db, "register", D, 1)
    record_ingest(committed_db, "tax", D + dt.timedelta(days=5), 1)   # a later night covers D too
    record_ingest(committed_db, "schools", D - dt.timedelta(days=1), 1)  # the night before does not
    pending = ingests_pending(committed_db, D)
    assert [p.split()[0] for p in pending] == ["collection", "reference", "schools", "welfare"]
    assert "never" in pending[1] and "never" not in pending[2] and "never" in pending[3]

    now = dt.datetime.now(dt.UTC)
    assert await_ingests(committed_db, D, now, dt.timedelta(hours=2)) is False
    with pytest.raises(IngestsNotFinished, match="schools .*; welfare .*Nothing was published"):
        await_ingests(committed_db, D, now - dt.timedelta(hours=3), dt.timedelta(hours=2))
    # an asset-triggered build leaves a date not fully ingested, and names it
    figures = ensure_dates_built(committed_db, [D])
    assert figures["built"] == {} and list(figures["waiting"]) == [D.isoformat()]

    record_ingest(committed_db, "schools", D, 1)
    record_ingest(committed_db, "welfare", D, 1)
    record_ingest(committed_db, "reference", D, 0)   # the optional sources' ingests ran too, loading nothing
    record_ingest(committed_db, "collection", D, 0)
    assert ingests_pending(committed_db, D) == []
    assert await_ingests(committed_db, D, now - dt.timedelta(hours=3), dt.timedelta(hours=2)) is True
