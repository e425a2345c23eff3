"""The log of reads of personal data: who read which person's data, why, what, and when.

``log_personal_read`` is called by the pages, API endpoints and exports that show a person's data to
someone other than that person, one row per person read (in bulk for lists). A worker reading their own
data is not logged: the log answers "who else has seen my data", and a worker's own page views would
bury the answer (and write on every page a worker opens)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import PersonalDataAccess, ReadPurpose
from .services import Actor

# What was read: the kind labels the callers log, as a person reads them.
READ_KINDS: dict[str, str | Promise] = {
    "person": _("personal details"),
    "person record": _("personal details, work and coverage"),
    "person search": _("a search result"),
    "engagements": _("work with platforms and employers"),
    "coverage": _("coverage"),
    "claim": _("a claim"),
    "claims": _("claims"),
    "claim queue": _("claims (work queue)"),
    "insured records": _("insured records (anonymised export)"),
    "bank file": _("a bank file (payment instructions)"),
}


def log_personal_read(*, actor: Actor, role: str, person_ids: Iterable[int], purpose: ReadPurpose, what: str) -> int:
    """One row per distinct person read; nothing for an empty list. Returns the rows written."""
    now = timezone.now()
    rows = [
        PersonalDataAccess(
            at=now,
            person_id=person_id,
            actor_user_id=actor.user_id,
            actor_token_id=actor.token_id,
            actor_organisation_id=actor.organisation_id,
            actor_role=role,
            actor_label=actor.label,
            purpose=purpose,
            what=what,
        )
        for person_id in dict.fromkeys(person_ids)
    ]
    PersonalDataAccess.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def personal_reads(
    *,
    person_id: int | None = None,
    actor_user_id: int | None = None,
    actor_organisation_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[PersonalDataAccess]:
    """Reads, newest first (by id, so that pages can follow one another by id), with who read (user,
    organisation) joined for display."""
    qs = PersonalDataAccess.objects.select_related("actor_user", "actor_organisation").order_by("-id")
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if actor_user_id is not None:
        qs = qs.filter(actor_user_id=actor_user_id)
    if actor_organisation_id is not None:
        qs = qs.filter(actor_organisation_id=actor_organisation_id)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs


def reader_of(read: PersonalDataAccess) -> tuple[str, str]:
    """Who read, as the person whose data it was sees it: the role, and the organisation's or officer's
    name (never an internal id or a token prefix; empty for an export run by the system)."""
    if read.actor_organisation is not None:
        return read.actor_role, read.actor_organisation.name
    if read.actor_user is not None:
        return read.actor_role, read.actor_user.get_full_name() or read.actor_user.username
    return read.actor_role, ""
