"""Django's database sessions, read with a statement written once per process.

Sessions stay server-side: signing out, or deactivating an account, deletes the row and the
next request finds none. Every request reads its session, and building and compiling that one
ORM query cost more CPU than the database spent running it; the statement is the one the ORM
writes (the key, and not yet expired), with the same result: no row, no session.
"""

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from casebridge.core.prepared import statement_cursor

_statement: str | None = None


def _select() -> str:
    global _statement
    if _statement is None:
        quote = connection.ops.quote_name  # names from the model, values as parameters
        _statement = (
            f"SELECT {quote('session_data')}, {quote('expire_date')} "  # noqa: S608  # nosec B608  # names quoted by the code, values as parameters
            f"FROM {quote(Session._meta.db_table)} "
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
    return _statement


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        session_key = self.session_key
        if session_key is None:
            return None
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with statement_cursor() as cursor:
            cursor.execute(_select(), [session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return Session(session_key=session_key, session_data=row[0], expire_date=row[1])


def sessions_end(*, user_id: int) -> int:
    """End every open session of one user at once (ASVS 7.4.2): their rows are deleted, so
    their next request, whichever browser it comes from, finds no session. Sessions are not
    indexed by user, so the open ones are read and decoded: an administrator's action, over
    the few hundred sessions a partnership has open. Returns how many ended."""
    store = SessionStore()
    signed_in_as = str(user_id)
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(store.decode(session.session_data).get(SESSION_KEY)) == signed_in_as
    ]
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)
