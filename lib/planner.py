"""Fresh statistics for the database's query planner.

PostgreSQL gathers them itself (autovacuum's ANALYZE) and after a bulk load we ask for them at
once. SQLite never does: without `sqlite_stat1` its planner takes any index on an equality,
even one that matches every row, which made Find help's ZIP search over 20,000 listings walk
the whole organization by index (bench/results/2026-12-06-directory-search-2.md). So the demo's
seeding and `run_timers` (every few hours) refresh them; `analysis_limit` bounds the work on a
large file to a sample of each index.
"""

from typing import Any

from django.db import connection as default_connection

SQLITE_ANALYSIS_LIMIT = 1000  # rows sampled per index, as SQLite's documentation suggests


def refresh_statistics(connection: Any = default_connection, *, sqlite_only: bool = False) -> bool:
    """Runs ANALYZE (bounded on SQLite). Returns whether it ran."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
        return True
    if connection.vendor == "postgresql" and not sqlite_only:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return True
    return False
