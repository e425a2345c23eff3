"""Accounts: users with roles. Organisations' API tokens are in ``socsec.accounts.tokens`` (their
services are re-exported here)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, ValidationFailed
from socsec.registry.models import Organisation, Person

from .errors import AccountErrorCode
from .models import Role, User
from .tokens import TOKEN_PREFIX, token_authenticate, token_issue, token_revoke, token_rotate

__all__ = ["TOKEN_PREFIX", "token_authenticate", "token_issue", "token_revoke", "token_rotate", "user_create"]


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
        raise ValidationFailed(
            "role: %(role)r is not one of %(roles)s.",
            field="role",
            params={"role": role, "roles": ", ".join(Role.values)},
        )
    if role == Role.WORKER and person is None:
        raise ValidationFailed("person: a worker account must be linked to a registered person.", field="person")
    if role == Role.PLATFORM and organisation is None:
        raise ValidationFailed("organisation: a platform account needs its organisation.", field="organisation")
    if not username or len(username) > 150:
        raise ValidationFailed("username: is required (at most 150 characters).", field="username")
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict(
                "user %(username)r already exists",
                field="username",
                code=AccountErrorCode.USER_EXISTS,
                params={"username": username},
            )
        candidate = User(username=username, role=role)
        try:
            validate_password(password, candidate)
        except DjangoValidationError as exc:
            raise ValidationFailed(
                "password: %(reason)s", field="password", params={"reason": " ".join(exc.messages)}
            ) from None
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
