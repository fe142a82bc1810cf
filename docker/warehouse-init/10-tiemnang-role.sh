#!/usr/bin/env bash
# First start of the warehouse container only (docker-entrypoint-initdb.d): the pipeline's own login.
# It is not a superuser: it owns the warehouse database and has CREATEROLE, which it needs to create the
# 34 tinh_<code>_doc reader roles. The superuser (POSTGRES_USER) is kept for the DBA only.
set -euo pipefail

: "${TIEMNANG_WAREHOUSE_USER:?}"
: "${TIEMNANG_WAREHOUSE_PASSWORD:?}"
: "${TIEMNANG_WAREHOUSE_DB:?}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v login="$TIEMNANG_WAREHOUSE_USER" -v pw="$TIEMNANG_WAREHOUSE_PASSWORD" \
     -v dbname="$TIEMNANG_WAREHOUSE_DB" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN CREATEROLE NOSUPERUSER NOCREATEDB PASSWORD %L', :'login', :'pw')
\gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', :'dbname', :'login')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'dbname')
\gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'dbname', :'login')
\gexec
SQL
echo "warehouse: login ${TIEMNANG_WAREHOUSE_USER} owns database ${TIEMNANG_WAREHOUSE_DB}"
