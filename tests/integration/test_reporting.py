"""`tiemnang summary`: rows per list and province, and each week's totals over the provinces (the closing note of
`make demo` quotes them), the_trung by loai from the published history."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb

from tiemnang import config, db, reporting

TIEMNANG = str(Path(sys.executable).with_name("tiemnang"))


def _seed(conninfo: str) -> None:
    with db.connect(conninfo) as conn:
        xa = dict(conn.execute("SELECT DISTINCT ON (ma_tinh) ma_tinh, ma_xa FROM ref.commune"
                               " WHERE ma_tinh IN ('01', '79') ORDER BY ma_tinh, ma_xa").fetchall())
        publications = [  # province, week, D, tiem_nang, don_vi, den_han, the_trung, no_dong
            ("01", "2026-W45", "2026-11-06", 1, 1, 1, 1, 1),       # older than the two weeks asked for
            ("01", "2026-W46", "2026-11-13", 100, 7, 20, 3, 2),
            ("79", "2026-W46", "2026-11-13", 50, 3, 10, 1, 0),
            ("01", "2026-W47", "2026-11-20", 110, 8, 21, 2, 1),
            ("79", "2026-W47", "2026-11-20", 40, 2, 9, None, None),   # logged before so_dong had the new lists
        ]
        for tinh, tuan, d, tn, dv, dh, tt, nd in publications:
            so_dong = {"tiem_nang": tn, "don_vi_tiem_nang": dv, "den_han_dong": dh}
            if tt is not None:
                so_dong.update(the_trung=tt, don_vi_no_dong=nd)
            conn.execute(
                "INSERT INTO ops.publication (ma_tinh, tuan, ngay_tham_chieu, so_tiem_nang, so_don_vi, so_den_han,"
                " so_dong) VALUES (%s, %s, %s, %s, %s, %s, %s)", (tinh, tuan, d, tn, dv, dh, Jsonb(so_dong)))
        history = [("01", "2026-W45", "THE_TRUNG"), ("01", "2026-W46", "THE_TRUNG"), ("01", "2026-W46", "THE_TRUNG"),
                   ("01", "2026-W46", "HO_SO_TRUNG"), ("79", "2026-W46", "HO_SO_TRUNG"),
                   ("01", "2026-W47", "HO_SO_TRUNG"), ("01", "2026-W47", "THE_TRUNG")]
        for i, (tinh, tuan, loai) in enumerate(history):
            conn.execute(
                f"INSERT INTO tinh_{tinh}.the_trung_lich_su (tuan, ngay_tham_chieu, loai, ma_xa, id_nguoi, the)"  # noqa: S608
                " VALUES (%s, '2026-11-13', %s, %s, %s, '[]')", (tuan, loai, xa[tinh], [i + 1, i + 1000]))
        conn.commit()


def test_week_totals_over_the_provinces(committed_db):
    _seed(committed_db)
    totals = reporting.week_totals(committed_db, 2)
    assert totals == {
        "2026-W46": {"provinces": 2, "tiem_nang": 150, "don_vi_tiem_nang": 10, "den_han_dong": 30, "the_trung": 4,
                     "don_vi_no_dong": 2, "THE_TRUNG": 2, "HO_SO_TRUNG": 2},
        "2026-W47": {"provinces": 2, "tiem_nang": 150, "don_vi_tiem_nang": 10, "den_han_dong": 30, "the_trung": 2,
                     "don_vi_no_dong": 1, "THE_TRUNG": 1, "HO_SO_TRUNG": 1},
    }
    assert set(reporting.week_totals(committed_db, 3)) == {"2026-W45", "2026-W46", "2026-W47"}


def test_summary_command_prints_per_list_counts(committed_db):
    _seed(committed_db)
    parts = conninfo_to_dict(committed_db)
    env = dict(os.environ, AIRFLOW_CONN_TIEMNANG_WAREHOUSE=(
        f"postgresql://{config.LOCAL_PG_USER}@127.0.0.1:{parts['port']}/{parts['dbname']}"))
    out = subprocess.run([TIEMNANG, "summary", "--weeks", "2"], capture_output=True, text=True, env=env,
                         timeout=300, check=True).stdout
    lines = out.splitlines()
    assert lines[0].split()[:7] == ["tỉnh", "tuần", "tiem_nang", "don_vi", "den_han", "the_trung", "no_dong"]
    assert "01    2026-W46          100        7       20          3        2  Thành phố Hà Nội" in lines
    assert any(line.startswith("79    2026-W47") and line.split()[5:7] == ["-", "-"] for line in lines)
    assert not any("2026-W45" in line for line in lines)
    week = lines.index("week 2026-W47: 2 provinces published; rows over all of them:")
    assert [line.split() for line in lines[week + 1:week + 6]] == [
        ["tiem_nang", "150"], ["don_vi_tiem_nang", "10"], ["den_han_dong", "30"],
        ["the_trung", "2", "(THE_TRUNG", "1,", "HO_SO_TRUNG", "1)"], ["don_vi_no_dong", "1"]]
