"""Workbooks for collection agents (CONTRACT §5): one per agent and week, both lists, sorted by hamlet and name,
with a `Kết quả` drop-down and a `Ngày` column — and, filled in, a result file the collection ingest reads back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
from conftest import assert_conserved, delivery, rows

from tiemnang.publish.export import AGENT_COLUMNS, KET_QUA, export_province
from tiemnang.sources import ingest

TUAN, D = "2026-W25", dt.date(2026, 6, 19)
XA_A, XA_B = "25747", "25750"            # Phường Thủ Dầu Một, Phường Phú Lợi (province 79)
HEADER_ROW = 16                          # Excel row of the column titles: 6 title lines, a gap, 7 legend lines, a gap


def _tiem_nang(conn, ho_ten, ma_dai_ly, thon=None, *, ma_xa=XA_A, nhom="HO_TRO_HSSV", ngay_sinh="1990-01-01",
               gioi_tinh=1, so_ddcn=None, ma_so_bhxh=None, ket_qua=None, ngay_ket_qua=None):
    conn.execute(
        "INSERT INTO tinh_79.tiem_nang_lich_su (tuan, ngay_tham_chieu, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh,"
        " gioi_tinh, ma_xa, ten_xa, nhom, ly_do, nguon, khoa_nguoi, thon, ma_dai_ly, ket_qua_gan_nhat, ngay_ket_qua)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, (SELECT ten_xa FROM ref.commune WHERE ma_xa = %s), %s,"
        " ARRAY[%s], '[]', %s, %s, %s, %s, %s)",
        (TUAN, D, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh, gioi_tinh, ma_xa, ma_xa, nhom, nhom, f"k-{ho_ten}", thon,
         ma_dai_ly, ket_qua, ngay_ket_qua))


def _den_han(conn, id_nguoi, ho_ten, ma_dai_ly, thon=None, *, loai="BHYT_GD", ngay_sinh="1975-03", gioi_tinh=2,
             so_ddcn=None, ma_so_bhxh=None, ket_qua=None, ngay_ket_qua=None):
    conn.execute(
        "INSERT INTO tinh_79.den_han_dong_lich_su (tuan, ngay_tham_chieu, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten,"
        " ngay_sinh, gioi_tinh, ma_xa, ten_xa, ma_ho, loai, han_dong, phuong_thuc, so_tien, thon, ma_dai_ly,"
        " ket_qua_gan_nhat, ngay_ket_qua) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s,"
        " (SELECT ten_xa FROM ref.commune WHERE ma_xa = %s), 'HO1', %s, '2026-07-01', 12, 1366200, %s, %s, %s, %s)",
        (TUAN, D, id_nguoi, so_ddcn, ma_so_bhxh, ho_ten, ngay_sinh, gioi_tinh, XA_A, XA_A, loai, thon, ma_dai_ly,
         ket_qua, ngay_ket_qua))


# DL001's rows, in the order its workbook must list them: commune, then hamlet ("thon 2" is "Thôn 2" ignoring
# case and diacritics; 2 before 10; no hamlet last), then name without diacritics (Bùi, Đỗ, Lê: Đ sorts as D).
DL001_ORDER = ["Bùi Thị Dung", "Đỗ Thị Bình", "Lê Văn Em", "Âu Thị Giang", "Nguyễn Văn An", "Trần Văn Cường",
               "Vũ Văn Hải", "Cao Văn Phúc"]


def _world(conninfo: str) -> None:
    with psycopg.connect(conninfo) as conn:
        _tiem_nang(conn, "Nguyễn Văn An", "DL001", "Thôn 10", ngay_sinh="2009-05-05", so_ddcn="079209001111")
        _tiem_nang(conn, "Vũ Văn Hải", "DL001", "", nhom="CAO_TUOI", ngay_sinh="1955-12-30", so_ddcn="079055000444")
        _tiem_nang(conn, "Đỗ Thị Bình", "DL001", "Thôn 2", nhom="BB_NLD", ngay_sinh="1990-04-12", gioi_tinh=2,
                   so_ddcn="079190004321", ma_so_bhxh="7900004321")
        _tiem_nang(conn, "Trần Văn Cường", "DL001", None, nhom="DUNG_BHYT_GD", ngay_sinh="1968",
                   so_ddcn="079068000222")
        _tiem_nang(conn, "Âu Thị Giang", "DL001", "Thôn 10", ngay_sinh="1988-08-08", gioi_tinh=2,
                   ma_so_bhxh="7912345678")
        _tiem_nang(conn, "Cao Văn Phúc", "DL001", "Khu phố 1", ma_xa=XA_B, ngay_sinh="1970-07-07",
                   so_ddcn="079070000555")
        _den_han(conn, 11, "Bùi Thị Dung", "DL001", "thon 2", so_ddcn="079175000111", ma_so_bhxh="7900000111")
        _den_han(conn, 12, "Lê Văn Em", "DL001", "Thôn  2", loai="BHXH_TN", ngay_sinh="1980-01-01", gioi_tinh=1,
                 so_ddcn="079080000333", ket_qua="TU_CHOI", ngay_ket_qua=dt.date(2026, 5, 12))
        _tiem_nang(conn, "Phạm Văn Khoa", "DL002", "Thôn 3", ngay_sinh="1982-02-02")
        _tiem_nang(conn, "Hồ Văn Lâm", None, "Thôn 3")        # no candidate agent: on the lists, in no agent workbook
        _den_han(conn, 13, "Mai Thị Na", "", "Thôn 3")
        conn.execute("INSERT INTO tinh_79.tien_do_dai_ly_lich_su (tuan, ngay_tham_chieu, ma_dai_ly, ten_dai_ly, ma_xa,"
                     " ten_xa, so_duoc_giao, so_co_ket_qua, so_da_tham_gia)"
                     " VALUES (%s, %s, 'DL001', 'Nguyễn Thị Thu', %s, 'Phường Thủ Dầu Một', 7, 1, 0)", (TUAN, D, XA_A))


def _sheet(path: Path):
    import openpyxl

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Danh sách vận động"]
    return book, book.active


def _data(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=HEADER_ROW + 2, values_only=True) if isinstance(r[0], int)]


def test_one_workbook_per_agent_with_its_rows_in_hamlet_and_name_order(committed_db, tmp_path):
    _world(committed_db)

    paths = export_province(committed_db, "79", TUAN, tmp_path)

    agents = tmp_path / TUAN / "79" / "dai_ly"
    assert sorted(p.name for p in paths if p.parent == agents) == ["DL001.xlsx", "DL002.xlsx"]
    assert sorted(p.name for p in agents.iterdir()) == ["DL001.xlsx", "DL002.xlsx"]   # no workbook for "" or NULL
    _, ws = _sheet(agents / "DL001.xlsx")
    assert ws["A1"].value == "BẢO HIỂM XÃ HỘI VIỆT NAM"
    assert "Nguyễn Thị Thu (mã DL001)" in ws["A5"].value
    assert "Phường Thủ Dầu Một (25747)" in ws["A5"].value and "Phường Phú Lợi (25750)" in ws["A5"].value
    assert TUAN in ws["A6"].value and "19/06/2026" in ws["A6"].value
    legend = " ".join(ws.cell(r, 1).value or "" for r in range(8, HEADER_ROW))
    assert all(code in legend for code in KET_QUA) and "Đã mất" in legend
    header = [c.value for c in ws[HEADER_ROW]]
    assert header == [title for title, _ in AGENT_COLUMNS]
    assert header[:3] == ["STT", "Mã đại lý", "Họ và tên"] and header[-3:] == ["Kết quả", "Ngày", "Ghi chú"]
    for title in ("Ngày sinh", "Số định danh cá nhân", "Mã số BHXH", "Mã xã", "Thôn/Tổ dân phố", "Danh sách",
                  "Nhóm/Loại", "Kết quả gần nhất"):
        assert title in header
    col = {title: i for i, title in enumerate(header)}

    data = _data(ws)
    assert [r[col["Họ và tên"]] for r in data] == DL001_ORDER
    assert [r[col["STT"]] for r in data] == list(range(1, 9))
    assert {r[col["Mã đại lý"]] for r in data} == {"DL001"}
    assert [r[col["Thôn/Tổ dân phố"]] for r in data][:3] == ["thon 2", "Thôn 2", "Thôn  2"]
    by_name = {r[col["Họ và tên"]]: r for r in data}
    binh = by_name["Đỗ Thị Bình"]
    assert [binh[col[t]] for t in ("Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã số BHXH", "Mã xã",
                                   "Danh sách", "Nhóm/Loại")] == [
        "12/04/1990", "Nữ", "079190004321", "7900004321", XA_A, "Tiềm năng",
        "Người lao động chưa tham gia BHXH bắt buộc"]
    dung = by_name["Bùi Thị Dung"]
    assert [dung[col[t]] for t in ("Ngày sinh", "Danh sách", "Nhóm/Loại", "Số tiền phải đóng (đồng)")] == [
        "03/1975", "Đến hạn đóng", "BHYT hộ gia đình", 1_366_200]
    assert dung[col["Hạn đóng"]] == dt.datetime(2026, 7, 1)
    assert by_name["Lê Văn Em"][col["Kết quả gần nhất"]] == "TU_CHOI (12/05/2026)"
    assert all(r[col["Kết quả"]] is None and r[col["Ngày"]] is None and r[col["Ghi chú"]] is None for r in data)
    assert ws.cell(HEADER_ROW + 2, col["Ngày"] + 1).number_format == "dd/mm/yyyy"

    # the drop-down: a list validation of exactly the six codes over the Kết quả cells of every data row
    letter = ws.cell(HEADER_ROW, col["Kết quả"] + 1).column_letter
    lists = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 1
    assert lists[0].formula1 == '"' + ",".join(KET_QUA) + '"'
    assert set(KET_QUA) == {"DA_LIEN_HE", "HEN_THAM_GIA", "TU_CHOI", "KHONG_TIM_THAY", "CHUYEN_DI", "DA_MAT"}
    assert str(lists[0].sqref) == f"{letter}{HEADER_ROW + 2}:{letter}{HEADER_ROW + 1 + len(DL001_ORDER)}"

    _, other = _sheet(agents / "DL002.xlsx")
    assert [r[col["Họ và tên"]] for r in _data(other)] == ["Phạm Văn Khoa"]
    assert "mã DL002" in other["A5"].value        # no name known for DL002: its code


def test_the_result_codes_are_the_warehouse_codes(committed_db):
    assert sorted(KET_QUA) == [r[0] for r in rows(committed_db, "SELECT ma FROM ref.ket_qua ORDER BY ma")]


def test_an_agent_without_rows_this_week_loses_its_workbook(committed_db, tmp_path):
    _world(committed_db)
    export_province(committed_db, "79", TUAN, tmp_path)
    with psycopg.connect(committed_db) as conn:   # the week republished: DL002's row now DL001's
        conn.execute("UPDATE tinh_79.tiem_nang_lich_su SET ma_dai_ly = 'DL001' WHERE ma_dai_ly = 'DL002'")

    export_province(committed_db, "79", TUAN, tmp_path)

    agents = tmp_path / TUAN / "79" / "dai_ly"
    assert sorted(p.name for p in agents.iterdir()) == ["DL001.xlsx"]
    _, ws = _sheet(agents / "DL001.xlsx")
    assert "Phạm Văn Khoa" in [r[2] for r in _data(ws)]


def test_a_filled_in_agent_workbook_reads_back_as_results(committed_db, tmp_path):
    """The round trip: an agent fills three rows the way Excel would and the workbook is delivered as a result."""
    import openpyxl

    _world(committed_db)
    export_province(committed_db, "79", TUAN, tmp_path / "exports")
    path = tmp_path / "exports" / TUAN / "79" / "dai_ly" / "DL001.xlsx"
    book = openpyxl.load_workbook(path)
    ws = book.active
    header = [c.value for c in ws[HEADER_ROW]]
    ket_qua, ngay, ghi_chu = (header.index(t) + 1 for t in ("Kết quả", "Ngày", "Ghi chú"))
    rows_of = {ws.cell(r, 3).value: r for r in range(HEADER_ROW + 2, HEADER_ROW + 2 + len(DL001_ORDER))}
    # a code picked from the drop-down and a date typed into the dd/mm/yyyy cell: Excel stores a date
    ws.cell(rows_of["Đỗ Thị Bình"], ket_qua).value = "HEN_THAM_GIA"
    ws.cell(rows_of["Đỗ Thị Bình"], ngay).value = dt.datetime(2026, 6, 17)
    # a date typed as text (a cell formatted as text, or pasted): dd/mm/yyyy
    ws.cell(rows_of["Bùi Thị Dung"], ket_qua).value = "DA_LIEN_HE"
    ws.cell(rows_of["Bùi Thị Dung"], ngay).value = "16/06/2026"
    ws.cell(rows_of["Trần Văn Cường"], ket_qua).value = "CHUYEN_DI"
    ws.cell(rows_of["Trần Văn Cường"], ngay).value = dt.datetime(2026, 6, 18)
    ws.cell(rows_of["Trần Văn Cường"], ghi_chu).value = "Đã chuyển vào TP Hồ Chí Minh"
    landing = tmp_path / "landing"
    folder = delivery(landing, "collection", "2026-06-18", {
        "dai_ly_thu.csv": f"ma_dai_ly,ten_dai_ly,ma_xa,thon,tu_ngay,den_ngay\nDL001,Nguyễn Thị Thu,{XA_A},,2026-01-01,\n"
                          f"DL001,Nguyễn Thị Thu,{XA_B},,2026-01-01,\n"}, ready=False)
    (folder / "ket_qua").mkdir()
    book.save(folder / "ket_qua" / "DL001_2026-W25.xlsx")
    (folder / "_READY").touch()

    counts = ingest(committed_db, "collection", landing, D)

    assert counts["files_quarantined"] == 0
    assert_conserved(committed_db)
    # the five lines nobody visited yet are no result (counted in the file's message), the three visits are rows
    (status, read, accepted, quarantined, message), = rows(committed_db, """
        SELECT status, rows_read, rows_accepted, rows_quarantined, message FROM ops.file_log
        WHERE path = 'collection/2026-06-18/ket_qua/DL001_2026-W25.xlsx'""")
    assert (status, read, accepted, quarantined) == ("loaded", 3, 3, 0)
    assert "5 rows with neither Kết quả nor Ngày" in message
    got = rows(committed_db, """
        SELECT k.ma_dai_ly, k.ho_ten, k.ngay_sinh, k.so_ddcn, k.ma_xa, k.ngay, k.ket_qua, k.ghi_chu
        FROM stg.ket_qua k JOIN ops.file_log f USING (file_id)
        WHERE f.path = 'collection/2026-06-18/ket_qua/DL001_2026-W25.xlsx'
        ORDER BY k.dong""")
    assert got == [
        ("DL001", "Bùi Thị Dung", "1975-03", "079175000111", XA_A, dt.date(2026, 6, 16), "DA_LIEN_HE", None),
        ("DL001", "Đỗ Thị Bình", "1990-04-12", "079190004321", XA_A, dt.date(2026, 6, 17), "HEN_THAM_GIA", None),
        ("DL001", "Trần Văn Cường", "1968", "079068000222", XA_A, dt.date(2026, 6, 18), "CHUYEN_DI",
         "Đã chuyển vào TP Hồ Chí Minh"),
    ]
    dongs = [r[0] for r in rows(committed_db, "SELECT dong FROM stg.ket_qua ORDER BY dong")]
    assert dongs == [rows_of[n] for n in ("Bùi Thị Dung", "Đỗ Thị Bình", "Trần Văn Cường")]   # Excel's row numbers


def test_the_field_loop_through_the_chain(committed_db, tmp_path):
    """Register and agents delivered, lists built and published for W24, the agent's workbook filled in and returned:
    the next week's lists leave out the deceased, show the other visit as the latest result, and so does the
    agent's next workbook."""
    import openpyxl

    from tiemnang.orchestration.weekly import ensure_lists_built
    from tiemnang.publish import publish_province

    d1, d2 = dt.date(2026, 6, 12), dt.date(2026, 6, 19)
    landing = tmp_path / "landing"
    delivery(landing, "register", "2026-06-10", {
        "persons.csv": "id_nguoi,ma_so_bhxh,so_ddcn,ho_ten,ngay_sinh,gioi_tinh,ma_xa,ma_ho\n"
                       f"1,7900000001,079150000001,Nguyễn Văn Cao,1950-03-04,1,{XA_A},HO1\n"
                       f"2,7900000002,079155000002,Lê Thị Đào,1955-05-06,2,{XA_A},HO2\n"
                       f"3,7900000003,079080000003,Phan Văn Tùng,1980-07-08,1,{XA_A},HO3\n",
        "coverage.csv": "id_nguoi,loai,ma_doi_tuong,ma_don_vi,tu_ngay,den_ngay,phuong_thuc,muc_thu_nhap,thu_tu_trong_ho\n"
                        "3,BHYT,GD,,2025-07-01,2026-06-30,12,,1\n",
        "employers.csv": "ma_don_vi,ma_so_thue,ten_don_vi,ma_xa\n"})
    delivery(landing, "tax", "2026-06-10", {
        "enterprises.csv": "ma_so_thue,ten_doanh_nghiep,loai_hinh,ma_xa,dia_chi,ngay_thanh_lap,trang_thai,so_lao_dong,ky\n"})
    delivery(landing, "schools", "2026-06-10", {"schools.csv": "ma_truong,ten_truong,cap_hoc,ma_xa\n"})
    delivery(landing, "welfare", "2026-06-10", {
        f"{XA_A}_ho_can_ngheo.csv": "STT,HỌ VÀ TÊN,NGÀY SINH,GIỚI TÍNH,SỐ ĐỊNH DANH CÁ NHÂN,MÃ HỘ,ĐỐI TƯỢNG,THÔN/TỔ DÂN PHỐ\n"
                                    "1,Lê Thị Đào,06/05/1955,Nữ,079155000002,HO2,CN,Khu phố 3\n"})
    delivery(landing, "collection", "2026-06-10", {
        "dai_ly_thu.csv": f"ma_dai_ly,ten_dai_ly,ma_xa,thon,tu_ngay,den_ngay\nDL001,Nguyễn Thị Thu,{XA_A},,2026-01-01,\n"})

    def week(d: dt.date) -> Path:
        for source in ("register", "tax", "schools", "welfare", "collection"):
            ingest(committed_db, source, landing, d)
        ensure_lists_built(committed_db, d)
        publish_province(committed_db, "79", d)
        tuan = f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}"
        export_province(committed_db, "79", tuan, tmp_path / "exports")
        return tmp_path / "exports" / tuan / "79" / "dai_ly" / "DL001.xlsx"

    book = openpyxl.load_workbook(week(d1))
    ws = book.active
    header = [c.value for c in ws[HEADER_ROW]]
    at = {title: header.index(title) + 1 for title in ("Họ và tên", "Kết quả", "Ngày", "Kết quả gần nhất")}
    lines = {ws.cell(r, at["Họ và tên"]).value: r for r in range(HEADER_ROW + 2, HEADER_ROW + 5)}
    assert sorted(lines) == ["Lê Thị Đào", "Nguyễn Văn Cao", "Phan Văn Tùng"]
    ws.cell(lines["Nguyễn Văn Cao"], at["Kết quả"]).value = "DA_MAT"
    ws.cell(lines["Nguyễn Văn Cao"], at["Ngày"]).value = dt.datetime(2026, 6, 15)
    ws.cell(lines["Phan Văn Tùng"], at["Kết quả"]).value = "HEN_THAM_GIA"
    ws.cell(lines["Phan Văn Tùng"], at["Ngày"]).value = "16/06/2026"
    folder = delivery(landing, "collection", "2026-06-17", {}, ready=False)
    (folder / "ket_qua").mkdir()
    book.save(folder / "ket_qua" / "DL001.xlsx")
    (folder / "_READY").touch()

    path = week(d2)

    assert rows(committed_db, "SELECT ho_ten, danh_sach, nhom, ket_qua, ngay_ket_qua, ma_dai_ly FROM tinh_79.loai_tru"
                ) == [("Nguyễn Văn Cao", "tiem_nang", "CAO_TUOI", "DA_MAT", dt.date(2026, 6, 15), "DL001")]
    assert rows(committed_db, "SELECT ho_ten, ma_dai_ly, ket_qua_gan_nhat FROM tinh_79.tiem_nang") == [
        ("Lê Thị Đào", "DL001", None)]
    assert rows(committed_db, "SELECT ho_ten, ma_dai_ly, ket_qua_gan_nhat, ngay_ket_qua FROM tinh_79.den_han_dong"
                ) == [("Phan Văn Tùng", "DL001", "HEN_THAM_GIA", dt.date(2026, 6, 16))]
    ws = openpyxl.load_workbook(path).active
    thon = header.index("Thôn/Tổ dân phố")
    assert [(r[at["Họ và tên"] - 1], r[thon], r[at["Kết quả gần nhất"] - 1]) for r in _data(ws)] == [
        ("Lê Thị Đào", "Khu phố 3", None), ("Phan Văn Tùng", None, "HEN_THAM_GIA (16/06/2026)")]
