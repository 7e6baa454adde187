"""Sessions in the database, as Django keeps them, read by a prepared query (lib.prepared): every
signed-in request reads its session, and building and compiling that one-row query each time was
a millisecond of every page."""

from datetime import datetime
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from lib.prepared import Text, prepared


@prepared
def _live(*, session_key: Text, now: datetime) -> QuerySet[Session]:
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        """The session row if it is there and has not expired; else None, and the key is
        forgotten (Django's own rule)."""
        found = (
            _live.fetch(session_key=Text(self.session_key), now=timezone.now())
            if self.session_key
            else []
        )
        if not found:
            self._session_key = None
            return None
        return found[0]
