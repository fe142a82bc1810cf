"""CONTRACT revision 2's inputs on real ingested files: the employer ledger (register/contributions.csv) and
the ATK communes (reference/xa_atk.csv), with the §3 reason codes, counted row by row, and the lists they
decide (don_vi_no_dong, group XA_ATK)."""

from __future__ import annotations

import datetime as dt

from conftest import assert_conserved
from conftest import delivery as _delivery
from conftest import rows as _rows

from tiemnang import db
from tiemnang.lists import build_lists
from tiemnang.matching import run_matching
from tiemnang.quality import validate
from tiemnang.sources import ingest

D = dt.date(2026, 11, 20)
PERSONS = ("id_nguoi,ma_so_bhxh,so_ddcn,ho_ten,ngay_sinh,gioi_tinh,ma_xa,ma_ho\n"
           "1,1400000001,,Lò Thị Mai,1970-03-04,2,04105,\n"
           "2,1400000002,,Vàng Văn Sử,1981-07-08,1,03784,\n")
COVERAGE = ("id_nguoi,loai,ma_doi_tuong,ma_don_vi,tu_ngay,den_ngay,phuong_thuc,muc_thu_nhap,thu_tu_trong_ho\n"
            "2,BHYT,HN,,2026-01-01,2026-12-31,,,\n")
EMPLOYERS = "ma_don_vi,ma_so_thue,ten_don_vi,ma_xa\nDV1,0100109106,Công ty A,04105\nDV2,0100109106-001,Chi nhánh B,04105\n"
LEDGER = ("ma_don_vi,ky,phai_dong,da_dong\n"
          "DV1,2026-06,1000001,0\n"            # 2: overdue (deadline 2026-07-31), unpaid
          "DV1,2026-07,1000003,3\n"            # 3: overdue, unpaid
          "DV1,2026-08,999999,999998\n"        # 4: overdue (deadline 2026-09-30), unpaid by 1
          "DV1,2026-10,500,0\n"                # 5: not yet overdue on D (deadline 2026-11-30)
          "DV2,2026-06,100,100\n"              # 6: paid
          "DV2,2026-07,-5,0\n"                 # 7: so_tien_khong_hop_le
          "DV2,2026-13,100,0\n"                # 8: ky_khong_hop_le
          "DV2,2026-08,một trăm,0\n"           # 9: so_tien_khong_hop_le
          "DV9,2026-06,100,0\n"                # 10: don_vi_khong_ton_tai (no DV9 in employers.csv)
          "DV2,2026-09,100,0\n")               # 11: fine
XA_ATK = "ma_xa,ghi_chu\n04105,ATK Định Hóa\n99999,mã cũ\n"


def _load(conninfo: str, root, *sources: str) -> dict[str, dict]:
    out = {}
    for source in sources:
        out[source] = counts = ingest(conninfo, source, root, D)
        assert counts["rows_read"] == counts["rows_accepted"] + counts["rows_quarantined"]
        validate(conninfo, source, counts["file_ids"])
    return out


def test_ledger_and_atk_communes_are_loaded_row_by_row_and_decide_their_lists(committed_db, tmp_path):
    _delivery(tmp_path, "register", "2026-11-05", {"persons.csv": PERSONS, "coverage.csv": COVERAGE,
                                                    "employers.csv": EMPLOYERS, "contributions.csv": LEDGER})
    _delivery(tmp_path, "reference", "2026-11-02", {"xa_atk.csv": XA_ATK})
    counts = _load(committed_db, tmp_path, "register", "reference")

    assert counts["register"]["rows_quarantined"] == 4 and counts["reference"]["rows_quarantined"] == 1
    files = dict((p, r) for p, *r in _rows(committed_db, "SELECT path, status, rows_read, rows_accepted,"
                                                         " rows_quarantined FROM ops.file_log"))
    assert files["register/2026-11-05/contributions.csv"] == ["loaded", 10, 6, 4]
    assert files["reference/2026-11-02/xa_atk.csv"] == ["loaded", 2, 1, 1]
    reasons = _rows(committed_db, "SELECT path, row_number, reasons FROM ops.quarantine ORDER BY path, row_number")
    assert reasons == [
        ("reference/2026-11-02/xa_atk.csv", 3, ["ma_xa_khong_hop_le"]),
        ("register/2026-11-05/contributions.csv", 7, ["so_tien_khong_hop_le"]),
        ("register/2026-11-05/contributions.csv", 8, ["ky_khong_hop_le"]),
        ("register/2026-11-05/contributions.csv", 9, ["so_tien_khong_hop_le"]),
        ("register/2026-11-05/contributions.csv", 10, ["don_vi_khong_ton_tai"]),
    ]
    assert_conserved(committed_db)

    with db.connect(committed_db) as conn:
        run_matching(conn, D)
        build_lists(conn, D)
    owed = _rows(committed_db, "SELECT ma_don_vi, ma_so_thue, ma_xa, so_thang_no, so_tien_no, ky_no_tu"
                               " FROM lists.don_vi_no_dong WHERE ngay_tham_chieu = %s", (D,))
    assert owed == [("DV1", "0100109106", "04105", 3, 1_000_001 + 1_000_000 + 1, "2026-06")]
    atk = _rows(committed_db, "SELECT ho_ten, nhom, ly_do, ma_xa FROM lists.tiem_nang WHERE ngay_tham_chieu = %s"
                              " AND 'XA_ATK' = ANY (ly_do)", (D,))
    # Lò Thị Mai lives in the ATK commune without a card; Vàng Văn Sử has one and lives elsewhere
    assert atk == [("Lò Thị Mai", "XA_ATK", ["XA_ATK"], "04105")]


def test_a_refused_ledger_does_not_refuse_the_register_snapshot(committed_db, tmp_path):
    _delivery(tmp_path, "register", "2026-11-05", {"persons.csv": PERSONS, "coverage.csv": COVERAGE,
                                                    "employers.csv": EMPLOYERS, "contributions.csv": LEDGER})
    _delivery(tmp_path, "register", "2026-11-12", {"persons.csv": PERSONS + "3,1400000003,,Hà Văn Tư,1990,1,04105,\n",
                                                    "coverage.csv": COVERAGE,
                                                    "employers.csv": EMPLOYERS,
                                                    "contributions.csv": "ma_don_vi,ky\nDV1,2026-06\n"})
    _load(committed_db, tmp_path, "register")
    status = dict(_rows(committed_db, "SELECT path, status FROM ops.file_log WHERE kind = 'contributions'"))
    assert status == {"register/2026-11-05/contributions.csv": "loaded",
                      "register/2026-11-12/contributions.csv": "quarantined"}      # thieu_cot
    # the snapshot in force is the later delivery (its persons, coverage, employers are whole); the ledger in
    # force is the latest one that was loaded: the earlier delivery's
    assert _rows(committed_db, "SELECT stg.register_snapshot_date(%s)", (D,)) == [(dt.date(2026, 11, 12),)]
    in_force = _rows(committed_db, "SELECT kind, path FROM stg.current_files(%s) WHERE source = 'register'"
                                   " ORDER BY kind", (D,))
    assert dict(in_force)["contributions"] == "register/2026-11-05/contributions.csv"
    assert dict(in_force)["persons"] == "register/2026-11-12/persons.csv"
