"""The whole chain through `tiemnang run` (Airflow's DAG runner) on a generated world, checked against its truth."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import psycopg
import pytest

from tiemnang.reference import geography
from tiemnang_tools.generate import generate
from tiemnang_tools.generate.compare import compare_week, is_equal

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WEEKS = {"2026-11-13": "2026-W46", "2026-11-20": "2026-W47"}
TIEMNANG = str(Path(sys.executable).with_name("tiemnang"))


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(out=out, persons=2000, seed=11, communes=10)
    return out


@pytest.fixture(scope="module")
def e2e_warehouse(database_factory):
    conninfo, drop = database_factory("tiemnang_e2e", locale="C")   # the harsh case of issue #22
    yield conninfo
    drop()


def _uri(conninfo: str) -> str:
    parts = dict(item.split("=", 1) for item in conninfo.split())
    return f"postgresql://{parts['user']}@{parts['host']}:{parts['port']}/{parts['dbname']}"


@pytest.fixture(scope="module")
def runs(world, e2e_warehouse, tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """`tiemnang run` for the two Fridays, as a user runs it: a new process, warehouse given by the connection."""
    env = dict(os.environ, AIRFLOW_CONN_TIEMNANG_WAREHOUSE=_uri(e2e_warehouse),
               TIEMNANG_EXPORT_DIR=str(tmp_path_factory.mktemp("exports")))
    done = {}
    for as_of in WEEKS:
        done[as_of] = subprocess.run([TIEMNANG, "run", "--as-of", as_of, "--landing", str(world / "landing")],
                                     capture_output=True, text=True, env=env, timeout=900)
    return done


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_runs_succeed(runs):
    for as_of, proc in runs.items():
        assert proc.returncode == 0, f"tiemnang run --as-of {as_of} failed:\n{proc.stderr[-4000:]}"
        assert "success" in proc.stdout


def test_every_province_schema_published_both_weeks(runs, e2e_warehouse):
    with psycopg.connect(e2e_warehouse) as conn:
        published = conn.execute("SELECT ma_tinh, array_agg(tuan ORDER BY tuan) FROM ops.publication GROUP BY 1").fetchall()
        assert {m for m, _ in published} == set(geography.provinces())
        assert all(weeks == sorted(WEEKS.values()) for _, weeks in published)
        for ma_tinh in geography.provinces():
            current = conn.execute(f"SELECT DISTINCT tuan FROM tinh_{ma_tinh}.tiem_nang").fetchall()  # noqa: S608
            assert current in ([], [("2026-W47",)])
        total = conn.execute(
            "SELECT sum(so_tiem_nang), sum(so_den_han) FROM ops.publication WHERE tuan = '2026-W47'").fetchone()
        assert total[0] > 0 and total[1] > 0


def test_lists_match_truth(runs, world, e2e_warehouse):
    """Published rows against the generator's oracle (the perfect-identity answer of CONTRACT §4)."""
    with psycopg.connect(e2e_warehouse) as conn:
        for as_of, tuan in WEEKS.items():
            diff = compare_week(conn, world, as_of, tuan, collection=True)   # with §4.7-§4.8 (compare_collection)
            assert diff["tiem_nang"]["expected"] > 0 and diff["den_han_dong"]["expected"] > 0
            assert diff["loai_tru"]["expected"] > 0 and diff["phan_cong_phat_lai"]["expected"] > 0
            assert diff["ma_dai_ly"]["expected"] > 0 and diff["tien_do_dai_ly"]["expected"] > 0
            assert diff["don_vi_no_dong"]["expected"] > 0          # revision 2's lists are there to compare
            assert is_equal(diff), f"{tuan}: {diff}"
        assert diff["the_trung"]["expected"] > 0                   # the second week has overlapping cards
        assert diff["tien_do"]["expected"] > 0 and any(r["da_dat"] != "0" for r in _read_csv(
            world / "truth" / "expected" / as_of / "tien_do.csv"))  # the second week has joiners
    # both kinds of the_trung were in the truth compared (as multisets, with their ids and card codes): a person
    # with two register records, and two cards on two records of one person (CONTRACT §4.5)
    for as_of in WEEKS:
        rows = _read_csv(world / "truth" / "expected" / as_of / "the_trung.csv")
        assert any(r["loai"] == "HO_SO_TRUNG" for r in rows)
        assert any(r["loai"] == "THE_TRUNG" and ";" in r["id_nguoi"] for r in rows)
    # and equal to a truth that has ATK leads: the published list has them too
    with open(world / "truth" / "expected" / "2026-11-20" / "tiem_nang.csv", encoding="utf-8") as f:
        assert any("XA_ATK" in row["ly_do"].split(";") for row in csv.DictReader(f))


def test_second_week_summary_compares_with_first(runs, e2e_warehouse):
    with psycopg.connect(e2e_warehouse) as conn:
        rows = [r for ma_tinh in geography.provinces() for r in conn.execute(
            f"SELECT tuan, so_nguoi, so_moi, so_da_tham_gia FROM tinh_{ma_tinh}.tong_hop_lich_su").fetchall()]  # noqa: S608
    first = [r for r in rows if r[0] == "2026-W46"]
    second = [r for r in rows if r[0] == "2026-W47"]
    assert first and second
    assert all(so_moi == so_nguoi for _, so_nguoi, so_moi, _ in first), "first published week: every row is new"
    assert sum(r[2] for r in second) < sum(r[1] for r in second), "second week: some rows were already listed"


def test_no_personal_data_in_logs(runs, world):
    """No so_ddcn, ma_so_bhxh or full name of the input reaches the task logs (CONTRACT privacy; issue 8)."""
    from tiemnang import config

    text = "".join(p.stdout + p.stderr for p in runs.values())
    log_dir = config.local_dir() / "airflow" / "logs"
    if log_dir.exists():
        text += "".join(p.read_text(errors="replace") for p in log_dir.rglob("*.log"))
    leaked = defaultdict(int)
    for person in _read_csv(world / "truth" / "persons.csv"):
        for field in ("so_ddcn", "ma_so_bhxh", "ho_ten"):
            value = person.get(field) or ""
            if len(value) >= 8 and value in text:
                leaked[field] += 1
    assert not leaked, f"personal data in logs: {dict(leaked)}"


def test_asset_events_carry_figures(runs):
    from tiemnang import runner

    os.environ.update(runner.airflow_environment())
    with psycopg.connect(runner.airflow_environment()["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
                         .replace("postgresql+psycopg://", "postgresql://")) as conn:
        extras = [json.loads(e) if isinstance(e, str) else e for (e,) in conn.execute(
            "SELECT e.extra FROM asset_event e JOIN asset a ON a.id = e.asset_id"
            " WHERE a.name = 'tiemnang_published' ORDER BY e.id DESC LIMIT 1").fetchall()]
    assert extras and extras[0]["provinces_published"] == 34


def test_a_commune_list_with_every_row_quarantined_holds_no_province_back(runs, world, e2e_warehouse, tmp_path):
    """A third Friday where one commune's new list has every row quarantined: the list is quarantined as a file
    (the commune's earlier list stays in force), every province publishes and `tiemnang run` succeeds, with the
    quarantine counted in the publication's asset event."""
    import shutil

    from tiemnang import runner

    landing = tmp_path / "landing"
    shutil.copytree(world / "landing", landing)
    ma_xa = sorted(world.glob("landing/welfare/*/*_*.*"))[0].name[:5]
    folder = landing / "welfare" / "2026-11-26"
    folder.mkdir()
    name = f"{ma_xa}_ho_ngheo_bo_sung.csv"
    (folder / name).write_text(
        "STT,HỌ VÀ TÊN,NGÀY SINH,GIỚI TÍNH,SỐ ĐỊNH DANH CÁ NHÂN,MÃ HỘ,ĐỐI TƯỢNG\n1,,01/01/1960,Nam,,01-001,HN\n",
        encoding="utf-8")
    (folder / "_READY").touch()
    env = dict(os.environ, AIRFLOW_CONN_TIEMNANG_WAREHOUSE=_uri(e2e_warehouse),
               TIEMNANG_EXPORT_DIR=str(tmp_path / "exports"))
    proc = subprocess.run([TIEMNANG, "run", "--as-of", "2026-11-27", "--landing", str(landing)],
                          capture_output=True, text=True, env=env, timeout=900)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    with psycopg.connect(e2e_warehouse) as conn:
        latest = dict(conn.execute("SELECT ma_tinh, max(tuan) FROM ops.publication GROUP BY 1").fetchall())
        assert set(latest.values()) == {"2026-W48"} and len(latest) == len(geography.provinces())
        logged = conn.execute("SELECT status, rows_read, rows_accepted, rows_quarantined, message FROM ops.file_log"
                              " WHERE path = %s", (f"welfare/2026-11-26/{name}",)).fetchone()
        assert logged[:4] == ("quarantined", 1, 0, 1) and logged[4].startswith("khong_co_dong_hop_le")
        assert conn.execute("SELECT count(*) FROM stg.current_files('2026-11-27') WHERE path LIKE %s",
                            (f"welfare/2026-11-26/{ma_xa}%",)).fetchone()[0] == 0
        assert conn.execute("SELECT decision FROM ops.gate_decision WHERE ngay_tham_chieu = '2026-11-27'"
                            " AND path IS NULL").fetchall() == [("open",)]
    os.environ.update(runner.airflow_environment())
    with psycopg.connect(runner.airflow_environment()["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
                         .replace("postgresql+psycopg://", "postgresql://")) as conn:
        (extra,) = conn.execute("SELECT e.extra FROM asset_event e JOIN asset a ON a.id = e.asset_id"
                                " WHERE a.name = 'tiemnang_published' ORDER BY e.id DESC LIMIT 1").fetchone()
    extra = json.loads(extra) if isinstance(extra, str) else extra
    assert extra["as_of"] == "2026-11-27" and extra["provinces_published"] == 34
    assert extra["rows_quarantined"] >= 1 and extra["files_quarantined"] >= 1 and extra["alerts"] == []
