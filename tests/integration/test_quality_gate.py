"""The weekly quality gate on real ingested files: quarantines never hold a province back; a register delivery that is
not what it claims to be is refused as a file and the week is published from the snapshot in force before it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
import pytest
from conftest import assert_conserved as _conserved
from conftest import delivery as _delivery
from conftest import rows as _rows

from tiemnang.monitor import queries, render
from tiemnang.orchestration.weekly import (
    QualityGateClosed,
    check_quality_gate,
    ensure_lists_built,
    provinces_to_publish,
    summarize,
)
from tiemnang.publish import publish_province
from tiemnang.quality import validate
from tiemnang.reference import geography
from tiemnang.sources import ingest

D = dt.date(2026, 11, 20)
WELFARE_HEADER = "STT,HỌ VÀ TÊN,NGÀY SINH,GIỚI TÍNH,SỐ ĐỊNH DANH CÁ NHÂN,MÃ HỘ,ĐỐI TƯỢNG\n"
ROSTER_HEADER = "STT,Họ và tên,Ngày sinh,Giới tính,Số định danh cá nhân\n"
NAMELESS = "1,,01/01/1960,Nam,,01-001,HN\n"      # a data row (whole STT) that cannot stand for a person
PERSONS_HEADER = "id_nguoi,ma_so_bhxh,so_ddcn,ho_ten,ngay_sinh,gioi_tinh,ma_xa,ma_ho\n"
COVERAGE_HEADER = "id_nguoi,loai,ma_doi_tuong,ma_don_vi,tu_ngay,den_ngay,phuong_thuc,muc_thu_nhap,thu_tu_trong_ho\n"
EMPLOYERS = "ma_don_vi,ma_so_thue,ten_don_vi,ma_xa\nDV1,0100109106,Công ty A,04105\n"


def _persons(n: int) -> str:
    return PERSONS_HEADER + "".join(f"{i},{1400000000 + i},,Người Số {i},1950-01,1,04105,\n" for i in range(1, n + 1))


def _coverage(*ids: int, until: str = "2026-12-31") -> str:
    """Household (GD) cards of these persons, from a year before `until` to `until`."""
    start = f"{int(until[:4]) - 1}{until[4:]}"
    return COVERAGE_HEADER + "".join(f"{i},BHYT,GD,,{start},{until},12,,1\n" for i in ids)


def _register(root: Path, date: str, persons: str, coverage: str) -> None:
    _delivery(root, "register", date, {"persons.csv": persons, "coverage.csv": coverage, "employers.csv": EMPLOYERS})


def _in_force_elsewhere(root: Path, *sources: str) -> None:
    """A file in force for each of these sources (header only: an empty list), since a build refuses a D some
    required source has never delivered (orchestration/weekly.missing_sources)."""
    files = {"tax": {"enterprises.csv": "ma_so_thue,ten_doanh_nghiep,loai_hinh,ma_xa,dia_chi,ngay_thanh_lap,"
                                        "trang_thai,so_lao_dong,ky\n"},
             "schools": {"schools.csv": "ma_truong,ten_truong,cap_hoc,ma_xa\n"},
             "welfare": {"04105_ds.csv": WELFARE_HEADER}}
    for source in sources:
        _delivery(root, source, "2026-11-02", files[source])


def _load(conninfo: str, root: Path, *sources: str) -> None:
    for source in sources:
        counts = ingest(conninfo, source, root, D)
        assert counts["rows_read"] == counts["rows_accepted"] + counts["rows_quarantined"]
        validate(conninfo, source, counts["file_ids"])


def test_fully_quarantined_lists_hold_no_province_back(committed_db, tmp_path):
    province = geography.province_of
    assert len({province("03784"), province("12700"), province("26782")}) == 3
    _register(tmp_path, "2026-11-13", _persons(3), _coverage(1))
    _delivery(tmp_path, "welfare", "2026-11-16", {
        "03784_tuat.csv": WELFARE_HEADER + NAMELESS,                                       # every row quarantined
        "12700_ho_ngheo.csv": WELFARE_HEADER + "1,Lò Văn A,01/01/1960,Nam,,01-001,HN\n",   # fine
    })
    _delivery(tmp_path, "schools", "2026-11-16", {
        "schools.csv": "ma_truong,ten_truong,cap_hoc,ma_xa\n79000001,Trường THPT Một,THPT,26782\n",
        "79000001.csv": ROSTER_HEADER + "1,,,Nam,\n",                                       # every row quarantined
    })
    _in_force_elsewhere(tmp_path, "tax")
    _load(committed_db, tmp_path, "register", "welfare", "schools", "tax")
    _conserved(committed_db)
    assert _rows(committed_db, "SELECT path, status, rows_read, rows_quarantined FROM ops.file_log"
                               " WHERE status <> 'loaded' ORDER BY path") == [
        ("schools/2026-11-16/79000001.csv", "quarantined", 1, 1),
        ("welfare/2026-11-16/03784_tuat.csv", "quarantined", 1, 1)]
    assert _rows(committed_db, "SELECT path FROM ops.quarantine WHERE row_number IS NULL"
                               " AND reasons = '{khong_co_dong_hop_le}' ORDER BY path") == [
        ("schools/2026-11-16/79000001.csv",), ("welfare/2026-11-16/03784_tuat.csv",)]

    gate = check_quality_gate(committed_db, D)
    assert gate["held"] == {} and gate["alerts"] == [] and gate["register_snapshot"] == "2026-11-13"
    assert (gate["rows_quarantined"], gate["files_quarantined"]) == (2, 2)
    assert provinces_to_publish(gate) == sorted(geography.provinces())
    decisions = _rows(committed_db, "SELECT decision, path, reason FROM ops.gate_decision WHERE ngay_tham_chieu = %s"
                                    " ORDER BY decision, path", (D,))
    assert decisions == [("file_refused", "schools/2026-11-16/79000001.csv", "khong_co_dong_hop_le"),
                         ("file_refused", "welfare/2026-11-16/03784_tuat.csv", "khong_co_dong_hop_le"),
                         ("open", None, "mo"), ("snapshot_in_force", "register/2026-11-13", "ban_chup_moi_nhat")]
    assert check_quality_gate(committed_db, D) == gate          # a retry records the same, not twice
    assert len(_rows(committed_db, "SELECT 1 FROM ops.gate_decision")) == len(decisions)
    # the monitor page shows the decisions and counts the quarantined rows in their province
    with psycopg.connect(committed_db) as conn:
        week = queries.week("2026-W47")
        page = render.gate_table(queries.gate_decisions(conn, week))
        counts = {(c["ma_tinh"], c["ly_do"]): (c["so_dong"], c["so_tep"]) for c in queries.quarantine_counts(conn, week)}
    assert "welfare/2026-11-16/03784_tuat.csv" in page and "khong_co_dong_hop_le" in page and "Công bố" in page
    assert counts[(province("03784"), "thieu_ho_ten")] == (1, 0)
    assert counts[(province("03784"), "khong_co_dong_hop_le")] == (1, 1)

    ensure_lists_built(committed_db, D)
    published = [publish_province(committed_db, p, D) for p in (province("03784"), province("12700"))]
    figures = summarize(published, [], gate)                    # the run succeeds
    assert figures["provinces_published"] == 2 and figures["rows_quarantined"] == 2
    assert figures["files_quarantined"] == 2 and figures["alerts"] == []
    assert _rows(committed_db, f"SELECT ho_ten, nhom FROM tinh_{province('12700')}.tiem_nang") == [  # noqa: S608
        ("Lò Văn A", "NSNN_DONG")]
    assert _rows(committed_db, "SELECT ma_tinh FROM ops.publication WHERE tuan = '2026-W47' ORDER BY 1") == sorted(
        [(province("03784"),), (province("12700"),)])


def test_a_truncated_or_shrunk_register_delivery_is_refused_and_the_week_uses_the_previous_snapshot(
        committed_db, tmp_path):
    # in the snapshot of 11-13 the GD cards of persons 1-3 stopped in June; the later deliveries renew them
    _register(tmp_path, "2026-11-13", _persons(10), _coverage(1, 2, 3, until="2026-06-30"))
    cut = _persons(10)
    _register(tmp_path, "2026-11-18", cut[:int(len(cut) * 0.6)], _coverage(1, 2, 3, until="2027-06-30"))  # cut
    _register(tmp_path, "2026-11-19", _persons(4), _coverage(1, 2, 3, until="2027-06-30"))  # 4 of 10: below 0.5
    _in_force_elsewhere(tmp_path, "tax", "schools", "welfare")
    _load(committed_db, tmp_path, "register", "tax", "schools", "welfare")
    _conserved(committed_db)
    refused = _rows(committed_db, "SELECT path, split_part(message, ':', 1), rows_read FROM ops.file_log"
                                  " WHERE status = 'quarantined' ORDER BY path")
    assert refused == [("register/2026-11-18/persons.csv", "tep_hong", 0),
                       ("register/2026-11-19/persons.csv", "ban_chup_thu_hep", 0)]
    # the delivery is one snapshot: the coverage of a refused delivery is not combined with the earlier persons
    in_force = _rows(committed_db, "SELECT path FROM stg.current_files(%s) WHERE source = 'register' ORDER BY path",
                     (D,))
    assert in_force == [("register/2026-11-13/coverage.csv",), ("register/2026-11-13/employers.csv",),
                        ("register/2026-11-13/persons.csv",)]

    gate = check_quality_gate(committed_db, D)
    assert gate["register_snapshot"] == "2026-11-13" and gate["held"] == {}
    assert len(gate["alerts"]) == 1 and "register delivery of 2026-11-19 refused" in gate["alerts"][0]
    assert "2026-11-18/persons.csv (tep_hong" in gate["alerts"][0]
    assert "computed from the register snapshot of 2026-11-13" in gate["alerts"][0]
    assert _rows(committed_db, "SELECT path, reason FROM ops.gate_decision WHERE decision = 'snapshot_in_force'") == [
        ("register/2026-11-13", "ban_chup_truoc")]

    built = ensure_lists_built(committed_db, D)
    assert built["built_now"]
    assert _rows(committed_db, "SELECT count(*) FROM mt.record WHERE nguon = 'register'") == [(10,)]
    ma_tinh = geography.province_of("04105")
    published = publish_province(committed_db, ma_tinh, D)
    figures = summarize([published], [], gate)
    assert figures["alerts"] == gate["alerts"] and figures["register_snapshot"] == "2026-11-13"
    # published from the snapshot of 11-13: the three stopped GD cards, not the renewals of the refused deliveries
    # (and, revision 2, the seven other persons born in 1950 without a card: CAO_TUOI)
    assert _rows(committed_db, f"SELECT nhom, count(*) FROM tinh_{ma_tinh}.tiem_nang"  # noqa: S608
                               " GROUP BY 1 ORDER BY 1") == [("CAO_TUOI", 7), ("DUNG_BHYT_GD", 3)]
    assert _rows(committed_db, "SELECT ma_tinh, tuan FROM ops.publication") == [(ma_tinh, "2026-W47")]


def test_no_register_snapshot_in_force_stops_the_publication(committed_db, tmp_path):
    cut = _persons(10)
    _register(tmp_path, "2026-11-13", cut[:-3], _coverage(1))                 # the first ever delivery, cut short
    _load(committed_db, tmp_path, "register")
    with pytest.raises(QualityGateClosed, match="no register snapshot in force: every register delivery up to"
                                                " 2026-11-20 was refused .*persons.csv \\(tep_hong"):
        check_quality_gate(committed_db, D)
    assert _rows(committed_db, "SELECT decision, reason FROM ops.gate_decision") == [("closed", "dau_vao_quoc_gia")]


def test_a_hard_expectation_failing_on_a_list_in_force_holds_back_its_province(committed_db, tmp_path):
    """Defence in depth: row rules keep such values out of staging; should one get in, only its province waits."""
    _register(tmp_path, "2026-11-13", _persons(3), _coverage(1))
    _delivery(tmp_path, "welfare", "2026-11-16", {
        "12700_ho_ngheo.csv": WELFARE_HEADER + "1,Lò Văn A,01/01/1960,Nam,,01-001,HN\n"})
    _load(committed_db, tmp_path, "register")
    counts = ingest(committed_db, "welfare", tmp_path, D)
    with psycopg.connect(committed_db) as conn:
        conn.execute("UPDATE stg.welfare SET doi_tuong = 'XX'")
    validate(committed_db, "welfare", counts["file_ids"])
    gate = check_quality_gate(committed_db, D)
    held = geography.province_of("12700")
    assert list(gate["held"]) == [held] and "doi_tuong" in gate["held"][held][0]
    assert held not in provinces_to_publish(gate) and len(provinces_to_publish(gate)) == 33
    with pytest.raises(QualityGateClosed, match=f"1 held back.*{held}: welfare"):
        summarize([{"ma_tinh": "01", "tiem_nang": 1}], [], gate)
