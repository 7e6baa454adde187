#!/usr/bin/env bash
# Installs the system packages the test suite needs, only when they are missing.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /usr/lib/postgresql/15/bin ] || missing+=(postgresql-15 postgresql-contrib)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
# pgbouncer: the suite checks that Cairn works through it (lib/tests/test_pgbouncer_postgres.py).
[ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
