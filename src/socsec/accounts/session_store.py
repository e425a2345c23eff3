"""Sessions in the database, whose mere renewal does not hold up a reader: a save that only moves the
idle clock (``socsec.accounts.sessions``) is put off while a batch job holds SQLite's write lock; any other
change of a session (a login, a second factor verified, a logout) is written as always.

The row (``socsec.usersessions.models.UserSession``) names the user the session logged in, and reading a
session reads that user in the same query (``session_user``), for ``socsec.accounts.session_auth``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from socsec.accounts.models import User
from socsec.core.compiled import CompiledQuery, moment_sentinel, text_sentinel
from socsec.core.db import write_briefly
from socsec.usersessions.models import UserSession

from .sessions import SEEN_KEY


def _without_seen(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != SEEN_KEY}


def _live(*, session_key: str, now: dt.datetime) -> QuerySet[UserSession]:
    return UserSession.objects.filter(session_key=session_key, expire_date__gt=now).select_related("user")[:1]


# every request of a logged-in user reads its session and its user: SQL built once per process
_LIVE = CompiledQuery(_live, sentinels={"session_key": text_sentinel("session"), "now": moment_sentinel(1)})


def _user_id(data: dict[str, Any]) -> int | None:
    """The id of the user a session's data names, as the user table's key; None for none or a bad one."""
    try:
        value = User._meta.pk.to_python(data[SESSION_KEY])
    except (KeyError, ValidationError, TypeError, ValueError):
        return None
    return value if isinstance(value, int) else None


class SessionStore(DatabaseSessionStore):
    _loaded: dict[str, Any] | None = None
    session_user: User | None = None  # the user the row named when it was read (not yet checked)

    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        session = super().create_model_instance(data)
        assert isinstance(session, UserSession)
        session.user_id = _user_id(data)
        return session

    def _get_session_from_db(self) -> UserSession | None:
        """The live session of this key, else None (and the key forgotten), as Django's store reads it; the
        user its row names is kept in ``session_user``."""
        found = _LIVE.objects(session_key=self.session_key, now=timezone.now())
        if found:
            self.session_user = found[0].user
            return found[0]
        self._session_key = None
        return None

    def load(self) -> dict[str, Any]:
        data: dict[str, Any] = super().load()
        self._loaded = dict(data)
        return data

    def save(self, must_create: bool = False) -> None:
        renewal_only = (
            not must_create
            and self.session_key is not None
            and self._loaded is not None
            and _without_seen(dict(self.items())) == _without_seen(self._loaded)
        )
        if not renewal_only:
            super().save(must_create)
            return
        write_briefly(lambda: DatabaseSessionStore.save(self, must_create))
