"""Shared fixtures: a real PostgreSQL (the local cluster, or the one AIRFLOW_CONN_TIEMNANG_WAREHOUSE names)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tiemnang import config, db, localpg, warehouse


@pytest.fixture(scope="session")
def pg_cluster() -> None:
    """The local cluster is running (started on demand)."""
    if config.uses_local_warehouse():
        localpg.ensure_running()


def _admin_conninfo(dbname: str) -> str:
    """The local cluster's superuser: dropping a test database must end sessions of any role (province logins)."""
    return config.local_conninfo(dbname, user="postgres")


@pytest.fixture(scope="session")
def fresh_database(pg_cluster) -> Iterator[str]:
    """A new, migrated warehouse database for this test session; returns its conninfo, dropped after."""
    conninfo, drop = make_database("tiemnang_test")
    yield conninfo
    drop()


@pytest.fixture
def wh(fresh_database) -> Iterator[psycopg.Connection]:
    """A connection to the session's test warehouse; everything a test does is rolled back."""
    with db.connect(fresh_database) as conn:
        yield conn
        conn.rollback()


def make_database(prefix: str = "tiemnang_t") -> tuple[str, callable]:
    """A separate migrated database (for tests that commit); returns (conninfo, drop)."""
    localpg.ensure_running()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(_admin_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" OWNER "{config.LOCAL_PG_USER}"')
    conninfo = config.local_conninfo(name)
    warehouse.prepare_database(conninfo)

    def drop() -> None:
        with psycopg.connect(_admin_conninfo("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return conninfo, drop


@pytest.fixture(scope="session")
def database_factory(pg_cluster):
    """make_database for fixtures of wider scope; the caller drops what it makes."""
    return make_database


@pytest.fixture
def committed_db(pg_cluster) -> Iterator[str]:
    """A database of its own for a test that commits (publication, concurrency); dropped after."""
    conninfo, drop = make_database()
    yield conninfo
    drop()


def delivery(root: Path, source: str, date: str, files: dict[str, str | bytes], ready: bool = True) -> Path:
    """A delivery folder `root/source/date` with these files (text as UTF-8), marked ready unless told."""
    folder = root / source / date
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)
    if ready:
        (folder / "_READY").touch()
    return folder


def rows(conninfo: str, query: str, params=()) -> list[tuple]:
    """The rows of one query, on a connection of its own."""
    with psycopg.connect(conninfo) as conn:
        return conn.execute(query, params).fetchall()


def assert_conserved(conninfo: str) -> None:
    """CONTRACT §3 per file: rows_read = rows_accepted + rows_quarantined, each quarantined row in ops.quarantine."""
    assert rows(conninfo, """
        SELECT f.path FROM ops.file_log f
        WHERE f.rows_read <> f.rows_accepted + f.rows_quarantined
           OR f.rows_quarantined <> (SELECT count(*) FROM ops.quarantine q
                                     WHERE q.file_id = f.file_id AND q.row_number IS NOT NULL)""") == []
