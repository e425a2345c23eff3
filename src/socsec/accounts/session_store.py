"""Sessions in the database, whose mere renewal does not hold up a reader: a save that only moves the
idle clock (``socsec.accounts.sessions``) is put off while a batch job holds SQLite's write lock; any other
change of a session (a login, a second factor verified, a logout) is written as always."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from socsec.core.compiled import CompiledQuery, moment_sentinel, text_sentinel
from socsec.core.db import write_briefly

from .sessions import SEEN_KEY


def _without_seen(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != SEEN_KEY}


def _live(*, session_key: str, now: dt.datetime) -> QuerySet[Session]:
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)[:1]


# every request of a logged-in user reads its session: SQL built once per process
_LIVE = CompiledQuery(_live, sentinels={"session_key": text_sentinel("session"), "now": moment_sentinel(1)})


class SessionStore(DatabaseSessionStore):
    _loaded: dict[str, Any] | None = None

    def _get_session_from_db(self) -> Session | None:
        """The live session of this key, else None (and the key forgotten), as Django's store reads it."""
        found = _LIVE.objects(session_key=self.session_key, now=timezone.now())
        if found:
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
