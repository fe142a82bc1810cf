"""Least privilege: province isolation, the pipeline's own privileges, the local cluster's passwords, export modes.

The compose deployment's secrets (`${VAR:?…}`, no default password) are covered by
tests/integration/test_compose.py::test_no_secret_literal_in_yaml and ::test_config_fails_without_a_required_secret.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import errors, sql
from psycopg.conninfo import conninfo_to_dict

from tiemnang import config, db, localpg
from tiemnang.publish import catalogue
from tiemnang.publish.export import export_province
from tiemnang.reference import geography

INTERNAL = ("ops", "stg", "mt", "lists", "ref")
OWN = "79"


@pytest.fixture
def province_login(committed_db):
    """A login made as the runbook says (by the administrator: the pipeline cannot create roles), in tinh_79_doc only."""
    name, password = f"rel_tinh79_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    with psycopg.connect(_admin(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE tinh_79_doc").format(
            sql.Identifier(name), sql.Literal(password)))
    yield f"{config.local_conninfo(_db(committed_db), user=name)} password={password}"
    with psycopg.connect(_admin(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def _admin(dbname: str = "postgres") -> str:
    return config.local_conninfo(dbname, user=config.LOCAL_PG_ADMIN)


def _db(conninfo: str) -> str:
    return conninfo_to_dict(conninfo)["dbname"]


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
    assert len(others) == 33 and len(own) == 2 * len(catalogue.tables())   # each table and its _lich_su
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
        me, superuser, createrole, createdb = conn.execute(
            "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user").fetchone()
        readers = conn.execute(
            "SELECT count(*), bool_or(rolcanlogin), bool_or(rolsuper) FROM pg_roles WHERE rolname ~ '^tinh_[0-9]{2}_doc$'"
        ).fetchone()
    assert me == config.LOCAL_PG_USER and (superuser, createrole, createdb) == (False, False, False)
    assert readers == (34, False, False), "34 NOLOGIN, non-superuser reader roles"


SERVER_ROLES = ("pg_execute_server_program", "pg_read_server_files", "pg_write_server_files")


def _refused_and_undone(conn: psycopg.Connection, statement: str) -> bool:
    """Whether the server refuses `statement`; rolled back either way, so a mutation run leaves no grant behind."""
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(statement)
    except errors.InsufficientPrivilege:
        return True
    return False


def test_pipeline_login_cannot_create_roles_or_reach_server_programs(committed_db, tmp_path):
    """The escalation of issue #15: CREATEROLE on PostgreSQL 15 → GRANT pg_execute_server_program → COPY TO PROGRAM."""
    proof = tmp_path / "ran-as-postgres"
    attempts = {
        "create a role": "CREATE ROLE rel_escalate LOGIN",
        "give itself CREATEROLE": "ALTER ROLE CURRENT_USER CREATEROLE",
        "give itself SUPERUSER": "ALTER ROLE CURRENT_USER SUPERUSER",
        "become the superuser": "SET ROLE postgres",
        **{f"grant itself {r}": f"GRANT {r} TO CURRENT_USER" for r in SERVER_ROLES},
        "grant a reader role": "GRANT tinh_01_doc TO CURRENT_USER",
        "COPY TO PROGRAM": f"COPY (SELECT 1) TO PROGRAM 'touch {proof}'",
        "COPY FROM PROGRAM": "COPY ops.warehouse_state (khoa, gia_tri) FROM PROGRAM 'echo x'",
        "read a server file": "SELECT pg_read_file('/etc/passwd')",
        "COPY FROM a server file": "COPY ops.warehouse_state (khoa) FROM '/etc/hostname'",
        "COPY TO a server file": f"COPY (SELECT 1) TO '{tmp_path / 'written-by-postgres'}'",
    }
    with psycopg.connect(committed_db, autocommit=True) as conn:
        allowed = [name for name, text in attempts.items() if not _refused_and_undone(conn, text)]
        members = conn.execute("SELECT r FROM unnest(%s::text[]) r WHERE pg_has_role(CURRENT_USER, r, 'USAGE')",
                               (list(SERVER_ROLES),)).fetchall()
    assert not allowed, f"the pipeline login could: {allowed}"
    assert members == [] and not proof.exists()


@pytest.mark.skipif(not config.uses_local_warehouse(), reason="the embedded local cluster only")
def test_local_cluster_refuses_a_connection_without_the_password(pg_cluster):
    socket_dir = str(localpg.socket_dir())
    port = config.local_pg_port()
    attempts = {  # TCP and the socket, the pipeline's login and the superuser, no password or a wrong one
        f"{user} over {host} {secret}": f"host={host} port={port} user={user} dbname=postgres {secret}"
        for user in (config.LOCAL_PG_USER, config.LOCAL_PG_ADMIN)
        for host in ("127.0.0.1", socket_dir)
        for secret in ("passfile=/nonexistent", "password=wrong passfile=/nonexistent")
    }
    accepted = []
    for name, conninfo in attempts.items():
        try:
            psycopg.connect(conninfo, connect_timeout=5).close()
            accepted.append(name)
        except psycopg.OperationalError as exc:
            assert "password" in str(exc), exc   # refused for the password, not for being unreachable
    assert not accepted, f"connected without the password: {accepted}"
    for user in (config.LOCAL_PG_USER, config.LOCAL_PG_ADMIN):   # with it (the 0600 pgpass file): accepted
        with psycopg.connect(config.local_conninfo("postgres", user=user)) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (user,)
    with psycopg.connect(_admin()) as admin:
        methods = admin.execute("SELECT DISTINCT auth_method FROM pg_hba_file_rules").fetchall()
    assert methods == [("scram-sha-256",)]
    for user in (config.LOCAL_PG_USER, config.LOCAL_PG_ADMIN):
        passfile = config.local_passfile(user)
        assert stat.S_IMODE(passfile.stat().st_mode) == 0o600 and stat.S_IMODE(passfile.parent.stat().st_mode) == 0o700


@pytest.mark.skipif(not config.uses_local_warehouse(), reason="the embedded local cluster only")
def test_setup_takes_trust_out_of_an_existing_cluster(pg_cluster):
    """A cluster made by an earlier version trusted every local connection: set-up rewrites pg_hba.conf in place."""
    with psycopg.connect(_admin(), autocommit=True) as admin:
        hba = Path(admin.execute("SHOW hba_file").fetchone()[0])
        hba.write_text("host all all 127.0.0.1/32 trust\n" + hba.read_text())
        admin.execute("SELECT pg_reload_conf()")
    nopassword = f"host=127.0.0.1 port={config.local_pg_port()} user={config.LOCAL_PG_USER} dbname=postgres" \
                 " passfile=/nonexistent"
    try:
        psycopg.connect(nopassword).close()   # the old state, as the issue found it
        localpg.ensure_running()
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(nopassword).close()
    finally:
        localpg.ensure_running()
    assert "trust" not in hba.read_text()


@pytest.mark.skipif(not config.uses_local_warehouse(), reason="the embedded local cluster only")
def test_local_socket_folder_is_private(pg_cluster):
    with psycopg.connect(_admin()) as admin:
        served = admin.execute("SHOW unix_socket_directories").fetchone()[0]
    folder = localpg.socket_dir()
    assert served == str(folder)
    info = folder.stat()
    assert stat.S_IMODE(info.st_mode) in (0o700, 0o750), oct(info.st_mode)
    if os.geteuid() == 0:
        assert info.st_uid == pwd.getpwnam("postgres").pw_uid


def _published_workbook_world(conninfo: str) -> None:
    with psycopg.connect(conninfo) as conn:
        conn.execute("INSERT INTO tinh_79.don_vi_tiem_nang_lich_su VALUES"
                     " ('2026-W47', '2026-11-20', '0300000001', 'Công ty A', 'NQD', '26734', 'x', 'CHUA_DANG_KY', 3, 0)")


def _modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root.parent)): stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}


def test_exported_workbooks_are_owner_only(committed_db, tmp_path, monkeypatch):
    monkeypatch.delenv("TIEMNANG_EXPORT_GROUP", raising=False)
    _published_workbook_world(committed_db)
    root = tmp_path / "exports"
    old = os.umask(0o022)   # the usual umask, which left workbooks 0644 in folders 0755
    try:
        paths = export_province(committed_db, "79", "2026-W47", root)
        assert len(paths) == 1
        modes = _modes(root)
        assert modes == {"exports": 0o700, "exports/2026-W47": 0o700, "exports/2026-W47/79": 0o700,
                         "exports/2026-W47/79/26734.xlsx": 0o600}
        paths[0].chmod(0o644)   # a workbook (and folder) an earlier version wrote is tightened when written again
        (root / "2026-W47").chmod(0o755)
        export_province(committed_db, "79", "2026-W47", root)
        assert _modes(root) == modes
    finally:
        os.umask(old)


@pytest.mark.parametrize("by", ["name", "gid"])
def test_exported_workbooks_readable_by_the_export_group(committed_db, tmp_path, monkeypatch, by):
    group = grp.getgrgid(os.getgid())
    monkeypatch.setenv("TIEMNANG_EXPORT_GROUP", group.gr_name if by == "name" else str(group.gr_gid))
    _published_workbook_world(committed_db)
    root = tmp_path / "exports"
    old = os.umask(0o077)
    try:
        export_province(committed_db, "79", "2026-W47", root)
    finally:
        os.umask(old)
    assert _modes(root) == {"exports": 0o750, "exports/2026-W47": 0o750, "exports/2026-W47/79": 0o750,
                            "exports/2026-W47/79/26734.xlsx": 0o640}
    assert {p.stat().st_gid for p in [root, *root.rglob("*")]} == {group.gr_gid}


def test_compose_init_script_creates_a_nosuperuser_login(tmp_path):
    """Run docker/warehouse-init against the local cluster as the entrypoint would; inspect the roles it made."""
    suffix = uuid.uuid4().hex[:8]
    login, db = f"rel_compose_{suffix}", f"rel_compose_db_{suffix}"
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(config.local_pg_port()), POSTGRES_USER="postgres",
               PGPASSFILE=str(config.local_passfile(config.LOCAL_PG_ADMIN)),
               TIEMNANG_ADMIN_SQL_DIR=str(config.SQL_DIR / "admin"),
               TIEMNANG_WAREHOUSE_USER=login, TIEMNANG_WAREHOUSE_PASSWORD=f"pw-{suffix}", TIEMNANG_WAREHOUSE_DB=db)
    script = config.PROJECT_ROOT / "docker" / "warehouse-init" / "10-tiemnang-role.sh"
    admin_info = _admin()
    try:
        done = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        with psycopg.connect(admin_info) as admin:
            role = admin.execute(
                "SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolpassword IS NOT NULL"
                " FROM pg_authid WHERE rolname = %s", (login,)).fetchone()
            owner = admin.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", (db,)).fetchone()
            readers = admin.execute("SELECT count(*) FROM pg_roles WHERE rolname ~ '^tinh_[0-9]{2}_doc$'").fetchone()
        assert role == (False, False, False, True, True)
        assert owner == (login,) and readers == (34,)
        missing = subprocess.run(["bash", str(script)], env={**env, "TIEMNANG_WAREHOUSE_PASSWORD": ""},
                                 capture_output=True, text=True, timeout=60, check=False)
        assert missing.returncode != 0, "the init script must refuse an empty password"
    finally:
        with psycopg.connect(admin_info, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))


def test_migration_takes_createrole_from_an_earlier_pipeline_login(pg_cluster):
    """A login an earlier version made with CREATEROLE gives it up when the warehouse is next prepared."""
    suffix = uuid.uuid4().hex[:8]
    login, password, name = f"rel_old_{suffix}", uuid.uuid4().hex, f"rel_old_db_{suffix}"
    with psycopg.connect(_admin(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEROLE PASSWORD {}").format(
            sql.Identifier(login), sql.Literal(password)))
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(login)))
    try:
        with db.connect(f"{config.local_conninfo(name, user=login)} password={password}") as conn:
            db.migrate(conn)
            assert conn.execute("SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone() == (False,)
    finally:
        with psycopg.connect(_admin(), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))
