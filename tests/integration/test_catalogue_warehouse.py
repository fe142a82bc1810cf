"""The column catalogue is what the warehouse has, and a column or table added to it reaches every province."""

from __future__ import annotations

from pathlib import Path

from psycopg import sql

from tiemnang.publish import catalogue, schemas
from tiemnang.reference import geography

_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, col_description(c.oid, a.attnum)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
"""


def _columns(conn, schema: str) -> dict[str, set[tuple]]:
    out: dict[str, set[tuple]] = {}
    for table, column, type_, not_null, comment in conn.execute(_COLUMNS, (schema,)).fetchall():
        out.setdefault(table, set()).add((column, type_, not_null, comment))
    return out


def _type(c: catalogue.Column) -> str:
    return {"integer": "integer", "text[]": "text[]", "bigint[]": "bigint[]",
            "timestamptz": "timestamp with time zone"}.get(c.type, c.type)


def test_warehouse_tables_are_the_catalogue(wh):
    """Every published table of every province, and every lists.* table, column for column (type, NOT NULL,
    Vietnamese comment): the catalogue describes the warehouse migrations 0001 made, not another one."""
    tables = catalogue.tables()
    lists = _columns(wh, "lists")
    for t in tables:
        if t.lists_key:
            assert {(c, ty, nn) for c, ty, nn, _ in lists[t.name]} == \
                {(c.name, _type(c), c.not_null) for c in t.lists_columns}, t.name
    for ma_tinh in geography.provinces():
        found = _columns(wh, schemas.schema_name(ma_tinh))
        assert set(found) == {n for t in tables for n in (t.name, t.history)}
        for t in tables:
            expected = {(c.name, _type(c), c.not_null, c.comment) for c in t.published_columns}
            assert found[t.name] == expected and found[t.history] == expected, (ma_tinh, t.name)


def test_a_column_added_to_the_catalogue_reaches_every_existing_province(wh, tmp_path: Path):
    text = catalogue.CATALOGUE.read_text(encoding="utf-8")
    marker = '    { name = "khoa_nguoi", type = "text", not_null = true,'
    assert text.count(marker) == 1
    grown = tmp_path / "catalogue.toml"
    grown.write_text(text.replace(marker, '    { name = "cot_moi", type = "text", comment = "Cột mới thêm vào" },\n'
                                  + marker), encoding="utf-8")
    for ma_tinh in ("79", "01"):   # rows already there: the new column comes nullable
        wh.execute(sql.SQL("INSERT INTO {} (tuan, ngay_tham_chieu, ma_xa, nhom, ly_do, nguon, khoa_nguoi)"
                           " VALUES ('2026-W01', '2026-01-02', '00000', 'BB_NLD', '{{BB_NLD}}', '[]', 'k')").format(
            sql.Identifier(schemas.schema_name(ma_tinh), "tiem_nang_lich_su")))
    schemas.ensure_province_schemas(wh, catalogue.load(grown))

    assert ("cot_moi", "text", False, None) in _columns(wh, "lists")["tiem_nang"]
    for ma_tinh in geography.provinces():
        found = _columns(wh, schemas.schema_name(ma_tinh))
        for table in ("tiem_nang", "tiem_nang_lich_su"):
            assert ("cot_moi", "text", False, "Cột mới thêm vào") in found[table], (ma_tinh, table)
    rows = wh.execute("SELECT cot_moi FROM tinh_79.tiem_nang_lich_su").fetchall()
    assert rows == [(None,)]


def test_a_table_added_to_the_catalogue_is_made_in_every_province_readable_by_its_reader_only(wh, tmp_path):
    grown = tmp_path / "catalogue.toml"
    grown.write_text(catalogue.CATALOGUE.read_text(encoding="utf-8") + '''
[[table]]
name = "bang_moi"
comment = "Bảng mới"
history_comment = "Lịch sử bảng mới"
lists_key = ["ngay_tham_chieu", "person_id"]
columns = [
    { name = "tuan", type = "text", not_null = true, lists = false, comment = "Tuần công bố" },
    { name = "ngay_tham_chieu", type = "date", not_null = true, comment = "Ngày tham chiếu" },
    { name = "person_id", type = "bigint", not_null = true, published = false, comment = "Mã người" },
    { name = "id_nguoi", type = "bigint[]", comment = "Các mã người trong sổ" },
]
''', encoding="utf-8")
    schemas.ensure_province_schemas(wh, catalogue.load(grown))
    assert "bang_moi" in _columns(wh, "lists")
    for ma_tinh in geography.provinces():
        schema = schemas.schema_name(ma_tinh)
        assert {"bang_moi", "bang_moi_lich_su"} <= set(_columns(wh, schema))
        readers = wh.execute(
            "SELECT grantee FROM information_schema.role_table_grants WHERE table_schema = %s"
            " AND table_name = 'bang_moi' AND privilege_type = 'SELECT' AND grantee LIKE 'tinh%%'",
            (schema,)).fetchall()
        assert readers == [(schemas.reader_role(ma_tinh),)]
