"""Database sessions whose failed save during an outage is the outage, not a bad request.

Django's database session store turns any database error during an update into
`UpdateError`, which SessionMiddleware answers with 400 "session interrupted". When the cause
is the database being unreachable, the person should get the 503 page (views/errors.py) and
try again in a moment, as on every other page.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import InterfaceError, OperationalError


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create=must_create)
        except UpdateError as error:
            cause = error.__context__
            if isinstance(cause, OperationalError | InterfaceError):
                raise cause from error
            raise
