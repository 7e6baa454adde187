"""PostgreSQL keeps the plans of the statements a connection runs again (cairn.settings,
CAIRN_DB_PREPARE_THRESHOLD): a page's second view is planned from them, and gives the same page.
Collected on PostgreSQL only (lib/tests/conftest.py)."""

import re

from django.db import connection

from cairn.demo import DemoWorld


def _kept_plans() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_a_page_viewed_again_runs_the_statements_postgresql_kept(client_for, demo: DemoWorld):
    ana = client_for("ana")
    first = ana.get("/today/")
    kept_after_first = _kept_plans()
    second = ana.get("/today/")
    kept = _kept_plans()
    assert first.status_code == second.status_code == 200
    assert connection.connection.prepare_threshold == 1
    # Statements seen once are prepared when run again: the session and the caseload's reads.
    assert len(kept) > len(kept_after_first) + 10
    assert any('FROM "participants_participant"' in statement for statement in kept)
    # Values are bound by the server: the session key is not written into its statement.
    sessions = [statement for statement in kept if 'FROM "django_session"' in statement]
    assert sessions and all('"session_key" = $' in statement for statement in sessions)
    assert ana.session.session_key not in " ".join(kept)
    # The same page, once its statements are prepared.
    assert "Pat" in first.content.decode()
    assert _steady(first.content.decode()) == _steady(second.content.decode())


def _steady(page: str) -> str:
    """The page without what differs on every response (the script nonce, the form token)."""
    page = re.sub(r'nonce="[^"]*"', "", page)
    page = re.sub(r'"X-CSRFToken": "[^"]*"', "", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
