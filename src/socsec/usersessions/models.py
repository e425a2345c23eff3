"""The session table: Django's (key, signed data, expiry) and the user the session logged in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    # where to find the session's user in the same query; no constraint: a session outlives no row it
    # depends on (a user is never deleted while logged in, and a session naming no row is read as anonymous)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "usersessions_session"

    @classmethod
    def get_session_store_class(cls) -> Any:
        from socsec.accounts.session_store import SessionStore

        return SessionStore
