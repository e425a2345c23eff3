"""Recipient keys: who a notice is for, as one short string the outbox stores and the inbox looks up.
``person:<id>`` (a worker, by their registry record), ``organisation:<id>`` (a platform or employer),
``user:<id>`` (an officer) and ``officers`` (every officer's inbox)."""

from __future__ import annotations

from dataclasses import dataclass

from socsec.accounts.models import Role, User

KINDS = ("person", "organisation", "user")
OFFICERS = "officers"


@dataclass(frozen=True)
class Recipient:
    kind: str  # person, organisation, user, officers
    id: int

    @property
    def key(self) -> str:
        return OFFICERS if self.kind == OFFICERS else f"{self.kind}:{self.id}"


def person(person_id: int) -> str:
    return f"person:{int(person_id)}"


def organisation(organisation_id: int) -> str:
    return f"organisation:{int(organisation_id)}"


def user(user_id: int) -> str:
    return f"user:{int(user_id)}"


def parse(key: str) -> Recipient | None:
    """The recipient a key names, or None for a malformed key."""
    if key == OFFICERS:
        return Recipient(OFFICERS, 0)
    kind, _, number = key.partition(":")
    if kind not in KINDS or not number.isdigit() or len(number) > 19:
        return None
    return Recipient(kind, int(number))


def keys_of(account: User) -> list[str]:
    """Every key whose notices the account's inbox shows; the first is the one its preferences are for."""
    keys = [user(account.pk)]
    if account.role == Role.WORKER and account.person_id is not None:
        keys.insert(0, person(account.person_id))
    if account.role == Role.PLATFORM and account.organisation_id is not None:
        keys.insert(0, organisation(account.organisation_id))
    if account.role in (Role.OFFICER, Role.SUPERVISOR):
        keys.append(OFFICERS)
    return keys
