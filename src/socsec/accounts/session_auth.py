"""Who a request's session belongs to, from the user read with the session (one query: the session row
names its user, ``socsec.accounts.session_store``) instead of a second query by Django's backend.

The fast path vouches for that user only when everything Django's ``auth.get_user`` checks holds: the
session's data names this very user and a backend of ``AUTHENTICATION_BACKENDS`` that reads users as
``ModelBackend`` does, the user may log in (an inactive user may not), and the session's password hash is the
user's current one. Otherwise - no user row, another backend, an inactive user, a changed password, a hash
made with an older secret key - Django's own ``auth.get_user`` decides, as it always did (logging the session
out where the hash no longer matches)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from .models import User


def session_user(request: HttpRequest) -> User | None:
    """The user read with the request's session, when the session vouches for them; else None."""
    session = request.session
    user_id = session.get(SESSION_KEY)  # loads the session, and the user its row names
    user = getattr(session, "session_user", None)
    if user_id is None or not isinstance(user, User) or str(user.pk) != str(user_id):
        return None
    backend_path = session.get(BACKEND_SESSION_KEY)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    backend = load_backend(backend_path)
    if not isinstance(backend, ModelBackend) or type(backend).get_user is not ModelBackend.get_user:
        return None
    if not backend.user_can_authenticate(user):
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    return user


def request_user(request: HttpRequest) -> User | AnonymousUser:
    if not hasattr(request, "_cached_user"):
        request._cached_user = session_user(request) or auth.get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined,no-any-return]


class SessionAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's ``AuthenticationMiddleware`` whose ``request.user`` is :func:`request_user`."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: request_user(request))  # type: ignore[assignment]
