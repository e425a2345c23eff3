"""Writing to the outbox, inside the caller's transaction, so a notice exists if and only if its event
does; and the people's choices, an officer's resend and the inbox's reads.

``notify`` writes one notice; ``notify_many`` streams any number in bounded batches of multi-row inserts
(a pay run's payments: a constant number of statements per thousand notices). A notice already written
for the same event, recipient and key is left as it is (``ON CONFLICT DO NOTHING``), so an event replayed
is not told twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.core.bulk import copy_rows
from socsec.core.errors import Conflict, ValidationFailed

from .errors import NotifyErrorCode
from .events import EVENTS
from .models import Contact, Delivery, Notice

BATCH = 10000  # notices written at once (by one COPY on PostgreSQL; in statements within SQLite's limits)
COLUMNS = ["event", "recipient", "context", "dedupe_key", "required", "created_at", "expanded"]
Row = tuple[str, Mapping[str, Any], str]  # recipient, context, dedupe key


def notify(*, event: str, recipient: str, context: Mapping[str, Any], dedupe_key: str) -> None:
    """Tell ``recipient`` of ``event``, in the caller's transaction (the worker delivers it after commit)."""
    notify_many(event=event, rows=[(recipient, context, dedupe_key)])


def notify_many(*, event: str, rows: Iterable[Row], now: dt.datetime | None = None) -> int:
    """Tell each (recipient, context, dedupe key) of ``event``, streamed in batches. Returns the rows given."""
    spec = EVENTS.get(event)
    if spec is None:  # a caller's mistake: refused, so the event's own transaction does not commit it
        raise ValidationFailed(
            "event: %(event)s has no notice text",
            field="event",
            code=NotifyErrorCode.EVENT_UNKNOWN,
            params={"event": event},
        )
    at = now or timezone.now()
    stream = iter(rows)
    given = 0
    while batch := list(islice(stream, BATCH)):
        values = [
            (event, recipient[:64], _plain(context), key[:128], spec.required, at, False)
            for recipient, context, key in batch
        ]
        copy_rows(Notice, COLUMNS, values, returning=False, ignore_conflicts=True)
        given += len(batch)
    return given


def _plain(context: Mapping[str, Any]) -> dict[str, Any]:
    """The values as JSON keeps them: integers as they are, anything else as its text."""
    return {k: v if isinstance(v, int) and not isinstance(v, bool) else str(v) for k, v in context.items()}


def contact_set(
    *,
    actor: Actor,
    recipient: str,
    language: str,
    email: str = "",
    phone: str = "",
    email_on: bool = False,
    sms_on: bool = False,
    muted: Sequence[str] = (),
) -> Contact:
    """A recipient's language, addresses and channels, and the events they do not want told. A notice the
    law requires cannot be muted, and a channel needs its address."""
    errors: dict[str, list[str]] = {}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [f"{language!r} is not a language of the site."]
    email, phone = email.strip(), phone.replace(" ", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [f"{email!r} is not an email address."]
    if phone and not (phone.startswith("+") and phone[1:].isdigit() and 8 <= len(phone) <= 16):
        errors["phone"] = [f"{phone!r} is not a phone number in international form (+86...)."]
    if email_on and not email:
        errors["email"] = ["is needed to be told by email."]
    if sms_on and not phone:
        errors["phone"] = ["is needed to be told by text message."]
    unknown = [e for e in muted if e not in EVENTS]
    if unknown:
        errors["muted"] = [f"{', '.join(unknown)}: not events."]
    if errors:
        raise ValidationFailed.from_fields(errors)
    required = [e for e in muted if EVENTS[e].required]
    if required:
        raise ValidationFailed(
            "muted: %(events)s the law requires; it cannot be switched off",
            field="muted",
            code=NotifyErrorCode.REQUIRED_NOTICE,
            params={"events": ", ".join(required)},
        )
    with transaction.atomic():
        contact, _ = Contact.objects.update_or_create(
            recipient=recipient,
            defaults={
                "language": language,
                "email": email,
                "phone": phone,
                "email_on": email_on,
                "sms_on": sms_on,
                "muted": sorted(set(muted)),
            },
        )
        audit_record(actor=actor, action="notifications.contact.set", instance=contact)
    return contact


def delivery_retry(*, actor: Actor, delivery_id: int) -> Delivery:
    """An officer sends a flagged delivery again (after fixing what flagged it): it waits for the worker."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.state != Delivery.State.FLAGGED:
            raise Conflict(
                "delivery %(delivery)s is not flagged; only a flagged delivery is sent again",
                code=NotifyErrorCode.NOT_RETRYABLE,
                params={"delivery": delivery_id},
            )
        delivery.state, delivery.next_attempt_at, delivery.attempts = Delivery.State.PENDING, timezone.now(), 0
        delivery.save(update_fields=["state", "next_attempt_at", "attempts"])
        audit_record(actor=actor, action="notifications.delivery.retry", instance=delivery)
    return delivery


def inbox_mark_read(*, keys: Sequence[str], delivery_id: int | None = None) -> int:
    """Mark one message of these recipients' inbox read (or all of them). Returns how many."""
    rows = Delivery.objects.filter(
        channel="INBOX", state=Delivery.State.SENT, read_at__isnull=True, notice__recipient__in=keys
    )
    if delivery_id is not None:
        rows = rows.filter(pk=delivery_id)
    return rows.update(read_at=timezone.now())
