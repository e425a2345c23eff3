"""Accounts: users with roles, and organisations' API tokens (stored as SHA-256 digests)."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, ValidationFailed
from socsec.registry.models import Organisation, Person

from .errors import AccountErrorCode
from .models import ApiToken, Role, User

TOKEN_PREFIX = "ss_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    person: Person | None = None,
    organisation: Organisation | None = None,
) -> User:
    if role not in Role.values:
        raise ValidationFailed(f"role: {role!r} is not one of {', '.join(Role.values)}.", field="role")
    if role == Role.WORKER and person is None:
        raise ValidationFailed("person: a worker account must be linked to a registered person.", field="person")
    if role == Role.PLATFORM and organisation is None:
        raise ValidationFailed("organisation: a platform account needs its organisation.", field="organisation")
    if not username or len(username) > 150:
        raise ValidationFailed("username: is required (at most 150 characters).", field="username")
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict(f"user {username!r} already exists", field="username", code=AccountErrorCode.USER_EXISTS)
        candidate = User(username=username, role=role)
        try:
            validate_password(password, candidate)
        except DjangoValidationError as exc:
            raise ValidationFailed(f"password: {' '.join(exc.messages)}", field="password") from None
        user = User(
            username=username,
            role=role,
            person=person,
            organisation=organisation,
            is_staff=role in (Role.SUPERVISOR,),
        )
        user.set_password(password)
        user.save()
        audit_record(actor=actor, action="user.create", instance=user)
    return user


def token_issue(*, actor: Actor, organisation: Organisation, name: str) -> tuple[ApiToken, str]:
    """A new token for the organisation. The returned key is shown once and never stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(organisation=organisation, name=name, prefix=key[:10], digest=_digest(key))
        audit_record(actor=actor, action="token.issue", instance=token)
    return token, key


def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoke", instance=locked)
    return locked


def token_authenticate(key: str) -> ApiToken | None:
    """The live token for a presented key, or None. Marks its last use (not audited: a read)."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("organisation").filter(digest=_digest(key), revoked_at__isnull=True).first()
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
