"""Warehouse access: connections, named SQL files, numbered migrations."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any

import jinja2
import psycopg
from psycopg import sql

from tiemnang import config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = config.SQL_DIR / "migrations"
_MIGRATION_LOCK = 7_414_001


def connect(conninfo: str | None = None, **kwargs: Any) -> psycopg.Connection:
    """A warehouse connection whose cursors bind values client-side, so one SQL file may hold several statements."""
    return psycopg.connect(
        conninfo or config.warehouse_conninfo(),
        cursor_factory=psycopg.ClientCursor,
        application_name=kwargs.pop("application_name", "tiemnang"),
        **kwargs,
    )


@contextmanager
def transaction(conninfo: str | None = None) -> Iterator[psycopg.Connection]:
    """One unit of work: commit on success, roll back on any error."""
    with connect(conninfo) as conn:
        yield conn


_env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)


@cache
def _sql_text(name: str) -> str:
    path = config.SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {path}")
    return path.read_text(encoding="utf-8")


@cache
def _template(name: str) -> jinja2.Template:
    # compiled once per SQL name: a roster delivery renders the same few files thousands of times
    return _env.from_string(_sql_text(name))


def render(conn: psycopg.Connection, name: str, identifiers: Mapping[str, str] | None = None) -> str:
    """Load sql/<name>.sql; Jinja fills only quoted identifiers ({{ schema }}), never values."""
    quoted = {k: sql.Identifier(v).as_string(conn) for k, v in (identifiers or {}).items()}
    return _template(name).render(**quoted)


def run(
    conn: psycopg.Connection,
    name: str,
    params: Mapping[str, Any] | None = None,
    identifiers: Mapping[str, str] | None = None,
) -> int:
    """Run a named SQL file with bind parameters (%(name)s); returns the last statement's row count."""
    text = render(conn, name, identifiers)
    started = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(text, dict(params or {}))
        rowcount = cur.rowcount
    log.info("sql %s: %s rows in %.2fs", name, rowcount, time.perf_counter() - started)
    return rowcount


def fetch(
    conn: psycopg.Connection,
    name: str,
    params: Mapping[str, Any] | None = None,
    identifiers: Mapping[str, str] | None = None,
) -> list[tuple]:
    """Run a named SQL file and return the rows of its last statement."""
    text = render(conn, name, identifiers)
    with conn.cursor() as cur:
        cur.execute(text, dict(params or {}))
        rows = cur.fetchall() if cur.description else []
    return rows


def migrations() -> list[tuple[str, str, str]]:
    """(version, name, text) of every numbered migration, in order."""
    out = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        version, _, slug = path.stem.partition("_")
        out.append((version, slug, path.read_text(encoding="utf-8")))
    return out


class MigrationChanged(RuntimeError):
    """An applied migration's file differs from what was applied: the schema would not be what the code says."""


def migrate(conn: psycopg.Connection) -> list[str]:
    """Apply pending migrations in order, each in its own transaction; safe to call concurrently."""
    applied_now = []
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
        try:
            cur.execute(
                "CREATE SCHEMA IF NOT EXISTS ops;"
                "CREATE TABLE IF NOT EXISTS ops.schema_migrations ("
                " version text PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            conn.commit()
            cur.execute("SELECT version, sha256 FROM ops.schema_migrations")
            done = dict(cur.fetchall())
            for version, name, text in migrations():
                digest = hashlib.sha256(text.encode()).hexdigest()
                if version in done:
                    if done[version] != digest:
                        raise MigrationChanged(
                            f"migration {version}_{name} changed after it was applied to this warehouse"
                            f" (applied {done[version][:12]}, file now {digest[:12]}): migrations are never"
                            " edited once they land; put the change in a new numbered migration")
                    continue
                log.info("applying migration %s_%s", version, name)
                cur.execute(text)
                cur.execute(
                    "INSERT INTO ops.schema_migrations (version, name, sha256) VALUES (%s, %s, %s)",
                    (version, name, digest),
                )
                conn.commit()
                applied_now.append(f"{version}_{name}")
        finally:
            conn.rollback()
            cur.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
            conn.commit()
    return applied_now
