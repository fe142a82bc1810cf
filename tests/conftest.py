"""Shared fixtures: a real PostgreSQL (the local cluster, or the one AIRFLOW_CONN_TIEMNANG_WAREHOUSE names)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tiemnang import config, db, localpg, warehouse

# libpq's password file for connections to the local cluster made from URIs without a password (AIRFLOW_CONN_* in
# tests, Great Expectations' engine), as the `tiemnang` command sets it for its processes: the pipeline's login only.
os.environ.setdefault("PGPASSFILE", str(config.local_passfile()))


@pytest.fixture(scope="session")
def pg_cluster() -> None:
    """The local cluster is running (started on demand)."""
    if config.uses_local_warehouse():
        localpg.ensure_running()


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


def make_database(prefix: str = "tiemnang_t", locale: str | None = None) -> tuple[str, callable]:
    """A separate migrated database (for tests that commit); returns (conninfo, drop).

    `locale`: as localpg.create_database (e.g. "C", or "icu:vi"), to test what a warehouse created by another
    DBA does.
    """
    localpg.ensure_running()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    conninfo = localpg.create_database(name, locale=locale)
    warehouse.prepare_database(conninfo)
    return conninfo, lambda: localpg.drop_database(name)


@pytest.fixture(scope="session")
def database_factory(pg_cluster):
    """make_database for fixtures of wider scope; the caller drops what it makes."""
    return make_database


# The locales a warehouse is commonly created with: C (PostgreSQL's default when initdb is given none; POSIX
# is the same), C.UTF-8 (this project's local cluster), and ICU's Vietnamese as the default collation.
# Name folding must give the same keys on all of them.
LOCALES = ("C", "C.UTF-8", "icu:vi")


@pytest.fixture(scope="session")
def locale_warehouses(pg_cluster) -> Iterator[dict[str, str]]:
    """One migrated warehouse per locale of LOCALES: {locale: conninfo}, dropped after the session."""
    made = {locale: make_database("tiemnang_loc", locale=locale) for locale in LOCALES}
    yield {locale: conninfo for locale, (conninfo, _) in made.items()}
    for _, drop in made.values():
        drop()


@pytest.fixture(params=["C", "C.UTF-8"])
def wh_locale(request, locale_warehouses) -> Iterator[psycopg.Connection]:
    """Like `wh`, once on a C-locale and once on a C.UTF-8 warehouse; everything is rolled back."""
    with db.connect(locale_warehouses[request.param]) as conn:
        yield conn
        conn.rollback()


@pytest.fixture
def committed_db(pg_cluster) -> Iterator[str]:
    """A database of its own for a test that commits (publication, concurrency); dropped after."""
    conninfo, drop = make_database()
    yield conninfo
    drop()


# The steering repository's shared/ folder sits beside the checkout (CI lays a copy there too).
SHARED_DIR = config.PROJECT_ROOT.parent / "shared"


def shared_samples() -> Path:
    """shared/samples/landing, the contract's example delivery; a test that needs it fails when it is missing."""
    path = SHARED_DIR / "samples" / "landing"
    assert path.is_dir(), f"the contract's sample delivery is missing: expected {path} beside the checkout"
    return path


def delivery(root: Path, source: str, date: str, files: dict[str, str | bytes], ready: bool = True) -> Path:
    """A delivery folder `root/source/date` with these files (text as UTF-8), marked ready unless told."""
    folder = root / source / date
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)
    if ready:
        (folder / "_READY").touch()
    return folder


def xlsx_bytes(build) -> bytes:
    """A workbook that `build(workbook)` fills (openpyxl, imported here: most tests need none), as bytes."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
