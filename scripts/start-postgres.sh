#!/usr/bin/env bash
# Starts the local PostgreSQL 15 cluster and makes sure the cairn role exists (tests and bench).
set -euo pipefail
if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 *main'; then
  pg_createcluster 15 main >/dev/null
fi
if ! pg_lsclusters -h | grep -q '^15 *main .* online'; then
  pg_ctlcluster 15 main start
fi
for _ in $(seq 1 30); do
  runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
runuser -u postgres -- psql -q -d postgres -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cairn') THEN
    CREATE ROLE cairn LOGIN PASSWORD 'cairn' CREATEDB;
  END IF;
END $$;
SQL
if ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname='cairn'" -d postgres | grep -q 1; then
  runuser -u postgres -- createdb -O cairn cairn
fi
# The suite's streaming replica (lib/tests/servers.py) copies and follows this cluster over its
# Unix socket as postgres: a Debian cluster allows that from the start; make sure it still does.
hba=$(runuser -u postgres -- psql -tAc "SHOW hba_file" -d postgres)
if ! grep -Eq '^local +replication +all +peer' "$hba"; then
  echo "local   replication     all                                     peer" >>"$hba"
  runuser -u postgres -- psql -q -d postgres -c "SELECT pg_reload_conf()" >/dev/null
fi
if [ "$(runuser -u postgres -- psql -tAc 'SHOW wal_level' -d postgres)" = minimal ]; then
  runuser -u postgres -- psql -q -d postgres -c "ALTER SYSTEM SET wal_level = replica" >/dev/null
  pg_ctlcluster 15 main restart
fi
