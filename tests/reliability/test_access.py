"""Province isolation and the pipeline's own privileges, checked by logging in as the roles themselves.

The compose deployment's secrets (`${VAR:?…}`, no default password) are covered by
tests/integration/test_compose.py::test_no_secret_literal_in_yaml and ::test_config_fails_without_a_required_secret.
"""

from __future__ import annotations

import os
import subprocess
import uuid

import psycopg
import pytest
from psycopg import errors, sql

from tiemnang import config
from tiemnang.reference import geography

INTERNAL = ("ops", "stg", "mt", "lists", "ref")
OWN = "79"


@pytest.fixture
def province_login(committed_db):
    """A login made as the runbook says (by the pipeline's own role), granted tinh_79_doc only."""
    name = f"rel_tinh79_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(committed_db, autocommit=True) as owner:
        owner.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
        owner.execute(sql.SQL("GRANT tinh_79_doc TO {}").format(sql.Identifier(name)))
    yield config.local_conninfo(_db(committed_db), user=name)
    with psycopg.connect(config.local_conninfo("postgres", user="postgres"), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def _db(conninfo: str) -> str:
    return dict(item.split("=", 1) for item in conninfo.split())["dbname"]


def _tables(conninfo: str, schemas: list[str]) -> list[tuple[str, str]]:
    with psycopg.connect(conninfo) as conn:
        return conn.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'v', 'm', 'p') ORDER BY 1, 2", (schemas,),
        ).fetchall()


def _refused(conn: psycopg.Connection, statement: sql.Composable) -> bool:
    try:
        with conn.transaction():
            conn.execute(statement)
    except errors.InsufficientPrivilege:
        return True
    return False


def test_province_login_reads_only_its_province(committed_db, province_login):
    with psycopg.connect(committed_db, autocommit=True) as owner:  # a row to read, so a refusal is not emptiness
        owner.execute("INSERT INTO tinh_79.tong_hop VALUES ('2026-W47', '2026-11-20', '79001', 'x', 'BB_NLD', 1, 1, 0)")
    own = _tables(committed_db, [f"tinh_{OWN}"])
    others = [f"tinh_{m}" for m in sorted(geography.provinces()) if m != OWN]
    assert len(others) == 33 and len(own) == 8
    foreign = _tables(committed_db, [*others, *INTERNAL])
    assert {s for s, _ in foreign} == {*others, *INTERNAL}
    with psycopg.connect(province_login) as conn:
        for schema, table in own:
            conn.execute(sql.SQL("SELECT * FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
        assert conn.execute("SELECT count(*) FROM tinh_79.tong_hop").fetchone()[0] == 1
        refused = [(s, t) for s, t in foreign if _refused(
            conn, sql.SQL("SELECT 1 FROM {}.{} LIMIT 1").format(sql.Identifier(s), sql.Identifier(t)))]
        assert refused == foreign, f"readable by a tinh_79 login: {sorted(set(foreign) - set(refused))[:10]}"


def test_province_login_cannot_write_or_create(committed_db, province_login):
    with psycopg.connect(province_login) as conn:
        attempts = {
            "insert": "INSERT INTO tinh_79.tong_hop VALUES ('2026-W47', '2026-11-20', '79001', 'x', 'BB_NLD', 1, 1, 0)",
            "update": "UPDATE tinh_79.tiem_nang SET ho_ten = 'x'",
            "delete": "DELETE FROM tinh_79.den_han_dong",
            "truncate": "TRUNCATE tinh_79.don_vi_tiem_nang",
            "create in own schema": "CREATE TABLE tinh_79.x (a int)",
            "create in public": "CREATE TABLE public.x (a int)",
            "create schema": "CREATE SCHEMA x",
            "call a staging function": "SELECT * FROM stg.current_files('2026-11-20')",
        }
        allowed = [name for name, text in attempts.items() if not _refused(conn, sql.SQL(text))]
    assert not allowed, f"a province login could: {allowed}"


def test_pipeline_login_is_not_superuser(committed_db):
    with psycopg.connect(committed_db) as conn:
        me, superuser, createdb = conn.execute(
            "SELECT rolname, rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user").fetchone()
        readers = conn.execute(
            "SELECT count(*), bool_or(rolcanlogin), bool_or(rolsuper) FROM pg_roles WHERE rolname ~ '^tinh_[0-9]{2}_doc$'"
        ).fetchone()
    assert me == config.LOCAL_PG_USER and superuser is False
    assert readers == (34, False, False), "34 NOLOGIN, non-superuser reader roles"


def test_compose_init_script_creates_a_nosuperuser_login(tmp_path):
    """Run docker/warehouse-init against the local cluster as the entrypoint would; inspect the role it made."""
    suffix = uuid.uuid4().hex[:8]
    login, db = f"rel_compose_{suffix}", f"rel_compose_db_{suffix}"
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(config.local_pg_port()), POSTGRES_USER="postgres",
               TIEMNANG_WAREHOUSE_USER=login, TIEMNANG_WAREHOUSE_PASSWORD=f"pw-{suffix}", TIEMNANG_WAREHOUSE_DB=db)
    script = config.PROJECT_ROOT / "docker" / "warehouse-init" / "10-tiemnang-role.sh"
    admin_info = config.local_conninfo("postgres", user="postgres")
    try:
        done = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        with psycopg.connect(admin_info) as admin:
            role = admin.execute(
                "SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolpassword IS NOT NULL"
                " FROM pg_authid WHERE rolname = %s", (login,)).fetchone()
            owner = admin.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", (db,)).fetchone()
        assert role == (False, False, True, True, True)
        assert owner == (login,)
        missing = subprocess.run(["bash", str(script)], env={**env, "TIEMNANG_WAREHOUSE_PASSWORD": ""},
                                 capture_output=True, text=True, timeout=60, check=False)
        assert missing.returncode != 0, "the init script must refuse an empty password"
    finally:
        with psycopg.connect(admin_info, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))
