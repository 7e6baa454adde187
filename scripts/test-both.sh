#!/usr/bin/env bash
# The whole suite on both databases at once, one per core (the machine has two): PostgreSQL's
# output is shown as it runs, SQLite's (kept in var/test-sqlite.log) when it ends. Fails if
# either fails. `make test-postgres` / `make test-sqlite` run one on its own.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
started=$(date +%s)

make -s suite-sqlite > var/test-sqlite.log 2>&1 &
sqlite=$!
make -s suite-postgres 2>&1 | tee var/test-postgres.log
postgres_status=${PIPESTATUS[0]}
echo "== PostgreSQL suite done after $(( $(date +%s) - started )) s (status ${postgres_status}); waiting for SQLite"

wait "$sqlite"
sqlite_status=$?
cat var/test-sqlite.log
echo "== SQLite suite done after $(( $(date +%s) - started )) s (status ${sqlite_status})"

if [ "$postgres_status" -ne 0 ] || [ "$sqlite_status" -ne 0 ]; then
    exit 1
fi
