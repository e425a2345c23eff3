"""Sessions in the database, whose mere renewal does not hold up a reader: a save that only moves the
idle clock (``socsec.accounts.sessions``) is put off while a batch job holds SQLite's write lock; any other
change of a session (a login, a second factor verified, a logout) is written as always."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from socsec.core.db import write_briefly

from .sessions import SEEN_KEY


def _without_seen(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != SEEN_KEY}


class SessionStore(DatabaseSessionStore):
    _loaded: dict[str, Any] | None = None

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
