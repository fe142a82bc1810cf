"""The monitoring page's duplicate-card table (issue #16): overlaps per province and object-code pair, and how many
involve a card the state budget pays or supports, on a crafted warehouse."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb

from tiemnang import config, db
from tiemnang.monitor import queries

W47, D47 = "2026-W47", dt.date(2026, 11, 20)
D46 = dt.date(2026, 11, 13)


def _card(id_nguoi: int, code: str) -> dict:
    return {"id_nguoi": id_nguoi, "ma_doi_tuong": code, "ma_don_vi": None, "tu_ngay": "2026-01-01",
            "den_ngay": "2026-12-31"}


def _seed(conninfo: str) -> None:
    with db.connect(conninfo) as conn:
        xa = dict(conn.execute("SELECT DISTINCT ON (ma_tinh) ma_tinh, ma_xa FROM ref.commune"
                               " WHERE ma_tinh IN ('01', '48', '79') ORDER BY ma_tinh, ma_xa").fetchall())
        rows = [  # (D, person, loai, province, cards)
            (D47, 1, "THE_TRUNG", "01", ["HN", "HS"]),          # both state: paid, supported
            (D47, 2, "THE_TRUNG", "01", ["DN", "GD"]),          # employer and household: not the state
            (D47, 3, "THE_TRUNG", "01", ["DN", "GD", "HN"]),    # three cards, three pairs
            (D47, 4, "HO_SO_TRUNG", "01", ["HN"]),              # two records, one card: no overlap
            (D47, 5, "THE_TRUNG", "79", ["GB", "GB"]),          # the same code on two records
            (D47, 6, "THE_TRUNG", "48", ["HN", "HS"]),          # province 48 did not publish the week
            (D46, 7, "THE_TRUNG", "01", ["HN", "HS"]),          # last week
        ]
        for d, person, loai, tinh, codes in rows:
            conn.execute(
                "INSERT INTO lists.the_trung (ngay_tham_chieu, person_id, loai, ma_xa, ma_tinh, id_nguoi, the)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (d, person, loai, xa[tinh], tinh, [100 * person + i for i in range(len(codes))],
                 Jsonb([_card(100 * person + i, c) for i, c in enumerate(codes)])))
        for tinh, tuan, d in (("01", W47, D47), ("79", W47, D47), ("01", "2026-W46", D46), ("48", "2026-W46", D46)):
            conn.execute(
                "INSERT INTO ops.publication (ma_tinh, tuan, ngay_tham_chieu, so_tiem_nang, so_don_vi, so_den_han,"
                " so_dong) VALUES (%s, %s, %s, 0, 0, 0, %s)", (tinh, tuan, d, Jsonb({"the_trung": 3})))
        conn.commit()


EXPECTED = [  # ma_tinh, cap_doi_tuong, so_cap, so_nguoi, so_cap_ngan_sach
    ("01", "DN+GD", 2, 2, 0),
    ("01", "DN+HN", 1, 1, 1),
    ("01", "GD+HN", 1, 1, 1),
    ("01", "HN+HS", 1, 1, 1),
    ("79", "GB+GB", 1, 1, 1),
]


def test_pairs_per_province_and_object_codes(committed_db):
    _seed(committed_db)
    with db.connect(committed_db) as conn:
        pairs = queries.the_trung_pairs(conn, queries.week(W47))
        last_week = queries.the_trung_pairs(conn, queries.week("2026-W46"))
        nothing = queries.the_trung_pairs(conn, queries.week("2026-W48"))
    assert [(p["ma_tinh"], p["cap_doi_tuong"], p["so_cap"], p["so_nguoi"], p["so_cap_ngan_sach"])
            for p in pairs] == EXPECTED
    assert pairs[1]["ten_1"] == "Người lao động làm việc trong doanh nghiệp"
    assert pairs[1]["ten_2"] == "Người thuộc hộ gia đình nghèo"
    # last week: province 01's pair only (48 published, its row is last week's too)
    assert [(p["ma_tinh"], p["cap_doi_tuong"], p["so_cap"]) for p in last_week] == [("01", "HN+HS", 1)]
    assert nothing == []


@pytest.fixture
def client(committed_db, monkeypatch):
    from fastapi.testclient import TestClient

    from tiemnang.monitor import app as monitor

    parts = conninfo_to_dict(committed_db)
    monkeypatch.setenv("AIRFLOW_CONN_TIEMNANG_WAREHOUSE",
                       f"postgresql://{config.LOCAL_PG_USER}@127.0.0.1:{parts['port']}/{parts['dbname']}")
    application = monitor.create_app()
    application.dependency_overrides[monitor.require_user] = lambda: "canbo"   # the login is tested elsewhere
    return TestClient(application)


def test_overview_shows_the_table_with_vietnamese_headers(committed_db, client):
    _seed(committed_db)
    html = client.get("/", params={"tuan": W47}).text
    section = html.split("Thẻ BHYT trùng theo tỉnh và cặp mã đối tượng", 1)[1].split("<h2>", 1)[0]
    for header in ("Tỉnh, thành phố", "Cặp mã đối tượng", "Số cặp thẻ trùng", "Số người",
                   "Trong đó có thẻ do ngân sách nhà nước đóng hoặc hỗ trợ"):
        assert header in section
    cells = [re.findall(r'<td class="n">([^<]*)</td>', row) for row in section.split("<tr>")[2:-1]]
    pairs = re.findall(r"<td title=\"[^\"]*\">([^<]*)</td>", section)
    assert pairs == ["DN + GD", "DN + HN", "GD + HN", "HN + HS", "GB + GB"]
    assert cells == [[str(a), str(b), str(c)] for _, _, a, b, c in EXPECTED]
    assert re.search(r'Tổng cộng</th><th class="n">6</th><th></th><th class="n">4</th>', section)
    assert "Người thuộc hộ gia đình cận nghèo" not in section and "Học sinh" in section
    empty = client.get("/", params={"tuan": "2026-W48"}).text
    assert "Không có thẻ BHYT trùng trong các tỉnh đã công bố tuần này." in empty
