"""Logins, logouts and failed logins on the pages, recorded in the audit trail (``LoginEvent``: who, when,
from which address; never a password). Called from Django's authentication signals (``apps.py``)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from socsec.audit.services import Actor, audit_record

from .models import LoginEvent, User


def _address(request: HttpRequest | None) -> str | None:
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    return address or None


def login_event_record(
    *, kind: LoginEvent.Kind, username: str, user: User | None, request: HttpRequest | None
) -> LoginEvent:
    """Records the event and its audit entry. A failure names the username tried, which need not exist."""
    name = username[:150]
    actor = Actor(label=f"login:{name}")
    if user is not None:
        actor = Actor(label=f"user:{user.username}", user_id=user.pk)
    with transaction.atomic():
        event = LoginEvent.objects.create(
            at=timezone.now(), kind=kind, username=name, user=user, ip_address=_address(request)
        )
        audit_record(actor=actor, action=f"auth.{kind.lower()}", instance=event)
    return event


def on_logged_in(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    login_event_record(kind=LoginEvent.Kind.LOGIN, username=user.username, user=user, request=request)


def on_logged_out(sender: object, request: HttpRequest | None, user: User | None, **kwargs: object) -> None:
    if user is not None:
        login_event_record(kind=LoginEvent.Kind.LOGOUT, username=user.username, user=user, request=request)


def on_login_failed(
    sender: object, credentials: dict[str, object], request: HttpRequest | None = None, **kwargs: object
) -> None:
    username = str(credentials.get("username", ""))
    known = User.objects.filter(username=username).first()
    login_event_record(kind=LoginEvent.Kind.FAILURE, username=username, user=known, request=request)
