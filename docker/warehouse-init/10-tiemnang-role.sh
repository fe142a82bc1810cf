#!/usr/bin/env bash
# First start of the warehouse container only (docker-entrypoint-initdb.d), as the superuser: the pipeline's own
# login and the 34 province reader roles. The login is not a superuser and cannot create roles (on PostgreSQL 15
# CREATEROLE would let it grant itself pg_execute_server_program) nor databases: it owns the warehouse database,
# and with it the province schemas, whose USAGE and SELECT it grants to the reader roles made here.
# The superuser (POSTGRES_USER) is kept for the DBA only.
set -euo pipefail

: "${TIEMNANG_WAREHOUSE_USER:?}"
: "${TIEMNANG_WAREHOUSE_PASSWORD:?}"
: "${TIEMNANG_WAREHOUSE_DB:?}"
admin_sql="${TIEMNANG_ADMIN_SQL_DIR:-/opt/tiemnang/sql-admin}/reader_roles.sql"
test -r "$admin_sql" || { echo "warehouse: $admin_sql is missing (mount include/tiemnang/sql/admin)" >&2; exit 1; }

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v login="$TIEMNANG_WAREHOUSE_USER" -v pw="$TIEMNANG_WAREHOUSE_PASSWORD" \
     -v dbname="$TIEMNANG_WAREHOUSE_DB" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD %L', :'login', :'pw')
\gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', :'dbname', :'login')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'dbname')
\gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'dbname', :'login')
\gexec
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres --quiet -f "$admin_sql"
echo "warehouse: login ${TIEMNANG_WAREHOUSE_USER} owns database ${TIEMNANG_WAREHOUSE_DB}; 34 reader roles exist"
