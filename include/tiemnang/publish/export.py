"""Workbooks for collectors: one .xlsx per commune and week (headers modelled on forms D03-TS/D05-TS), and one per
collection agent and week whose filled-in copy is a `collection/…/ket_qua/` result file (CONTRACT §2.6, §5)."""

from __future__ import annotations

import contextlib
import gc
import grp
import hashlib
import itertools
import logging
import operator
import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

from tiemnang import config, db
from tiemnang.publish.schemas import schema_name
from tiemnang.reference import geography

log = logging.getLogger(__name__)

GIOI_TINH = {1: "Nam", 2: "Nữ"}
LOAI_DEN_HAN = {"BHYT_GD": "BHYT hộ gia đình", "BHXH_TN": "BHXH tự nguyện"}
LOAI_DON_VI = {"CHUA_DANG_KY": "Chưa đăng ký tham gia", "DONG_THIEU": "Đóng thiếu lao động"}
LOAI_TRUNG = {"THE_TRUNG": "Trùng thẻ BHYT còn hạn", "HO_SO_TRUNG": "Trùng hồ sơ (nhiều mã người)"}
NGUON = {"register": "CSDL BHXH", "schools": "Danh sách HSSV", "welfare": "Danh sách của UBND xã",
         "wage_earners": "Khấu trừ thuế TNCN", "household_businesses": "Hộ kinh doanh"}

# (sheet name, title, [(header, width)])
SHEETS = {
    "tiem_nang": ("Tiềm năng", "DANH SÁCH NGƯỜI TIỀM NĂNG THAM GIA BHXH, BHYT", [
        ("STT", 6), ("Họ và tên", 28), ("Ngày sinh", 12), ("Giới tính", 9), ("Số định danh cá nhân", 16),
        ("Mã số BHXH", 13), ("Nhóm đối tượng", 44), ("Mã nhóm", 18), ("Thuộc các nhóm", 30),
        ("Nguồn dữ liệu", 60), ("Kết quả vận động", 24)]),
    "den_han_dong": ("Đến hạn đóng", "DANH SÁCH NGƯỜI ĐẾN HẠN ĐÓNG BHYT HỘ GIA ĐÌNH, BHXH TỰ NGUYỆN", [
        ("STT", 6), ("Họ và tên", 28), ("Mã số BHXH", 13), ("Số định danh cá nhân", 16), ("Ngày sinh", 12),
        ("Giới tính", 9), ("Mã hộ gia đình", 14), ("Loại", 20), ("Hạn đóng", 12),
        ("Phương thức đóng (tháng)", 12), ("Số tiền phải đóng (đồng)", 16), ("Ghi chú", 24)]),
    "don_vi_tiem_nang": ("Đơn vị tiềm năng", "DANH SÁCH DOANH NGHIỆP CHƯA THAM GIA HOẶC ĐÓNG THIẾU BHXH", [
        ("STT", 6), ("Mã số thuế", 16), ("Tên doanh nghiệp", 40), ("Loại hình", 10), ("Tình trạng", 22),
        ("Số lao động (thuế)", 12), ("Số lao động đóng BHXH", 12), ("Chênh lệch", 11), ("Ghi chú", 24)]),
    "the_trung": ("Thẻ trùng", "DANH SÁCH NGƯỜI TRÙNG THẺ BHYT HOẶC TRÙNG HỒ SƠ", [
        ("STT", 6), ("Họ và tên", 28), ("Ngày sinh", 12), ("Giới tính", 9), ("Số định danh cá nhân", 16),
        ("Mã số BHXH", 13), ("Loại trùng", 26), ("Các mã người", 18), ("Các thẻ BHYT còn hạn", 60),
        ("Ghi chú", 24)]),
    "don_vi_no_dong": ("Đơn vị nợ đóng", "DANH SÁCH ĐƠN VỊ NỢ ĐÓNG BHXH TỪ 3 THÁNG TRỞ LÊN", [
        ("STT", 6), ("Mã đơn vị", 12), ("Mã số thuế", 16), ("Tên đơn vị", 40), ("Số tháng nợ", 10),
        ("Số tiền nợ (đồng)", 16), ("Nợ từ tháng", 11), ("Ghi chú", 24)]),
}


# The agent workbook (CONTRACT §5): the result columns of §2.6 (their titles are what the ket_qua reader matches,
# ignoring case and diacritics) with what an agent needs at the door in between; the reader ignores the others.
AGENT_FOLDER = "dai_ly"
AGENT_TITLE = "DANH SÁCH NGƯỜI CẦN VẬN ĐỘNG THAM GIA BHXH, BHYT GIAO CHO ĐẠI LÝ THU"
AGENT_COLUMNS = [
    ("STT", 6), ("Mã đại lý", 11), ("Họ và tên", 26), ("Ngày sinh", 11), ("Giới tính", 8),
    ("Số định danh cá nhân", 15), ("Mã số BHXH", 13), ("Mã xã", 8), ("Thôn/Tổ dân phố", 18), ("Danh sách", 13),
    ("Nhóm/Loại", 34), ("Hạn đóng", 11), ("Số tiền phải đóng (đồng)", 13), ("Kết quả gần nhất", 22),
    ("Kết quả", 17), ("Ngày", 12), ("Ghi chú", 28)]
KET_QUA_COL, NGAY_COL = 14, 15
DANH_SACH = {"tiem_nang": "Tiềm năng", "den_han_dong": "Đến hạn đóng"}
# The result codes of CONTRACT §2.6 in its order (ref.ket_qua holds the same codes and the exclusion rule of §4.7),
# each with what it means for the person's place on the lists: the legend of the agent workbook.
KET_QUA = {
    "DA_LIEN_HE": "Đã liên hệ, tư vấn (người vẫn ở trong danh sách)",
    "HEN_THAM_GIA": "Hẹn sẽ tham gia (vẫn ở trong danh sách đến khi tham gia)",
    "TU_CHOI": "Từ chối tham gia (vẫn ở trong danh sách)",
    "KHONG_TIM_THAY": "Không tìm thấy tại địa chỉ (không đưa vào danh sách trong 180 ngày)",
    "CHUYEN_DI": "Đã chuyển đi nơi khác (không đưa vào danh sách trong 180 ngày)",
    "DA_MAT": "Đã mất (không đưa vào danh sách nữa)",
}
_SAFE_NAME = re.compile(r"[0-9A-Za-z_-]+")


def export_province(conninfo: str | None, ma_tinh: str, tuan: str, out_dir: Path) -> list[Path]:
    """Write `<out_dir>/<tuan>/<ma_tinh>/<ma_xa>.xlsx` for every commune with rows in the week, and
    `<out_dir>/<tuan>/<ma_tinh>/dai_ly/<ma_dai_ly>.xlsx` for every agent with rows assigned; returns the paths."""
    idents = {"schema": schema_name(ma_tinh)}
    target = private_folder(Path(out_dir), tuan, ma_tinh)
    ten_tinh = geography.provinces().get(ma_tinh, ma_tinh)
    paths = []
    with db.connect(conninfo) as conn:
        communes = db.fetch(conn, "publish/export_communes", {"tuan": tuan}, idents)
        # One query per sheet for the whole province, ordered by commune and read alongside the communes:
        # a query per commune and sheet read the province's whole week each time. Server-side cursors keep
        # one commune's rows in memory, as before.
        sheets = {name: _CommuneRows(conn, name, tuan, idents) for name in SHEETS}
        for ma_xa, ten_xa, ngay in communes:
            path = target / f"{ma_xa}.xlsx"
            heading = (f"BẢO HIỂM XÃ HỘI {ten_tinh.upper()}", f"Xã/phường: {ten_xa} (mã {ma_xa})",
                       f"Tuần {tuan}, ngày tham chiếu {ngay:%d/%m/%Y}")
            with _collector_paused():
                _workbook(path, heading, {name: rows.take(ma_xa) for name, rows in sheets.items()})
            paths.append(path)
        for rows in sheets.values():
            rows.close()
        agents = _export_agents(conn, idents, tuan, Path(out_dir), ma_tinh, ten_tinh)
    log.info("exported %d commune and %d agent workbooks for province %s, week %s", len(paths), len(agents),
             ma_tinh, tuan)
    return paths + agents


def _export_agents(conn, idents: dict[str, str], tuan: str, out_dir: Path, ma_tinh: str, ten_tinh: str) -> list[Path]:
    """One workbook per agent with rows of the week, read agent by agent from one ordered query (one agent's rows
    in memory at a time, as one commune's for the commune workbooks).

    An agent's workbook of an earlier export of this week that no longer has rows is removed: it would hand the
    agent persons now assigned to someone else.
    """
    names = dict(db.fetch(conn, "publish/export_agent_names", {"tuan": tuan}, idents))
    folder = out_dir / tuan / ma_tinh / AGENT_FOLDER
    paths: list[Path] = []
    with conn.cursor(name="export_agents") as cursor:
        cursor.itersize = 5000
        cursor.execute(db.render(conn, "publish/export_agent_rows", idents), {"tuan": tuan})
        for ma_dai_ly, rows in itertools.groupby(cursor, key=operator.itemgetter(0)):
            if not paths:
                folder = private_folder(out_dir, tuan, ma_tinh, AGENT_FOLDER)
            path = folder / f"{agent_file_name(ma_dai_ly)}.xlsx"
            with _collector_paused():
                _agent_workbook(path, ten_tinh, tuan, ma_dai_ly, names.get(ma_dai_ly), rows)
            paths.append(path)
    if folder.is_dir():
        written = set(paths)
        for old in folder.glob("*.xlsx"):
            if old not in written:
                old.unlink()
                log.info("removed %s: the agent has no rows in week %s any more", old, tuan)
    return paths


def agent_file_name(ma_dai_ly: str) -> str:
    """The code itself when it is a safe file name; else its safe characters and a digest of the code (a code
    comes from a delivered file: it must never name a path outside the folder, nor two agents one file)."""
    if _SAFE_NAME.fullmatch(ma_dai_ly):
        return ma_dai_ly
    safe = re.sub(r"[^0-9A-Za-z_-]+", "_", ma_dai_ly).strip("_")[:40]
    return f"{safe}_{hashlib.sha256(ma_dai_ly.encode()).hexdigest()[:10]}"


def _agent_workbook(path: Path, ten_tinh: str, tuan: str, ma_dai_ly: str, ten_dai_ly: str | None, rows) -> None:
    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    with private_file(path) as fh, xlsxwriter.Workbook(fh, options) as book:
        styles = _styles(book)
        ws = book.add_worksheet("Danh sách vận động")
        last = len(AGENT_COLUMNS) - 1
        ws.write(0, 0, "BẢO HIỂM XÃ HỘI VIỆT NAM", styles["agency"])
        ws.write(1, 0, f"BẢO HIỂM XÃ HỘI {ten_tinh.upper()}", styles["agency"])
        ws.merge_range(3, 0, 3, last, AGENT_TITLE, styles["title"])
        agent = f"Đại lý thu: {ten_dai_ly} (mã {ma_dai_ly})" if ten_dai_ly else f"Đại lý thu: mã {ma_dai_ly}"
        legend = ['Cách ghi: ở cột "Kết quả" chọn một mã trong danh sách; ở cột "Ngày" ghi ngày gặp (dd/mm/yyyy); '
                  "gửi lại tệp này cho cơ quan BHXH."]
        legend += [f"{code}: {meaning}" for code, meaning in KET_QUA.items()]
        for i, text in enumerate(legend):
            ws.merge_range(7 + i, 0, 7 + i, last, text, styles["legend"])
        header_row = 8 + len(legend)
        for col, (text, width) in enumerate(AGENT_COLUMNS):
            ws.set_column(col, col, width)
            ws.write(header_row, col, text, styles["header"])
            ws.write(header_row + 1, col, col + 1, styles["number"])
        ws.set_row(header_row, 32)
        ws.freeze_panes(header_row + 2, 3)
        ws.repeat_rows(header_row, header_row + 1)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        communes: dict[str, str] = {}
        n, ngay = 0, None
        for n, row in enumerate(rows, start=1):
            communes.setdefault(row[1], row[2])
            ngay = row[-1]
            _agent_row(ws, styles, header_row + 1 + n, n, row[:-1])
        first, end = header_row + 2, header_row + 1 + n
        ws.merge_range(4, 0, 4, last, f"{agent}; địa bàn: " + ", ".join(
            f"{ten or ma} ({ma})" for ma, ten in communes.items() if ma), styles["sub"])
        ws.merge_range(5, 0, 5, last, f"Tuần {tuan}, ngày tham chiếu {ngay:%d/%m/%Y}; {n} dòng", styles["sub"])
        if n:
            ws.autofilter(header_row, 0, end, last)
            ws.data_validation(first, KET_QUA_COL, end, KET_QUA_COL, {
                "validate": "list", "source": list(KET_QUA), "input_title": "Kết quả",
                "input_message": "Chọn một mã: " + ", ".join(KET_QUA) + ".",
                "error_title": "Mã kết quả không đúng", "error_message": "Chỉ chọn một trong các mã của danh sách."})
            ws.data_validation(first, NGAY_COL, end, NGAY_COL, {
                "validate": "any", "input_title": "Ngày", "input_message": "Ngày gặp, dạng dd/mm/yyyy."})
        foot = end + 2
        ws.write(foot, 1, f"Tổng số: {n}", styles["agency"])
        ws.write(foot + 1, last - 2, "Ngày ….. tháng ….. năm ……", styles["sub"])
        ws.write(foot + 2, 2, "Cán bộ BHXH", styles["sign"])
        ws.write(foot + 2, last - 2, "Đại lý thu (ký, ghi rõ họ tên)", styles["sign"])


def _agent_row(ws, styles, r: int, stt: int, row: tuple) -> None:
    (ma_dai_ly, ma_xa, _ten_xa, ho_ten, ngay_sinh, gioi_tinh, so_ddcn, ma_so_bhxh, thon, danh_sach, nhom_loai,
     han_dong, so_tien, ket_qua, ngay_ket_qua) = row
    cell, day = styles["cell"], styles["date"]
    if danh_sach == "den_han_dong":
        nhom_loai = LOAI_DEN_HAN.get(nhom_loai, nhom_loai)
    latest = f"{ket_qua} ({ngay_ket_qua:%d/%m/%Y})" if ket_qua and ngay_ket_qua else ket_qua
    texts = (ma_dai_ly, ho_ten, _ngay_sinh(ngay_sinh), GIOI_TINH.get(gioi_tinh, ""), so_ddcn, ma_so_bhxh, ma_xa, thon,
             DANH_SACH.get(danh_sach, danh_sach), nhom_loai)
    ws.write_number(r, 0, stt, cell)
    for col, value in enumerate(texts, start=1):
        if value:
            ws.write_string(r, col, value, cell)
        else:
            ws.write_blank(r, col, None, cell)
    if han_dong:
        ws.write_datetime(r, 11, han_dong, day)
    else:
        ws.write_blank(r, 11, None, day)
    if so_tien is not None:
        ws.write_number(r, 12, so_tien, styles["money"])
    else:
        ws.write_blank(r, 12, None, cell)
    if latest:
        ws.write_string(r, 13, latest, cell)
    else:
        ws.write_blank(r, 13, None, cell)
    ws.write_blank(r, KET_QUA_COL, None, cell)
    ws.write_blank(r, NGAY_COL, None, day)     # dd/mm/yyyy: a date typed in Excel stays a date cell
    ws.write_blank(r, 16, None, cell)


def _workbook(path: Path, heading: tuple[str, str, str], rows: dict[str, list[list]]) -> None:
    import xlsxwriter

    # names come from commune lists: a cell starting with "=" must stay text, never a live formula;
    # in_memory: the parts are assembled in memory instead of one temporary file each
    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    with private_file(path) as fh, xlsxwriter.Workbook(fh, options) as book:
        styles = _styles(book)
        for name, (sheet_name, title, columns) in SHEETS.items():
            _sheet(book, styles, sheet_name, title, heading, columns, rows[name])


def _modes() -> tuple[int, int, int | None]:
    """(folder mode, file mode, group id): the owner only, or also TIEMNANG_EXPORT_GROUP, read-only."""
    group = config.export_group()
    if group is None:
        return 0o700, 0o600, None
    return 0o750, 0o640, int(group) if group.isdigit() else grp.getgrnam(group).gr_gid


def _restrict(path: Path | int, mode: int, gid: int | None) -> None:
    if gid is not None:
        os.chown(path, -1, gid)
    os.chmod(path, mode)


def private_folder(root: Path, *parts: str) -> Path:
    """`root/parts…`, each folder the export owns set to 0700 (0750 with the group) whatever the umask.

    An existing `root` is the operator's (a mount, a shared volume) and keeps its mode; one created here is private.
    """
    folder_mode, _, gid = _modes()
    if not root.exists():
        root.mkdir(parents=True, mode=folder_mode)
        _restrict(root, folder_mode, gid)
    path = root
    for part in parts:
        path = path / part
        path.mkdir(mode=folder_mode, exist_ok=True)
        _restrict(path, folder_mode, gid)   # also a folder an earlier version left 0755
    return path


@contextlib.contextmanager
def private_file(path: Path) -> Iterator[BinaryIO]:
    """`path` opened for writing with mode 0600 (0640 with the group) from its creation: never readable by others."""
    _, file_mode, gid = _modes()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, file_mode)
    with os.fdopen(fd, "wb") as fh:
        _restrict(fd, file_mode, gid)   # a file an earlier export left 0644 keeps its mode through O_CREAT
        yield fh


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while one workbook is built; one young collection frees it after.

    xlsxwriter's worksheets keep a bound method of their workbook, so every workbook is a reference cycle
    that only the cyclic collector frees. Collecting while it is built promoted its cell tuples into the
    old generations, where each full collection traversed them again until one finally freed them (about
    15 % of the export's CPU). Paused, they stay young and are traversed once, after the book is closed.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


class _CommuneRows:
    """One sheet's rows of the province's week, read by commune in the order of `ma_xa` (the first column)."""

    def __init__(self, conn, name: str, tuan: str, idents: dict[str, str]) -> None:
        self.name = name
        self.cursor = conn.cursor(name=f"export_{name}")
        self.cursor.itersize = 5000
        self.cursor.execute(db.render(conn, f"publish/export_{name}", idents), {"tuan": tuan})
        self.groups = itertools.groupby(self.cursor, key=operator.itemgetter(0))
        self.head = next(self.groups, None)

    def take(self, ma_xa: str) -> list[list]:
        """The cells of the commune's rows; the communes must be asked for in the query's order."""
        if self.head is None or self.head[0] != ma_xa:
            return []
        cells = [_cells(self.name, row[1:]) for row in self.head[1]]
        self.head = next(self.groups, None)
        return cells

    def close(self) -> None:
        if self.head is not None:   # a commune missing from export_communes, or out of order
            raise RuntimeError(f"{self.name}: rows of commune {self.head[0]} were not exported")
        self.cursor.close()


def _styles(book) -> dict:
    return {
        "agency": book.add_format({"bold": True, "font_size": 11}),
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center"}),
        "sub": book.add_format({"italic": True, "align": "center"}),
        "header": book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                                   "text_wrap": True, "bg_color": "#DDEBF7"}),
        "number": book.add_format({"border": 1, "align": "center", "italic": True, "font_size": 9}),
        "cell": book.add_format({"border": 1, "valign": "top", "text_wrap": True}),
        "money": book.add_format({"border": 1, "num_format": "#,##0", "valign": "top"}),
        "date": book.add_format({"border": 1, "num_format": "dd/mm/yyyy", "valign": "top"}),
        "sign": book.add_format({"bold": True, "align": "center"}),
        "legend": book.add_format({"italic": True, "font_size": 10}),
    }


def _sheet(book, styles, sheet_name, title, heading, columns, rows) -> None:
    ws = book.add_worksheet(sheet_name)
    last = len(columns) - 1
    ws.write(0, 0, "BẢO HIỂM XÃ HỘI VIỆT NAM", styles["agency"])
    ws.write(1, 0, heading[0], styles["agency"])
    ws.merge_range(3, 0, 3, last, title, styles["title"])
    ws.merge_range(4, 0, 4, last, heading[1], styles["sub"])
    ws.merge_range(5, 0, 5, last, heading[2], styles["sub"])
    header_row = 7
    for col, (text, width) in enumerate(columns):
        ws.set_column(col, col, width)
        ws.write(header_row, col, text, styles["header"])
        ws.write(header_row + 1, col, col + 1, styles["number"])     # the forms' row of column numbers
    ws.set_row(header_row, 32)
    ws.freeze_panes(header_row + 2, 2)
    cell, money, day = styles["cell"], styles["money"], styles["date"]
    # the typed write_* calls are what write() would dispatch to (None and "" as a formatted blank)
    for i, cells in enumerate(rows, start=1):
        r = header_row + 1 + i
        ws.write_number(r, 0, i, cell)
        for col, value in enumerate(cells, start=1):
            if value is None or value == "":
                ws.write_blank(r, col, None, cell)
            elif isinstance(value, str):
                ws.write_string(r, col, value, cell)
            elif isinstance(value, date):
                ws.write_datetime(r, col, value, day)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(r, col, value, money)
            else:
                ws.write(r, col, value, cell)
        for col in range(len(cells) + 1, last + 1):
            ws.write_blank(r, col, None, cell)
    if rows:
        ws.autofilter(header_row, 0, header_row + 1 + len(rows), last)
    foot = header_row + len(rows) + 3
    ws.write(foot, 1, f"Tổng số: {len(rows)}", styles["agency"])
    ws.write(foot + 1, last - 1 if last > 2 else last, "Ngày ….. tháng ….. năm ……", styles["sub"])
    ws.write(foot + 2, 1, "Người lập biểu", styles["sign"])
    ws.write(foot + 2, last - 1 if last > 2 else last, "Giám đốc", styles["sign"])


def _cells(name: str, row: tuple) -> list:
    if name == "tiem_nang":
        ho_ten, ngay_sinh, gioi_tinh, so_ddcn, ma_so_bhxh, ten_nhom, nhom, ly_do, nguon = row
        return [ho_ten, _ngay_sinh(ngay_sinh), GIOI_TINH.get(gioi_tinh, ""), so_ddcn, ma_so_bhxh, ten_nhom, nhom,
                ly_do, _nguon(nguon)]
    if name == "den_han_dong":
        ho_ten, ma_so_bhxh, so_ddcn, ngay_sinh, gioi_tinh, ma_ho, loai, han_dong, phuong_thuc, so_tien = row
        return [ho_ten, ma_so_bhxh, so_ddcn, _ngay_sinh(ngay_sinh), GIOI_TINH.get(gioi_tinh, ""), ma_ho,
                LOAI_DEN_HAN.get(loai, loai), han_dong, phuong_thuc, so_tien]
    if name == "the_trung":
        ho_ten, ngay_sinh, gioi_tinh, so_ddcn, ma_so_bhxh, loai, ids, the = row
        return [ho_ten, _ngay_sinh(ngay_sinh), GIOI_TINH.get(gioi_tinh, ""), so_ddcn, ma_so_bhxh,
                LOAI_TRUNG.get(loai, loai), ids, _the(the)]
    if name == "don_vi_no_dong":
        ma_don_vi, ma_so_thue, ten, so_thang, so_tien, ky_tu = row
        return [ma_don_vi, ma_so_thue, ten, so_thang, so_tien, "/".join(reversed(ky_tu.split("-")))]
    ma_so_thue, ten, loai_hinh, loai, thue, bhxh = row
    return [ma_so_thue, ten, loai_hinh, LOAI_DON_VI.get(loai, loai), thue, bhxh, (thue or 0) - (bhxh or 0)]


def _the(cards: list[dict]) -> str:
    """The covering cards as a collector reads them: object code, unit, validity, register id."""
    parts = []
    for card in cards or []:
        tu = _ngay_sinh(card.get("tu_ngay")) or "…"
        den = _ngay_sinh(card.get("den_ngay")) or "không thời hạn"
        unit = f", đơn vị {card['ma_don_vi']}" if card.get("ma_don_vi") else ""
        parts.append(f"{card.get('ma_doi_tuong') or '?'} ({tu}–{den}{unit}; mã người {card.get('id_nguoi')})")
    return "; ".join(parts)


def _ngay_sinh(value: str | None) -> str:
    """`YYYY-MM-DD` / `YYYY-MM` / `YYYY` as Vietnamese readers write them: dd/mm/yyyy, mm/yyyy, yyyy."""
    return "/".join(reversed(value.split("-"))) if value else ""


def _nguon(items: list[dict]) -> str:
    parts = []
    for item in items or []:
        label = NGUON.get(item.get("nguon"), item.get("nguon"))
        if item.get("nguon") == "register":
            parts.append(f"{label} (mã người {item.get('id_nguoi')})")
        else:
            parts.append(f"{label}: {item.get('tep')}, dòng {item.get('dong')}")
    return "; ".join(parts)
