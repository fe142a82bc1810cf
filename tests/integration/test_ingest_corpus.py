"""The bad-input corpus (tests/fixtures/bad_input): every file ends in a clear quarantine or every row is placed."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import psycopg
import pytest
from conftest import make_database, xlsx_bytes

from tiemnang.sources import ingest

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad_input"
D = dt.date(2026, 11, 20)
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã hộ", "Quan hệ với chủ hộ",
          "Đối tượng", "Thôn/Tổ dân phố", "Ghi chú"]
PERSON = ["Lò Văn An", "03/12/1955", "Nam", "", "01-001", "Chủ hộ", "HN", "Bản Nà Sài", ""]


@pytest.fixture(scope="module")
def db(pg_cluster):
    conninfo, drop = make_database("tiemnang_corpus")
    yield conninfo
    drop()


def _formulas(wb):
    ws = wb.active
    ws.append(["DANH SÁCH TRỢ CẤP"])
    ws.merge_cells("A1:J1")
    ws.append(HEADER)
    ws.append([1, *PERSON])
    ws.append(["=A3+1", "Lò Thị Bình", dt.date(1960, 5, 1), "Nữ", "", "01-001", "Vợ", "HN", "", ""])
    ws.merge_cells("I3:I4")


def _sheets(wb):
    first = wb.active
    first.append(HEADER)
    first.append([1, *PERSON])
    other = wb.create_sheet("Khác")
    other.append(HEADER)
    other.append([1, "Lò Văn Hai", "01/01/1950", "Nam", "", "", "", "HN", "", ""])


@pytest.fixture(scope="module")
def landing(db, tmp_path_factory):
    root = tmp_path_factory.mktemp("landing")
    welfare = root / "welfare" / "2026-11-10"
    welfare.mkdir(parents=True)
    for name in ("empty", "header_only", "stray_quote", "mixed_encoding", "cp1258_decomposed", "utf16",
                 "injection_cells", "rows_mess"):
        (welfare / f"04105_{name}.csv").write_bytes((CORPUS / f"{name}.csv").read_bytes())
    (welfare / "04105_zero.xlsx").write_bytes(b"")
    good = xlsx_bytes(_formulas)
    (welfare / "04105_formulas_merged.xlsx").write_bytes(good)
    (welfare / "04105_truncated.xlsx").write_bytes(good[: len(good) // 2])
    (welfare / "04105_sheets.xlsx").write_bytes(xlsx_bytes(_sheets))
    with zipfile.ZipFile(welfare / "04105_not_a_workbook.xlsx", "w") as z:
        z.writestr("hello.txt", "xin chào")
    (welfare / "99999_unknown_commune.csv").write_bytes((CORPUS / "rows_mess.csv").read_bytes())
    (welfare / "x'); DROP TABLE stg.welfare; --.csv").write_bytes(b"a,b\n")
    (welfare / "04105_'; TRUNCATE ops.file_log; --.csv").write_bytes((CORPUS / "header_only.csv").read_bytes())
    (welfare / "..%2F..%2Fetc%2Fpasswd").write_bytes(b"x")
    (welfare / "04105_link_out.csv").symlink_to("/etc/passwd")
    (welfare / "04105_subdir.csv").mkdir()
    (welfare / "_READY").touch()
    # a delivery folder that is a symlink out of the landing root is never read
    outside = tmp_path_factory.mktemp("outside")
    (outside / "_READY").touch()
    (outside / "04105_x.csv").write_bytes((CORPUS / "rows_mess.csv").read_bytes())
    (root / "welfare" / "2026-11-11").symlink_to(outside)
    counts = ingest(db, "welfare", root, D)
    return counts


def _log(db) -> dict[str, tuple]:
    with psycopg.connect(db) as conn:
        return {p: (s, m, r, a, q) for p, s, m, r, a, q in conn.execute(
            "SELECT path, status, split_part(message, ':', 1), rows_read, rows_accepted, rows_quarantined FROM ops.file_log")}


@pytest.mark.parametrize(
    ("name", "status", "reason"),
    [
        ("04105_empty.csv", "quarantined", "tep_hong"),
        ("04105_zero.xlsx", "quarantined", "tep_hong"),
        ("04105_truncated.xlsx", "quarantined", "tep_hong"),
        ("04105_not_a_workbook.xlsx", "quarantined", "tep_hong"),
        ("04105_mixed_encoding.csv", "quarantined", "ma_hoa_khong_ro"),
        ("04105_utf16.csv", "quarantined", "ma_hoa_khong_ro"),
        ("99999_unknown_commune.csv", "quarantined", "ten_tep_khong_hop_le"),
        ("x'); DROP TABLE stg.welfare; --.csv", "quarantined", "ten_tep_khong_hop_le"),
        ("..%2F..%2Fetc%2Fpasswd", "quarantined", "ten_tep_khong_hop_le"),
        ("04105_link_out.csv", "quarantined", "ten_tep_khong_hop_le"),
        ("04105_subdir.csv", "quarantined", "ten_tep_khong_hop_le"),
        ("04105_header_only.csv", "loaded", ""),
        ("04105_'; TRUNCATE ops.file_log; --.csv", "loaded", ""),
        ("04105_cp1258_decomposed.csv", "loaded", ""),
    ],
)
def test_file_outcomes(db, landing, name, status, reason):
    entry = _log(db)[f"welfare/2026-11-10/{name}"]
    assert entry[0] == status
    if status == "quarantined":
        assert entry[1] == reason


def test_every_file_logged_once_nothing_outside_read_nothing_executed(db, landing):
    log = _log(db)
    assert landing["files_seen"] == len(log) == 19
    assert not any(p.startswith("welfare/2026-11-11/") for p in log)
    assert all(r == a + q for _, _, r, a, q in log.values())
    with psycopg.connect(db) as conn:
        assert conn.execute("SELECT to_regclass('stg.welfare') IS NOT NULL").fetchone()[0]
        whole = conn.execute("SELECT count(*) FROM ops.quarantine WHERE row_number IS NULL").fetchone()[0]
        assert whole == sum(1 for s, *_ in log.values() if s == "quarantined")
        raw = conn.execute("SELECT raw::text FROM ops.quarantine WHERE path LIKE '%link_out%'").fetchone()[0]
        assert "root:" not in raw


def test_workbook_values_formulas_merged_and_every_sheet_with_the_header(db, landing):
    with psycopg.connect(db) as conn:
        rows = conn.execute(
            "SELECT dong, ho_ten, ngay_sinh FROM stg.welfare w JOIN ops.file_log f USING (file_id)"
            " WHERE f.path LIKE %s ORDER BY dong", ("%formulas_merged%",)).fetchall()
        assert rows == [(3, "Lò Văn An", "1955-12-03"), (4, "Lò Thị Bình", "1960-05-01")]
        sheets = conn.execute("SELECT dong, ho_ten FROM stg.welfare w JOIN ops.file_log f USING (file_id)"
                              " WHERE f.path LIKE %s ORDER BY dong", ("%sheets%",)).fetchall()
        assert sheets == [(2, "Lò Văn An"), (20_000_002, "Lò Văn Hai")]   # the second sheet's row 2


def test_stray_quote_and_embedded_newline_and_injection_cells_are_plain_data(db, landing):
    with psycopg.connect(db) as conn:
        rows = dict(conn.execute(
            "SELECT dong, ho_ten FROM stg.welfare w JOIN ops.file_log f USING (file_id) WHERE f.path LIKE %s",
            ("%stray_quote%",)).fetchall())
        assert rows == {2: 'Lò Văn "Bé" An', 3: "Cầm Thị Phanh", 4: "Lù Thị Hương"}
        names = {n for (n,) in conn.execute("SELECT ho_ten FROM stg.welfare")}
        assert "Robert'); DROP TABLE stg.welfare; --" in names
        q = conn.execute("SELECT row_number, reasons FROM ops.quarantine WHERE path LIKE %s",
                         ("%injection_cells%",)).fetchall()
        assert q == [(4, ["doi_tuong_khong_hop_le"])]


def test_row_rules_place_every_row(db, landing):
    with psycopg.connect(db) as conn:
        q = dict(conn.execute("SELECT row_number, reasons FROM ops.quarantine WHERE path LIKE %s",
                              ("%rows_mess%",)).fetchall())
        accepted = {d: (s, t, c) for d, s, t, c in conn.execute(
            "SELECT dong, ngay_sinh, so_ddcn_tin_cay, canh_bao FROM stg.welfare w JOIN ops.file_log f USING (file_id)"
            " WHERE f.path LIKE %s", ("%rows_mess%",))}
    assert q == {6: ["thieu_ho_ten"], 7: ["khong_dinh_danh"], 11: ["doi_tuong_khong_hop_le"],
                 14: ["khong_dinh_danh"], 15: ["trung_lap"]}
    assert accepted[5] == ("1955-12-03", True, [])
    assert accepted[8] == ("1948", False, [])
    assert accepted[9] == ("1950-03", False, [])
    assert accepted[10] == (None, True, [])
    assert accepted[12] == ("1990-12-03", False, ["so_ddcn_lech_nam_sinh"])
    assert accepted[13] == ("1990-12-03", False, ["so_ddcn_lech_gioi_tinh"])
    assert accepted[16][0] == "2000-10-20"
    assert len(q) + len(accepted) == 12
