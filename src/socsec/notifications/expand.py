"""Making a notice's deliveries: which channels, to which address, in which language, from the
recipient's choices. Set-based: a batch of notices costs a constant number of queries (the notices, the
recipients that exist, their choices, one insert of deliveries, one update), whatever its size.

A notice whose recipient is malformed or does not exist keeps one inbox delivery, flagged with why, so
nothing is lost silently and an officer sees it in the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from socsec.accounts.models import User
from socsec.registry.models import Organisation, Person

from .delivery_codes import DeliveryError
from .models import Channel, Contact, Delivery, Notice
from .recipients import OFFICERS, parse

EXPAND_BATCH = 1000
MODELS: dict[str, type[Person] | type[Organisation] | type[User]] = {
    "person": Person,
    "organisation": Organisation,
    "user": User,
}
COLUMNS = ["notice_id", "channel", "state", "address", "language", "attempts", "next_attempt_at"]
COLUMNS += ["error_code", "error_text", "provider_reference", "claimed_by", "subject", "body"]


def notices_expand(*, now: dt.datetime | None = None, batch: int = EXPAND_BATCH) -> int:
    """Make the deliveries of every notice not yet expanded, a batch at a time. Returns the notices."""
    done = 0
    while True:
        made = _expand_batch(now or timezone.now(), batch)
        done += made
        if made < batch:
            return done


def _expand_batch(now: dt.datetime, size: int) -> int:
    with transaction.atomic():
        notices = list(
            Notice.objects.filter(expanded=False)
            .order_by("id")
            .values_list("id", "event", "recipient", "required")[:size]
        )
        if not notices:
            return 0
        keys = {recipient for _id, _event, recipient, _required in notices}
        existing = _existing(keys)
        contacts = {c.recipient: c for c in Contact.objects.filter(recipient__in=keys)}
        rows: list[tuple[object, ...]] = []
        for notice_id, event, recipient, required in notices:
            rows.extend(_deliveries(notice_id, event, recipient, required, existing, contacts.get(recipient), now))
        _insert(rows)
        # by id (bounded by the batch): a notice committed meanwhile with a lower id waits for the next batch
        Notice.objects.filter(id__in=[n[0] for n in notices]).update(expanded=True)
    return len(notices)


def _insert(rows: list[tuple[object, ...]]) -> None:
    """The batch's deliveries in one prepared statement run over the rows (one round trip to SQLite, a
    pipeline on PostgreSQL); a delivery already made for the notice and channel is left as it is."""
    if not rows:
        return
    quote = connection.ops.quote_name
    by_attname = {f.attname: f.column for f in Delivery._meta.concrete_fields}
    columns = ", ".join(quote(str(by_attname[name])) for name in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    at = COLUMNS.index("next_attempt_at")
    values: list[tuple[Any, ...]] = [
        (*row[:at], connection.ops.adapt_datetimefield_value(cast(dt.datetime, row[at])), *row[at + 1 :])
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(Delivery._meta.db_table)} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING",  # noqa: S608
            values,
        )


def _existing(keys: set[str]) -> set[str]:
    """Of these keys, those naming a recipient that exists (a query per kind, bounded by the batch)."""
    wanted: dict[str, list[int]] = {}
    for key in keys:
        parsed = parse(key)
        if parsed is not None and parsed.kind in MODELS:
            wanted.setdefault(parsed.kind, []).append(parsed.id)
    found = {OFFICERS}
    for kind, ids in wanted.items():
        model = MODELS[kind]
        found.update(f"{kind}:{pk}" for pk in model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
    return found


def _deliveries(
    notice_id: int,
    event: str,
    recipient: str,
    required: bool,
    existing: set[str],
    contact: Contact | None,
    now: dt.datetime,
) -> list[tuple[object, ...]]:
    language = contact.language if contact else settings.LANGUAGE_CODE

    def row(channel: str, address: str = "", error: DeliveryError | None = None, text: str = "") -> tuple[object, ...]:
        state = Delivery.State.FLAGGED if error else Delivery.State.PENDING
        return (notice_id, channel, state, address, language, 0, now, error or "", text, "", "", "", "")

    if parse(recipient) is None:
        return [row(Channel.INBOX, error=DeliveryError.RECIPIENT_MALFORMED, text=f"{recipient!r} is not a recipient")]
    if recipient not in existing:
        return [row(Channel.INBOX, error=DeliveryError.RECIPIENT_UNKNOWN, text=f"{recipient} does not exist")]
    if contact is not None and event in contact.muted and not required:
        return []  # switched off by the recipient
    rows = [row(Channel.INBOX)]
    if contact is not None and contact.email_on:
        try:
            validate_email(contact.email)
            rows.append(row(Channel.EMAIL, contact.email))
        except ValidationError:
            text = f"{contact.email!r} is not an email address"
            rows.append(row(Channel.EMAIL, contact.email, DeliveryError.ADDRESS_INVALID, text))
    if contact is not None and contact.sms_on:
        rows.append(row(Channel.SMS, contact.phone))
    return rows
