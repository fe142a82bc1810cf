"""The column catalogue (catalogue.toml): the published tables, and the DDL and comments made from it."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from psycopg import sql

CATALOGUE = Path(__file__).with_name("catalogue.toml")

# The column types a declaration may use; they are written into DDL, so only these.
TYPES = frozenset({"text", "date", "smallint", "integer", "bigint", "numeric", "boolean", "jsonb", "text[]",
                   "bigint[]", "timestamptz"})
_NAME = re.compile(r"[a-z][a-z0-9_]{0,50}")


class CatalogueError(ValueError):
    """The catalogue declares something the warehouse cannot be made from."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    comment: str
    not_null: bool = False
    values: tuple[str, ...] = ()
    lists: bool = True        # a column of lists.<table>
    published: bool = True    # a column of the province's <table> and <table>_lich_su


@dataclass(frozen=True)
class Table:
    name: str
    comment: str
    history_comment: str
    columns: tuple[Column, ...]
    lists_key: tuple[str, ...] = ()
    lists_indexes: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (index name, columns)

    @property
    def history(self) -> str:
        return f"{self.name}_lich_su"

    @property
    def published_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.published)

    @property
    def lists_columns(self) -> tuple[Column, ...]:
        """Empty when the table has no lists.<table> (it is computed at publication, like tong_hop)."""
        return tuple(c for c in self.columns if c.lists) if self.lists_key else ()


def load(path: Path = CATALOGUE) -> tuple[Table, ...]:
    """Read and check a catalogue: names are identifiers, types known, every comment Vietnamese text (NFC)."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    tables = []
    for raw in data.get("table", []):
        columns = tuple(Column(**{k: tuple(v) if k == "values" else v for k, v in c.items()}) for c in raw["columns"])
        table = Table(name=raw["name"], comment=_text(raw["comment"]), history_comment=_text(raw["history_comment"]),
                      columns=columns, lists_key=tuple(raw.get("lists_key", ())),
                      lists_indexes=tuple((i["name"], tuple(i["columns"])) for i in raw.get("lists_indexes", ())))
        _check(table)
        tables.append(table)
    names = [t.name for t in tables]
    if len(set(names)) != len(names):
        raise CatalogueError(f"a table is declared twice in {path}")
    return tuple(tables)


@cache
def tables() -> tuple[Table, ...]:
    """The catalogue the package ships."""
    return load()


def table(name: str) -> Table:
    return next(t for t in tables() if t.name == name)


def _text(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _check(table: Table) -> None:
    names = [c.name for c in table.columns]
    for name in (table.name, *names, *(name for name, _ in table.lists_indexes)):
        if not _NAME.fullmatch(name):
            raise CatalogueError(f"{name!r} is not a valid table or column name")
    if len(set(names)) != len(names):
        raise CatalogueError(f"{table.name}: a column is declared twice")
    for c in table.columns:
        if c.type not in TYPES:
            raise CatalogueError(f"{table.name}.{c.name}: type {c.type!r} is not one of {sorted(TYPES)}")
        if not c.comment.strip():
            raise CatalogueError(f"{table.name}.{c.name} has no Vietnamese comment")
    lists_names = {c.name for c in table.columns if c.lists}
    for key in (table.lists_key, *(columns for _, columns in table.lists_indexes)):
        if not set(key) <= lists_names:
            raise CatalogueError(f"{table.name}: key or index {key} names a column lists.{table.name} does not have")


def _definition(column: Column, with_check: bool) -> sql.Composed:
    parts = [sql.Identifier(column.name), sql.SQL(column.type)]
    if column.not_null:
        parts.append(sql.SQL("NOT NULL"))
    if with_check and column.values:
        parts.append(sql.SQL("CHECK ({} IN ({}))").format(
            sql.Identifier(column.name), sql.SQL(", ").join(map(sql.Literal, column.values))))
    return sql.SQL(" ").join(parts)


def _table_ddl(qualified: sql.Composable, columns: tuple[Column, ...], key: tuple[str, ...] = (),
               with_check: bool = False) -> list[sql.Composed]:
    """CREATE TABLE IF NOT EXISTS with every column, then ADD COLUMN IF NOT EXISTS for tables made before.

    A column added to an existing table is nullable (rows are already there); see the catalogue's header.
    """
    body = [_definition(c, with_check) for c in columns]
    if key:
        body.append(sql.SQL("PRIMARY KEY ({})").format(sql.SQL(", ").join(map(sql.Identifier, key))))
    statements = [sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(qualified, sql.SQL(", ").join(body))]
    statements += [sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
        qualified, sql.Identifier(c.name), sql.SQL(c.type)) for c in columns]
    return statements


def lists_ddl(tables_: tuple[Table, ...]) -> list[sql.Composed]:
    """The lists.<table> work tables the build fills for a reference date."""
    statements = []
    for t in tables_:
        if not t.lists_key:
            continue
        qualified = sql.Identifier("lists", t.name)
        statements += _table_ddl(qualified, t.lists_columns, t.lists_key, with_check=True)
        for name, columns in t.lists_indexes:
            statements.append(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} ({})").format(
                sql.Identifier(name), qualified, sql.SQL(", ").join(map(sql.Identifier, columns))))
    return statements


def province_ddl(schema: str, tables_: tuple[Table, ...]) -> list[sql.Composed]:
    """One province's tables: <table>_lich_su (every published week) and <table> (the latest one)."""
    statements = [sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)),
                  sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(sql.Identifier(schema))]
    for t in tables_:
        history, current = sql.Identifier(schema, t.history), sql.Identifier(schema, t.name)
        statements += _table_ddl(history, t.published_columns)
        statements.append(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (tuan)").format(
            sql.Identifier(f"{t.history}_tuan_idx"), history))
        statements.append(sql.SQL("CREATE TABLE IF NOT EXISTS {} (LIKE {} INCLUDING ALL)").format(current, history))
        statements += _table_ddl(current, t.published_columns)[1:]
    return statements


def province_comments(schema: str, tables_: tuple[Table, ...]) -> list[sql.Composed]:
    """COMMENT ON every province table and column, in Vietnamese (NFC)."""
    statements = []
    for t in tables_:
        for name, comment in ((t.name, t.comment), (t.history, t.history_comment)):
            statements.append(sql.SQL("COMMENT ON TABLE {} IS {}").format(
                sql.Identifier(schema, name), sql.Literal(comment)))
            statements += [sql.SQL("COMMENT ON COLUMN {} IS {}").format(
                sql.Identifier(schema, name, c.name), sql.Literal(_text(c.comment))) for c in t.published_columns]
    return statements


def switch_current(schema: str, tables_: tuple[Table, ...]) -> list[sql.Composed]:
    """Make week %(tuan)s the current one: DELETE + INSERT from history, in the publishing transaction.

    No TRUNCATE: it would break the MVCC snapshots of concurrent readers, who keep seeing the previous week
    until the transaction commits. Tables in catalogue order.
    """
    statements = []
    for t in tables_:
        columns = sql.SQL(", ").join(sql.Identifier(c.name) for c in t.published_columns)
        statements.append(sql.SQL("DELETE FROM {}").format(sql.Identifier(schema, t.name)))
        statements.append(sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} WHERE tuan = %(tuan)s").format(
            sql.Identifier(schema, t.name), columns, columns, sql.Identifier(schema, t.history)))
    return statements


def week_counts(schema: str, tables_: tuple[Table, ...]) -> sql.Composed:
    """One row: the rows of week %(tuan)s in each history table, in catalogue order."""
    return sql.SQL("SELECT {}").format(sql.SQL(", ").join(
        sql.SQL("(SELECT count(*) FROM {} WHERE tuan = %(tuan)s)").format(sql.Identifier(schema, t.history))
        for t in tables_))


def weeks_present(schema: str, tables_: tuple[Table, ...]) -> sql.Composed:
    """How many of the weeks %(weeks)s still have rows in some history table."""
    return sql.SQL("SELECT count(*) FROM unnest(%(weeks)s::text[]) AS w (tuan) WHERE {}").format(
        sql.SQL(" OR ").join(sql.SQL("EXISTS (SELECT FROM {} h WHERE h.tuan = w.tuan)").format(
            sql.Identifier(schema, t.history)) for t in tables_))


def remove_weeks(schema: str, tables_: tuple[Table, ...]) -> list[sql.Composed]:
    """Delete the weeks %(weeks)s from every history table (retention)."""
    return [sql.SQL("DELETE FROM {} WHERE tuan = ANY(%(weeks)s)").format(sql.Identifier(schema, t.history))
            for t in tables_]
