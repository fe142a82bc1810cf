"""The 34 province schemas (`tinh_<code>`), their Vietnamese comments and `tinh_<code>_doc` reader roles."""

from __future__ import annotations

import unicodedata

import psycopg
from psycopg import sql

from tiemnang import db
from tiemnang.reference import geography

PUBLISHED_TABLES = ("tiem_nang", "don_vi_tiem_nang", "den_han_dong", "tong_hop")

# Column comments shared by every published table (and its _lich_su twin) that has the column.
COLUMN_COMMENTS: dict[str, str] = {
    "tuan": "Tuần công bố theo ISO (YYYY-Www)",
    "ngay_tham_chieu": "Ngày tham chiếu D: ngày tính danh sách (thứ Sáu của tuần)",
    "so_ddcn": "Số định danh cá nhân (CCCD, 12 chữ số)",
    "ma_so_bhxh": "Mã số BHXH (10 chữ số)",
    "ho_ten": "Họ và tên",
    "ngay_sinh": "Ngày sinh như đã biết: YYYY-MM-DD, YYYY-MM hoặc YYYY",
    "gioi_tinh": "Giới tính: 1 nam, 2 nữ",
    "ma_xa": "Mã xã, phường (5 chữ số)",
    "ten_xa": "Tên xã, phường",
    "nhom": "Nhóm đối tượng tiềm năng (nhóm ưu tiên cao nhất)",
    "ly_do": "Tất cả các nhóm mà người này thuộc về",
    "nguon": "Các bản ghi nguồn đã gộp vào dòng này (tệp, số dòng, mã người trong sổ)",
    "id_nguoi": "Mã người trong cơ sở dữ liệu BHXH (nếu có)",
    "khoa_nguoi": "Khóa ổn định của người qua các tuần (dùng so sánh tuần trước)",
    "ma_so_thue": "Mã số thuế của doanh nghiệp hoặc chi nhánh",
    "ten_doanh_nghiep": "Tên doanh nghiệp",
    "loai_hinh": "Loại hình doanh nghiệp (NN, FDI, NQD, HTX, KHAC)",
    "loai": "Loại: CHUA_DANG_KY/DONG_THIEU (đơn vị) hoặc BHYT_GD/BHXH_TN (đến hạn)",
    "so_lao_dong_thue": "Số lao động theo quyết toán thuế TNCN gần nhất",
    "so_lao_dong_bhxh": "Số người đang đóng BHXH bắt buộc tại các đơn vị cùng mã số thuế",
    "ma_ho": "Mã hộ gia đình",
    "han_dong": "Hạn đóng: ngày đầu tiên không còn được bảo hiểm",
    "phuong_thuc": "Phương thức đóng (số tháng mỗi lần đóng)",
    "so_tien": "Số tiền phải đóng cho kỳ tiếp theo (đồng)",
    "so_nguoi": "Số người trong danh sách tuần này",
    "so_moi": "Số người mới so với tuần công bố trước",
    "so_da_tham_gia": "Số người của tuần trước đã tham gia (có bảo hiểm mà nhóm còn thiếu)",
}


def schema_name(ma_tinh: str) -> str:
    return f"tinh_{ma_tinh}"


def reader_role(ma_tinh: str) -> str:
    return f"tinh_{ma_tinh}_doc"


class MissingReaderRoles(RuntimeError):
    """Reader roles the DBA has not created yet: the pipeline's login cannot create roles (least privilege)."""


def require_reader_roles(conn: psycopg.Connection) -> None:
    """Every province's `tinh_<code>_doc` exists; they are made by an administrator, never by the pipeline."""
    wanted = [reader_role(m) for m in sorted(geography.provinces())]
    found = {r for (r,) in conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (wanted,))}
    missing = [r for r in wanted if r not in found]
    if missing:
        raise MissingReaderRoles(
            f"{len(missing)} province reader roles do not exist ({', '.join(missing[:5])}"
            f"{', …' if len(missing) > 5 else ''}); a database administrator creates them once with "
            "`psql -U postgres -d <warehouse> -f sql/admin/reader_roles.sql` (docs/deploy.md, Least privilege)")


def ensure_province_schema(conn: psycopg.Connection, ma_tinh: str) -> None:
    """Create (or complete) one province's schema and comments, and grant its reader role; idempotent."""
    idents = {"schema": schema_name(ma_tinh), "reader": reader_role(ma_tinh)}
    db.run(conn, "publish/province_schema", identifiers=idents)
    db.run(conn, "publish/province_comments", identifiers=idents)
    rows = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s",
        (schema_name(ma_tinh),),
    ).fetchall()
    for table, column in rows:
        text = COLUMN_COMMENTS.get(column)
        if text is None:
            raise KeyError(f"published column {table}.{column} has no Vietnamese comment")
        conn.execute(
            sql.SQL("COMMENT ON COLUMN {}.{}.{} IS {}").format(
                sql.Identifier(schema_name(ma_tinh)), sql.Identifier(table), sql.Identifier(column),
                sql.Literal(unicodedata.normalize("NFC", text)),
            )
        )


def ensure_province_schemas(conn: psycopg.Connection) -> int:
    """All 34 province schemas; returns how many exist."""
    require_reader_roles(conn)
    for ma_tinh in sorted(geography.provinces()):
        ensure_province_schema(conn, ma_tinh)
    return len(geography.provinces())
