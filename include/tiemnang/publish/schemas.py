"""The 34 province schemas (`tinh_<code>`), their Vietnamese comments and `tinh_<code>_doc` reader roles.

The tables and comments come from the column catalogue (publish/catalogue.toml).
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from tiemnang.publish import catalogue
from tiemnang.reference import geography


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
            "`psql -U postgres -d <warehouse> -f include/tiemnang/sql/admin/reader_roles.sql` (docs/deploy.md, Least privilege)")


def ensure_province_schema(conn: psycopg.Connection, ma_tinh: str,
                           tables: tuple[catalogue.Table, ...] | None = None) -> None:
    """Create or complete one province's schema from the catalogue, its comments, and grant its reader role.

    Idempotent. Tables made before a column was added to the catalogue gain it (current table and history).
    """
    tables = tables or catalogue.tables()
    schema, role = schema_name(ma_tinh), reader_role(ma_tinh)
    for statement in (*catalogue.province_ddl(schema, tables), *catalogue.province_comments(schema, tables)):
        conn.execute(statement)
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), sql.Identifier(role)))
    conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(
        sql.Identifier(schema), sql.Identifier(role)))


def ensure_province_schemas(conn: psycopg.Connection, tables: tuple[catalogue.Table, ...] | None = None) -> int:
    """All 34 province schemas, and the lists.* work tables they are published from; returns how many exist."""
    require_reader_roles(conn)
    tables = tables or catalogue.tables()
    for statement in catalogue.lists_ddl(tables):
        conn.execute(statement)
    for ma_tinh in sorted(geography.provinces()):
        ensure_province_schema(conn, ma_tinh, tables)
    return len(geography.provinces())
