"""The embedded local PostgreSQL cluster under .local/pg, started as the `postgres` OS user when run as root."""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import pwd
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import psycopg
from psycopg import sql

from tiemnang import config

log = logging.getLogger(__name__)


class LocalPostgresError(RuntimeError):
    """The local cluster could not be installed, initialised or started."""


def _pg_dir() -> Path:
    """.local/pg, unless the postgres OS user cannot reach it (a checkout under a private home directory)."""
    preferred = config.local_dir() / "pg"
    if os.geteuid() != 0 or _postgres_can_reach(preferred.parent):
        return preferred
    digest = hashlib.sha256(str(config.PROJECT_ROOT).encode()).hexdigest()[:10]
    fallback = Path("/var/tmp") / f"tiemnang-{digest}" / "pg"
    fallback.parent.mkdir(parents=True, exist_ok=True)
    link = preferred
    if not link.exists() and not link.is_symlink():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(fallback)  # so .local/pg still shows where the cluster lives
    return fallback


def socket_dir() -> Path:
    """The cluster's Unix socket folder, the postgres OS user's alone (0700)."""
    return _pg_dir() / "run"


def _postgres_can_reach(directory: Path) -> bool:
    directory.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(_as_postgres(["test", "-x", str(directory)]), capture_output=True)
    return probe.returncode == 0


def find_bin_dir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    return None


def install_server() -> Path:
    """Install PostgreSQL with apt when its binaries are missing (fresh machine, root)."""
    if os.geteuid() != 0:
        raise LocalPostgresError("PostgreSQL server binaries are missing; install them (apt-get install postgresql)")
    log.info("installing PostgreSQL with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True, env=env)
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise LocalPostgresError("apt-get installed postgresql but no initdb was found under /usr/lib/postgresql")
    return bin_dir


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(_shell_quote(a) for a in args)]


def _shell_quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\"'\"'") + "'"


def _chown_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def is_running() -> bool:
    try:
        with psycopg.connect(config.local_conninfo("postgres", user=config.LOCAL_PG_ADMIN), connect_timeout=2):
            return True
    except psycopg.OperationalError as exc:
        if "password" in str(exc):   # up, but the password in the pgpass file is missing or wrong
            raise LocalPostgresError(
                f"the local cluster refused the superuser's password from {config.local_passfile(config.LOCAL_PG_ADMIN)}"
                f": {str(exc).strip()} (a lost file cannot be recovered: stop the cluster and remove {_pg_dir()})") from exc
        return False


def ensure_running() -> None:
    """Initialise (first time) and start the cluster, then make sure its roles, databases and passwords are right.

    Every connection authenticates with scram-sha-256 (passwords in 0600 pgpass files under .local/secrets), the
    socket folder is the postgres user's alone (0700), and a cluster made by an earlier version (trust) is
    converted in place.
    """
    if not is_running():
        bin_dir = find_bin_dir() or install_server()
        pg = _pg_dir()
        data, run_dir = pg / "data", socket_dir()
        for d in (pg, run_dir):
            d.mkdir(parents=True, exist_ok=True)
            _chown_postgres(d)
            d.chmod(0o700)
        if not (data / "PG_VERSION").exists():
            _initdb(bin_dir, data)
        options = f"-c listen_addresses=127.0.0.1 -p {config.local_pg_port()} -k {run_dir}"
        subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(pg / "server.log"),
                          "-o", options, "-w", "-t", "60", "start"]),
            check=True, stdout=subprocess.DEVNULL,
        )
        for _ in range(60):
            if is_running():
                break
            time.sleep(0.5)
        else:
            raise LocalPostgresError(f"local PostgreSQL did not start; see {pg / 'server.log'}")
    _ensure_role_and_databases()


def _initdb(bin_dir: Path, data: Path) -> None:
    log.info("initialising local PostgreSQL cluster in %s", data)
    password = _password(config.LOCAL_PG_ADMIN) or _new_password(config.LOCAL_PG_ADMIN)
    pwfile = data.parent / "initdb.pw"   # read by initdb as the postgres OS user, removed at once
    fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(password + "\n")
    _chown_postgres(pwfile)
    try:
        subprocess.run(
            _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", config.LOCAL_PG_ADMIN, "-E", "UTF8",
                          "--locale=C.UTF-8", "--auth=scram-sha-256", f"--pwfile={pwfile}"]),
            check=True, stdout=subprocess.DEVNULL,
        )
    finally:
        pwfile.unlink(missing_ok=True)
    with open(data / "postgresql.conf", "a", encoding="utf-8") as f:
        f.write(
            "\n# tiemnang local cluster\nshared_buffers = '1GB'\nwork_mem = '64MB'\n"
            "maintenance_work_mem = '512MB'\nmax_wal_size = '4GB'\nsynchronous_commit = off\n"
            "max_connections = 200\ntemp_buffers = '64MB'\nunix_socket_permissions = 0700\n"
        )


# Every connection, socket or TCP, proves a password; nothing is trusted by user name or OS user.
_HBA = """# tiemnang local cluster: every connection authenticates with a password (scram-sha-256).
local   all          all                  scram-sha-256
host    all          all    127.0.0.1/32  scram-sha-256
host    all          all    ::1/128       scram-sha-256
local   replication  all                  scram-sha-256
host    replication  all    127.0.0.1/32  scram-sha-256
host    replication  all    ::1/128       scram-sha-256
"""


def _ensure_role_and_databases() -> None:
    """As the superuser: passwords, the pipeline's login (no CREATEROLE, no CREATEDB), its databases, reader roles."""
    from tiemnang import db

    with psycopg.connect(config.local_conninfo("postgres", user=config.LOCAL_PG_ADMIN), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (config.LOCAL_PG_USER,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(config.LOCAL_PG_USER)))
        # Earlier versions gave the login CREATEROLE (and with it, on PostgreSQL 15, pg_execute_server_program).
        conn.execute(sql.SQL("ALTER ROLE {} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS")
                     .format(sql.Identifier(config.LOCAL_PG_USER)))
        for user in (config.LOCAL_PG_ADMIN, config.LOCAL_PG_USER):
            _ensure_password(conn, user)
        for name in (config.LOCAL_WAREHOUSE_DB, config.LOCAL_AIRFLOW_DB):
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(name), sql.Identifier(config.LOCAL_PG_USER)))
        db.run(conn, "admin/reader_roles")
        _require_passwords(conn)


def create_database(name: str, *, locale: str | None = None, encoding: str = "UTF8",
                    owner: str = config.LOCAL_PG_USER) -> str:
    """A new, empty database `name` on the local cluster owned by the pipeline's login (an existing one is
    dropped first); returns its conninfo. The one place the project creates databases (set-up excepted).

    `locale` gives it that LC_COLLATE and LC_CTYPE instead of the cluster's (e.g. "C", PostgreSQL's default
    when initdb is given none), "icu:<tag>" ICU as its default collation provider: what another DBA may do.
    """
    options = sql.SQL("")
    if locale or encoding != "UTF8":
        options = sql.SQL(" TEMPLATE template0 ENCODING {}").format(sql.Literal(encoding))
        if locale and locale.startswith("icu:"):
            options += sql.SQL(" LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE {}").format(sql.Literal(locale[4:]))
        else:
            options += sql.SQL(" LC_COLLATE {0} LC_CTYPE {0}").format(sql.Literal(locale or "C"))
    drop_database(name)
    with psycopg.connect(config.local_conninfo("postgres", user=config.LOCAL_PG_ADMIN), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(owner))
                     + options)
    return config.local_conninfo(name)


def drop_database(name: str) -> None:
    """Drop database `name` of the local cluster if it exists, ending the sessions of any role in it."""
    with psycopg.connect(config.local_conninfo("postgres", user=config.LOCAL_PG_ADMIN), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _ensure_password(conn: psycopg.Connection, user: str) -> None:
    """Give `user` a password when the pgpass file or the server has none (new logins, trust-era clusters)."""
    known = _password(user)
    stored = conn.execute("SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = %s", (user,)).fetchone()[0]
    if known and stored:
        return
    conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(user), sql.Literal(known or _new_password(user))))


def _require_passwords(conn: psycopg.Connection) -> None:
    """Replace a pg_hba.conf that lets any connection in without a password, and make the socket folder private."""
    weak = conn.execute(
        "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL OR auth_method NOT IN ('scram-sha-256', 'reject')"
    ).fetchone()[0]
    if weak:
        hba = Path(conn.execute("SHOW hba_file").fetchone()[0])
        log.info("local cluster: %d pg_hba.conf rules let connections in without a password; rewriting %s", weak, hba)
        hba.write_text(_HBA, encoding="utf-8")
        _chown_postgres(hba)
        conn.execute("SELECT pg_reload_conf()")
    if conn.execute("SHOW unix_socket_permissions").fetchone()[0] != "0700":
        conn.execute("ALTER SYSTEM SET unix_socket_permissions = '0700'")   # at the next start; the folder is 0700 now
    socket_dir().chmod(0o700)


def _password(user: str) -> str | None:
    """`user`'s password from its pgpass file, if it holds one."""
    path = config.local_passfile(user)
    if not path.exists():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split(":")
        if len(fields) == 5 and fields[3] == user and fields[4]:
            return fields[4]
    return None


def _new_password(user: str) -> str:
    """A random password for `user`, written to its pgpass file (0600, in a 0700 folder) before the server has it."""
    password = secrets.token_hex(24)
    path = config.local_passfile(user)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(f"127.0.0.1:*:*:{user}:{password}\n")   # any port: TIEMNANG_PGPORT may change between runs
    os.replace(tmp, path)
    return password


def stop() -> None:
    bin_dir = find_bin_dir()
    data = _pg_dir() / "data"
    if bin_dir and (data / "PG_VERSION").exists() and is_running():
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]), check=True)
