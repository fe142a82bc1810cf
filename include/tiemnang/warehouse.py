"""Bring a warehouse to the current schema: migrations, reference data, the 34 province schemas."""

from __future__ import annotations

import hashlib
import json
import logging

import psycopg

from tiemnang import config, db
from tiemnang.publish import catalogue, schemas
from tiemnang.reference import geography

log = logging.getLogger(__name__)

# A name whose key exercises every step of mt.ten_chuan (NFD input, upper case, đ, tones, a non-breaking
# space, a digit, a zero-width space): the key a correct fold gives, checked on every warehouse prepared.
_FOLD_PROBE = ("\u0110A\u0306\u0323NG  Th\u1ecb\u00a0Ho\u00e0i-Th\u1ea3o\u200b 2", "đặng thị hoài thảo")


class WarehouseUnsupported(RuntimeError):
    """The database cannot hold the warehouse correctly (its encoding is not UTF8, or names fold wrongly)."""


def check_database(conn: psycopg.Connection) -> dict[str, str]:
    """Refuse a database whose encoding is not UTF8: Vietnamese names could not be stored, let alone folded.

    The locale (LC_CTYPE, LC_COLLATE) may be anything: the name functions use no locale-dependent operation
    (sql/migrations/0008_locale_independent_names.sql); it is logged so an operator sees what the server has.
    """
    row = conn.execute(
        "SELECT pg_encoding_to_char(encoding), datctype, datcollate FROM pg_database"
        " WHERE datname = current_database()").fetchone()
    conn.commit()
    # on a SQL_ASCII database psycopg cannot decode text and returns bytes
    encoding, ctype, collate = (v.decode("ascii", "replace") if isinstance(v, bytes) else v for v in row)
    if encoding != "UTF8":
        raise WarehouseUnsupported(
            f"the warehouse database has encoding {encoding}; tiemnang needs UTF8 (create it with"
            " CREATE DATABASE ... ENCODING 'UTF8' TEMPLATE template0; any LC_CTYPE/LC_COLLATE will do)")
    log.info("warehouse database: encoding %s, LC_CTYPE %s, LC_COLLATE %s", encoding, ctype, collate)
    return {"encoding": encoding, "lc_ctype": ctype, "lc_collate": collate}


def _check_name_folding(conn: psycopg.Connection) -> None:
    """The installed name functions give the known key on this server (a last guard against locale effects)."""
    name, expected = _FOLD_PROBE
    got = conn.execute("SELECT mt.ten_chuan(%s)", (name,)).fetchone()[0]
    conn.commit()
    if got != expected:
        raise WarehouseUnsupported(f"name folding on this warehouse gives {got!r} instead of {expected!r}:"
                                   " matching would be wrong; check the database's encoding and locale")


def prepare(conn: psycopg.Connection) -> dict[str, int]:
    """Idempotent: safe at every set-up and at the start of every DAG run.

    Reference data and province schemas are reinstalled only when what defines them changed (or a province
    schema went missing): every DAG run starts with this, and the full pass costs ~1 s of DDL and upserts.
    """
    check_database(conn)
    applied = db.migrate(conn)
    _check_name_folding(conn)
    counts = {"migrations_applied": len(applied), "provinces": len(geography.provinces()),
              "communes": len(geography.communes()), "province_schemas": len(geography.provinces())}
    fingerprint = _fingerprint()
    if not applied and _installed(conn) == fingerprint and _schemas_present(conn):
        conn.commit()
        log.info("warehouse ready: nothing changed since it was last prepared (%s)", fingerprint[:12])
        return counts
    n_provinces, n_communes = geography.sync(conn)
    conn.commit()
    n_schemas = schemas.ensure_province_schemas(conn)
    db.run(conn, "lists/views")
    conn.execute(
        "INSERT INTO ops.warehouse_state (khoa, gia_tri) VALUES ('prepare', %s)"
        " ON CONFLICT (khoa) DO UPDATE SET gia_tri = EXCLUDED.gia_tri, cap_nhat = now()", (fingerprint,))
    conn.commit()
    log.info("warehouse ready: %d migrations applied now, %d provinces, %d communes, %d province schemas",
             len(applied), n_provinces, n_communes, n_schemas)
    return {**counts, "provinces": n_provinces, "communes": n_communes, "province_schemas": n_schemas}


def _fingerprint() -> str:
    """What prepare() installs beyond migrations: reference data, the province schema code and its SQL."""
    digest = hashlib.sha256()
    digest.update(json.dumps([sorted(geography.provinces().items()), sorted(geography.communes().items())],
                             ensure_ascii=False).encode())
    for path in (schemas.__file__, catalogue.__file__, catalogue.CATALOGUE, config.SQL_DIR / "lists" / "views.sql"):
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def _installed(conn: psycopg.Connection) -> str | None:
    row = conn.execute("SELECT gia_tri FROM ops.warehouse_state WHERE khoa = 'prepare'").fetchone()
    return row[0] if row else None


def _schemas_present(conn: psycopg.Connection) -> bool:
    expected = [schemas.schema_name(m) for m in geography.provinces()]
    found = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = ANY(%s)", (expected,)).fetchone()[0]
    return found == len(expected)


def prepare_database(conninfo: str | None = None) -> dict[str, int]:
    """prepare() on its own connection: the warehouse configured, or the database `conninfo` names."""
    with db.connect(conninfo) as conn:
        return prepare(conn)
