"""prepare_warehouse runs at the start of every DAG run: it redoes its DDL only when something changed."""

from __future__ import annotations

import pytest

from tiemnang import db, warehouse
from tiemnang.publish.schemas import schema_name


def _state_xmin(conninfo: str) -> int:
    """The transaction that last wrote the preparation fingerprint (every full pass rewrites it)."""
    with db.connect(conninfo) as conn:
        return conn.execute("SELECT xmin::text::bigint FROM ops.warehouse_state WHERE khoa = 'prepare'").fetchone()[0]


def test_second_preparation_changes_nothing(committed_db):
    # make_database prepared it once already: the fingerprint is stored
    first_xmin = _state_xmin(committed_db)
    counts = warehouse.prepare_database(committed_db)
    assert counts["migrations_applied"] == 0 and counts["province_schemas"] == 34
    assert _state_xmin(committed_db) == first_xmin  # no full pass: the state row was not rewritten


def test_missing_province_schema_is_recreated(committed_db):
    with db.connect(committed_db) as conn:
        conn.execute(f"DROP SCHEMA {schema_name('01')} CASCADE")
        conn.commit()
    first_xmin = _state_xmin(committed_db)
    warehouse.prepare_database(committed_db)
    with db.connect(committed_db) as conn:
        assert conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
                            (schema_name("01"),)).fetchone()[0] > 0
    assert _state_xmin(committed_db) != first_xmin


def test_changed_reference_data_is_reinstalled(committed_db):
    with db.connect(committed_db) as conn:
        conn.execute("UPDATE ops.warehouse_state SET gia_tri = 'an older version' WHERE khoa = 'prepare'")
        conn.execute("UPDATE ref.commune SET ten_xa = 'sai' WHERE ma_xa = (SELECT min(ma_xa) FROM ref.commune)")
        conn.commit()
    warehouse.prepare_database(committed_db)
    with db.connect(committed_db) as conn:
        assert conn.execute("SELECT count(*) FROM ref.commune WHERE ten_xa = 'sai'").fetchone()[0] == 0
        assert conn.execute("SELECT gia_tri FROM ops.warehouse_state").fetchone()[0] == warehouse._fingerprint()


def test_a_changed_applied_migration_is_refused(committed_db):
    with db.connect(committed_db) as conn:
        conn.execute("UPDATE ops.schema_migrations SET sha256 = repeat('0', 64) WHERE version = '0002'")
        conn.commit()
        with pytest.raises(db.MigrationChanged, match="0002_ingest changed after it was applied"):
            db.migrate(conn)
