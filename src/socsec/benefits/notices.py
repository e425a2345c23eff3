"""Messages to a person, shown on their portal: each is a kind and its values, written out in the reader's
language when shown, so the same message reads in Chinese or English. Kept small: what the benefits tell a
claimant (more information asked; an automatic suspension confirmed or lifted)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from socsec.notifications import recipients
from socsec.notifications.services import notify

from .models import Claim, PersonNotice


class NoticeKind(StrEnum):
    INFORMATION_REQUESTED = "information_requested"
    SUSPENSION_CONFIRMED = "suspension_confirmed"
    SUSPENSION_LIFTED = "suspension_lifted"


TEXTS = {
    NoticeKind.INFORMATION_REQUESTED: _("An officer needs more information on your claim: %(question)s"),
    NoticeKind.SUSPENSION_CONFIRMED: _("Your benefit stays stopped from %(month)s. An officer checked it: %(reason)s"),
    NoticeKind.SUSPENSION_LIFTED: _(
        "Your benefit is paid again from %(month)s; what was held back is paid in the next payment run. "
        "An officer checked it: %(reason)s"
    ),
}

TEXTS_BY_CODE = {kind.value: text for kind, text in TEXTS.items()}


def notice_send(*, person_id: int, kind: NoticeKind, claim: Claim | None = None, **params: str) -> PersonNotice:
    """Write a message to a person (within the caller's transaction), and tell them of it through their
    channels (the outbox, in the same transaction)."""
    notice = PersonNotice.objects.create(person_id=person_id, claim=claim, kind=kind.value, params=params)
    event = "claim.information_requested" if kind == NoticeKind.INFORMATION_REQUESTED else f"benefit.{kind.value}"
    context = {"claim": claim.pk if claim else "", **params}
    notify(event=event, recipient=recipients.person(person_id), context=context, dedupe_key=f"notice:{notice.pk}")
    return notice


def notice_text(notice: PersonNotice) -> str:
    """The message in the active language; a kind this version does not know shows nothing."""
    template = TEXTS_BY_CODE.get(notice.kind)
    if template is None:
        return ""
    values: dict[str, Any] = dict(notice.params)
    return str(template) % values


def notices_of(*, person_id: int, limit: int = 20) -> list[PersonNotice]:
    return list(PersonNotice.objects.filter(person_id=person_id).select_related("claim")[:limit])
