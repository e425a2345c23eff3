"""Organisations' API tokens: issued, rotated and revoked (audited, without the digest), listed, and
authenticated with their expiry and scopes. Authenticating reads; it writes ``last_used_at`` only when
the stored time is older than ``settings.API_TOKEN_LAST_USED_MINUTES``, so a busy client does not write on
every request (on SQLite a write would wait behind a batch job's transaction).

A key found live is remembered by the process for ``settings.API_TOKEN_CACHE_SECONDS`` (by its SHA-256
digest, never the key), so a busy client's requests do not each read the token: a revocation or rotation
takes effect at once in the process that made it and within those seconds in every other process; an
expiry takes effect at once everywhere (checked on the remembered token). A refused key is not remembered."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import secrets
import threading
from collections.abc import Sequence
from time import monotonic

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.core.db import write_briefly
from socsec.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from socsec.registry.models import Organisation

from .errors import AccountErrorCode
from .models import ApiToken
from .scopes import EVERY_SCOPE, operation_path, parse_scopes, scope_needed

TOKEN_PREFIX = "ss_"
_VERIFIED_MAX = 10_000  # remembered keys per process; beyond it the memory is emptied and refilled

_verified: dict[str, tuple[float, ApiToken]] = {}  # digest -> (remembered until, on the monotonic clock)
_verified_lock = threading.Lock()
_forgotten = [0]  # how many times the memory was emptied: a read begun before that is not remembered


def verified_tokens_forget() -> None:
    """Forgets every key remembered live: the next request of each reads its token again."""
    with _verified_lock:
        _verified.clear()
        _forgotten[0] += 1


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _as_audited(token: ApiToken) -> ApiToken:
    """The token as the audit trail keeps it: every field but the digest."""
    shown = copy.copy(token)
    shown.digest = ""
    return shown


def _checked_scopes(scopes: Sequence[str] | None) -> list[str]:
    try:
        return parse_scopes(tuple(scopes)) if scopes is not None else list(EVERY_SCOPE)
    except ValueError as exc:
        raise ValidationFailed(
            "scopes: %(reason)s.", field="scopes", code=AccountErrorCode.UNKNOWN_SCOPE, params={"reason": str(exc)}
        ) from None


def _new(organisation: Organisation, name: str, scopes: list[str], days: int | None) -> tuple[ApiToken, str]:
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=days or settings.API_TOKEN_DAYS)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=key[:10],
        digest=_digest(key),
        scopes=scopes,
        expires_at=expires_at,
    )
    return token, key


def token_issue(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    scopes: Sequence[str] | None = None,
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token for the organisation, with ``scopes`` (every scope when None) for ``days`` (the
    setting's when None). The returned key is shown once and never stored."""
    if not name.strip() or len(name) > 100:
        raise ValidationFailed("name: is required (at most 100 characters).", field="name")
    if days is not None and not 1 <= days <= 366:
        raise ValidationFailed("days: from 1 to 366.", field="days")
    checked = _checked_scopes(scopes)
    with transaction.atomic():
        token, key = _new(organisation, name.strip(), checked, days)
        audit_record(actor=actor, action="token.issue", instance=_as_audited(token))
    return token, key


def _forget_now_and_on_commit() -> None:
    """Now, and again once committed: another thread may remember the key between the two."""
    verified_tokens_forget()
    transaction.on_commit(verified_tokens_forget)


def _live_locked(token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFound("no API token %(token_id)s", field="token", params={"token_id": token_id})
    if token.revoked_at is not None:
        raise Conflict(
            "API token %(token_id)s is already revoked",
            field="token",
            code=AccountErrorCode.TOKEN_REVOKED,
            params={"token_id": token_id},
        )
    return token


def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        locked = _live_locked(token.pk)
        before = _as_audited(locked)
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoke", instance=_as_audited(locked), before=snapshot(before))
        _forget_now_and_on_commit()
    return locked


def token_rotate(*, actor: Actor, token: ApiToken, days: int | None = None) -> tuple[ApiToken, str]:
    """A new key in place of the token's: same organisation, name and scopes, a new expiry; the old key
    stops working at once."""
    with transaction.atomic():
        old = _live_locked(token.pk)
        new, key = _new(old.organisation, old.name, list(old.scopes), days)
        old.revoked_at = timezone.now()
        old.replaced_by = new
        old.save(update_fields=["revoked_at", "replaced_by"])
        audit_record(actor=actor, action="token.rotate", instance=_as_audited(old))
        audit_record(actor=actor, action="token.issue", instance=_as_audited(new))
        _forget_now_and_on_commit()
    return new, key


def token_list(*, organisation: Organisation | None = None) -> list[ApiToken]:
    """Tokens, newest first: the organisation's, or every one."""
    tokens = ApiToken.objects.select_related("organisation").order_by("-created_at", "-pk")
    if organisation is not None:
        tokens = tokens.filter(organisation=organisation)
    return list(tokens)


def token_get(*, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_related("organisation").filter(pk=token_id).first()
    if token is None:
        raise NotFound("no API token %(token_id)s", field="token", params={"token_id": token_id})
    return token


def token_authenticate(key: str) -> ApiToken | None:
    """The live token (not revoked, not expired) for a presented key, or None."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    digest = _digest(key)
    now = timezone.now()
    remembered = _verified.get(digest)
    if remembered is not None and monotonic() < remembered[0]:
        known = remembered[1]
        return known if known.expires_at is None or known.expires_at > now else None
    generation = _forgotten[0]  # a revocation committed while the token is read makes this read stale
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(digest=digest, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None:
        with _verified_lock:
            _verified.pop(digest, None)
        return None
    _mark_used(token, now)
    seconds = float(settings.API_TOKEN_CACHE_SECONDS)
    if seconds > 0:
        with _verified_lock:
            if len(_verified) >= _VERIFIED_MAX:
                _verified.clear()
            if _forgotten[0] == generation:
                _verified[digest] = (monotonic() + seconds, token)
    return token


def _mark_used(token: ApiToken, now: dt.datetime) -> None:
    """Writes the last use only when the stored one is older than the interval (decided on the row just
    read, so a request within the interval writes nothing)."""
    interval = dt.timedelta(minutes=settings.API_TOKEN_LAST_USED_MINUTES)
    if token.last_used_at is not None and now - token.last_used_at < interval:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - interval)
    # put off while a batch job holds SQLite's write lock: the next request within the interval writes it
    if write_briefly(lambda: ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)):
        token.last_used_at = now


def token_require_scope(token: ApiToken, request: HttpRequest) -> None:
    """Refuses (403) a token without the scope of the operation the request reached."""
    needed = scope_needed(request.method or "GET", operation_path(request))
    if needed is None or needed not in token.scopes:
        shown = needed or "none: no API token may call this operation"
        raise Forbidden(
            "this API token lacks the scope %(shown)s",
            code=AccountErrorCode.SCOPE_MISSING,
            field="scope",
            details={"scope": needed, "token_scopes": list(token.scopes)},
            params={"shown": shown},
        )
