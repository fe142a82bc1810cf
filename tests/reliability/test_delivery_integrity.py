"""A file is what was delivered: hash and rows from the same bytes, files cut short refused, delivered folders
immutable, names compared NFC with case-insensitive extensions, key conflicts visible, unread landing entries traced."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import unicodedata
from pathlib import Path

import pytest
from conftest import assert_conserved as _conserved
from conftest import delivery as _delivery
from conftest import rows as _rows

from tiemnang.sources import ingest, readers

D1, D2 = dt.date(2026, 11, 13), dt.date(2026, 11, 20)
PERSONS = ("id_nguoi,ma_so_bhxh,so_ddcn,ho_ten,ngay_sinh,gioi_tinh,ma_xa,ma_ho\n"
           + "".join(f"{i},{1400000000 + i},,Người Số {i},1950-01,1,04105,HO{i}\n" for i in range(1, 11)))
WELFARE = ("DANH SÁCH HỘ NGHÈO\nSTT,HỌ VÀ TÊN,NGÀY SINH,GIỚI TÍNH,SỐ ĐỊNH DANH CÁ NHÂN,MÃ HỘ,ĐỐI TƯỢNG\n"
           "1,Lò Văn A,01/01/1960,Nam,,01-001,HN\n2,Lò Thị B,02/02/1962,Nữ,,01-001,HN\n")
ROSTER = "STT,Họ và tên,Ngày sinh,Giới tính,Số định danh cá nhân\n1,Cầm Văn C,01/09/2010,Nam,\n"
NAME = "03784_hộ_nghèo.csv"


def _log(conninfo: str) -> list[tuple]:
    return _rows(conninfo, "SELECT path, status, coalesce(split_part(message, ':', 1), ''), rows_read, rows_accepted,"
                           " rows_quarantined FROM ops.file_log ORDER BY file_id")


def _in_force(conninfo: str, d: dt.date) -> list[tuple]:
    return _rows(conninfo, "SELECT file_id, path FROM stg.current_files(%s) ORDER BY path", (d,))


def test_hash_and_rows_come_from_the_same_bytes(committed_db, tmp_path, monkeypatch):
    """A file appended while it is read: the rows are those of the bytes hashed; the appended file, seen the next
    night, is a change in place: reported, not loaded."""
    folder = _delivery(tmp_path, "welfare", "2026-11-10", {NAME: WELFARE})
    original = (folder / NAME).read_bytes()
    records = readers.csv_records

    def appended_meanwhile(path: Path, encoding: str):
        with open(folder / NAME, "a", encoding="utf-8") as f:     # the source writes on, behind _READY
            f.write("3,Lò Văn D,03/03/1963,Nam,,01-002,HN\n")
        return records(path, encoding)

    monkeypatch.setattr(readers, "csv_records", appended_meanwhile)
    counts = ingest(committed_db, "welfare", tmp_path, D1)
    monkeypatch.undo()
    assert (counts["files_loaded"], counts["rows_read"], counts["rows_accepted"]) == (1, 2, 2)
    assert _rows(committed_db, "SELECT sha256, size_bytes FROM ops.file_log") == [
        (hashlib.sha256(original).hexdigest(), len(original))]
    first = _in_force(committed_db, D1)

    counts = ingest(committed_db, "welfare", tmp_path, D2)
    assert (counts["files_altered"], counts["files_loaded"], counts["rows_read"]) == (1, 0, 0)
    path = f"welfare/2026-11-10/{NAME}"
    assert _log(committed_db) == [(path, "loaded", "", 2, 2, 0), (path, "altered", "tep_bi_thay_doi", 0, 0, 0)]
    assert _rows(committed_db, "SELECT reasons FROM ops.quarantine WHERE row_number IS NULL") == [(["tep_bi_thay_doi"],)]
    # the backfill of the first week and this week both read what was delivered
    assert _in_force(committed_db, D1) == first == _in_force(committed_db, D2)
    assert _rows(committed_db, "SELECT count(*) FROM stg.welfare") == [(2,)]
    assert ingest(committed_db, "welfare", tmp_path, D2)["files_already_done"] == 1   # reported once
    _conserved(committed_db)


CUT = [
    ("persons.csv", PERSONS[:-25], "has 4 of 8 fields and no final newline"),          # last record short
    ("persons.csv", PERSONS + '11,1400000011,,"Người Số', "inside a quoted field, without a final newline"),
    ("persons.csv", PERSONS + '11,1400000011,,Người,1950,1,04105,"HO\n', "inside a quoted field at the end"),
    ("welfare", WELFARE + "3,Lò Văn D,03/03/19", "has 3 of 7 fields and no final newline"),  # a data row cut
]


@pytest.mark.parametrize(("name", "content", "message"), CUT, ids=["short", "quote", "quote_newline", "titled"])
def test_a_csv_cut_mid_record_is_refused_as_tep_hong(committed_db, tmp_path, name, content, message):
    source, name = ("register", name) if name == "persons.csv" else ("welfare", NAME)
    _delivery(tmp_path, source, "2026-11-10", {name: content})
    counts = ingest(committed_db, source, tmp_path, D1)
    assert (counts["files_quarantined"], counts["rows_read"]) == (1, 0)
    status, reason = _log(committed_db)[0][1:3]
    assert (status, reason) == ("quarantined", "tep_hong")
    assert message in _rows(committed_db, "SELECT message FROM ops.file_log")[0][0]
    assert _rows(committed_db, "SELECT count(*) FROM stg.persons") == [(0,)] == \
        _rows(committed_db, "SELECT count(*) FROM stg.welfare")
    _conserved(committed_db)


def test_complete_files_without_a_final_newline_load(committed_db, tmp_path):
    _delivery(tmp_path, "register", "2026-11-10", {"persons.csv": PERSONS.rstrip("\n")})
    _delivery(tmp_path, "welfare", "2026-11-10", {NAME: WELFARE + "Người lập biểu"})   # a footer, not a data row
    for source in ("register", "welfare"):
        counts = ingest(committed_db, source, tmp_path, D1)
        assert counts["files_loaded"] == 1 and counts["rows_quarantined"] == 0
    assert [r[3] for r in _log(committed_db)] == [10, 2]
    _conserved(committed_db)


def test_a_workbook_cut_short_is_refused_as_tep_hong(committed_db, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    for line in ROSTER.splitlines():
        book.active.append(line.split(","))
    for i in range(2, 200):
        book.active.append([i, f"Học Sinh {i}", "01/09/2010", "Nữ", ""])
    whole = io.BytesIO()
    book.save(whole)
    data = whole.getvalue()
    _delivery(tmp_path, "schools", "2026-11-10", {"79000001.xlsx": data[:int(len(data) * 0.6)]})
    counts = ingest(committed_db, "schools", tmp_path, D1)
    assert (counts["files_quarantined"], counts["rows_read"]) == (1, 0)
    message = _rows(committed_db, "SELECT message FROM ops.file_log")[0][0]
    assert message.startswith("tep_hong: workbook cut short: not a complete zip")


def test_a_file_changed_after_loading_is_reported_and_never_alters_a_backfill(committed_db, tmp_path):
    _delivery(tmp_path, "register", "2026-11-10", {"persons.csv": PERSONS})
    assert ingest(committed_db, "register", tmp_path, D1)["files_loaded"] == 1
    first = _in_force(committed_db, D1)
    folder = _delivery(tmp_path, "register", "2026-11-17", {"persons.csv": PERSONS})  # identical: unchanged
    (tmp_path / "register" / "2026-11-10" / "persons.csv").write_text(PERSONS.replace("Người Số 1,", "Ai Khác,"))
    counts = ingest(committed_db, "register", tmp_path, D2)
    assert (counts["files_altered"], counts["files_unchanged"], counts["files_loaded"]) == (1, 1, 0)
    assert [r[:3] for r in _log(committed_db)] == [
        ("register/2026-11-10/persons.csv", "loaded", ""),
        ("register/2026-11-10/persons.csv", "altered", "tep_bi_thay_doi"),
        ("register/2026-11-17/persons.csv", "unchanged", "identical to the file in force; nothing loaded")]
    assert _in_force(committed_db, D1) == first == _in_force(committed_db, D2)
    assert _rows(committed_db, "SELECT ho_ten FROM stg.persons WHERE id_nguoi = 1") == [("Người Số 1",)]
    assert folder.is_dir()
    _conserved(committed_db)


def test_names_are_compared_nfc_with_case_insensitive_extensions(committed_db, tmp_path):
    nfd = unicodedata.normalize("NFD", NAME).removesuffix(".csv") + ".CSV"
    assert nfd.encode() != NAME.encode()
    _delivery(tmp_path, "welfare", "2026-11-10", {NAME: WELFARE})
    _delivery(tmp_path, "welfare", "2026-11-17", {nfd: WELFARE.replace("Lò Thị B", "Lò Thị E")})
    counts = ingest(committed_db, "welfare", tmp_path, D2)
    assert counts["files_loaded"] == 2
    # the later file replaces the earlier one; its path is stored NFC
    stored = unicodedata.normalize("NFC", f"welfare/2026-11-17/{nfd}")
    assert [p for _, p in _in_force(committed_db, D2)] == [stored]
    assert [p for _, p in _in_force(committed_db, D1)] == [f"welfare/2026-11-10/{NAME}"]
    _conserved(committed_db)


def test_two_files_for_one_key_in_one_delivery_are_a_visible_conflict(committed_db, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    for line in ROSTER.splitlines():
        book.active.append(line.split(","))
    xlsx = io.BytesIO()
    book.save(xlsx)
    directory = "ma_truong,ten_truong,cap_hoc,ma_xa\n79000001,Trường THPT Một,THPT,26782\n"
    _delivery(tmp_path, "schools", "2026-11-10", {"schools.csv": directory, "79000001.csv": ROSTER})
    _delivery(tmp_path, "schools", "2026-11-17", {"79000001.csv": ROSTER.replace("Cầm Văn C", "Cầm Văn F"),
                                                  "79000001.xlsx": xlsx.getvalue()})
    nfd = unicodedata.normalize("NFD", NAME)
    _delivery(tmp_path, "welfare", "2026-11-17", {NAME: WELFARE, nfd: WELFARE.replace("Lò Thị B", "Lò Thị E")})
    for source in ("schools", "welfare"):
        ingest(committed_db, source, tmp_path, D2)
    conflicts = _rows(committed_db, "SELECT path, status, message FROM ops.file_log"
                                    " WHERE message LIKE 'tep_trung_khoa%%' ORDER BY path")
    assert [(p, s) for p, s, _ in conflicts] == [
        ("schools/2026-11-17/79000001.csv", "quarantined"), ("schools/2026-11-17/79000001.xlsx", "quarantined"),
        (f"welfare/2026-11-17/{nfd}", "quarantined"), (f"welfare/2026-11-17/{NAME}", "quarantined")]
    assert all("'79000001.csv', '79000001.xlsx'" in m for p, _, m in conflicts if p.startswith("schools"))
    assert _rows(committed_db, "SELECT count(*) FROM ops.quarantine WHERE reasons = '{tep_trung_khoa}'") == [(4,)]
    # neither replaces the roster in force; the welfare key has no file in force
    assert [p for _, p in _in_force(committed_db, D2)] == ["schools/2026-11-10/79000001.csv"]
    _conserved(committed_db)


def test_landing_entries_that_will_never_be_read_leave_a_trace(committed_db, tmp_path):
    for folder in ("2026-13-45", "latest", "2099-01-01"):
        _delivery(tmp_path, "welfare", folder, {NAME: WELFARE})
    (tmp_path / "welfare" / "03784_stray.csv").write_text(WELFARE)
    _delivery(tmp_path, "welfare", "2026-11-10", {NAME: WELFARE})
    counts = ingest(committed_db, "welfare", tmp_path, D1)
    assert counts["files_loaded"] == 1 and counts["entries_ignored"] == 3
    ignored = _rows(committed_db, "SELECT path, source, reason FROM ops.landing_ignored ORDER BY path")
    assert ignored == [("welfare/03784_stray.csv", "welfare", "tep_ngoai_thu_muc_giao"),
                       ("welfare/2026-13-45", "welfare", "thu_muc_khong_hop_le"),
                       ("welfare/latest", "welfare", "thu_muc_khong_hop_le")]
    assert _rows(committed_db, "SELECT count(*) FROM ops.landing_ignored l JOIN ops.reason_code r"
                               " ON r.code = l.reason") == [(3,)]
    ingest(committed_db, "welfare", tmp_path, D1)                   # seen again: still one row each
    assert len(_rows(committed_db, "SELECT 1 FROM ops.landing_ignored")) == 3
