#!/usr/bin/env bash
# Installs (if needed) and starts a local PostgreSQL for the test suite, creates a test role and
# database, and prints a DATABASE_URL on stdout (the only stdout line; progress goes to stderr).
#
# Debian/Ubuntu: uses the distribution's `postgresql` package and its pg_ctlcluster wrapper, which
# runs the server as the postgres user (initdb refuses to run as root). Needs root (or an already
# running cluster). Idempotent: safe to run again while the cluster is up.
#
#   TEST_PG_USER / TEST_PG_PASSWORD / TEST_PG_DB   role, password and database (default ln_cds_test)
set -euo pipefail

user="${TEST_PG_USER:-ln_cds_test}"
password="${TEST_PG_PASSWORD:-ln_cds_test}"
db="${TEST_PG_DB:-ln_cds_test}"

log() { echo "test-postgres: $*" >&2; }
die() { log "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else die "needs root to run: $* (or start PostgreSQL yourself and set TEST_DATABASE_URL)"; fi
}

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@";
  elif command -v runuser >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@";
  else as_root su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
}

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is unavailable"
  log "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get -o DPkg::Lock::Timeout=120 update -qq >&2
  as_root apt-get -o DPkg::Lock::Timeout=120 install -y -qq postgresql >&2
fi

# First cluster known to postgresql-common, or a new "main" one for the newest installed server.
read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1) || true
if [ -z "${version:-}" ]; then
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  cluster=main
  log "creating cluster $version/$cluster"
  as_root pg_createcluster "$version" "$cluster" >&2
  read -r version cluster port status _ < <(pg_lsclusters -h | grep "^$version  *$cluster ")
fi

if [ "$status" != online ]; then
  log "starting cluster $version/$cluster on port $port"
  as_root pg_ctlcluster "$version" "$cluster" start >&2
fi

for _ in $(seq 1 30); do
  as_postgres pg_isready -q -p "$port" && break
  sleep 1
done
as_postgres pg_isready -q -p "$port" || die "cluster $version/$cluster did not become ready on port $port"

psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@"; }

psql_admin -c "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN
    CREATE ROLE \"$user\" LOGIN PASSWORD '$password';
  ELSE
    ALTER ROLE \"$user\" LOGIN PASSWORD '$password';
  END IF;
END \$\$;" >&2
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE \"$db\" OWNER \"$user\"" >&2
fi

log "PostgreSQL $version ready on 127.0.0.1:$port, database $db"
echo "postgresql://$user:$password@127.0.0.1:$port/$db"
