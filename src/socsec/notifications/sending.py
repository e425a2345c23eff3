"""Sending what is due, after the events' commits, as the worker (``socsec notify deliver``) does.

The inbox is the database itself: a batch of its deliveries is written out and marked sent in one
transaction, so it is told exactly once. Email and SMS leave the database, so each delivery is first
claimed (``SENDING``, committed), then handed to its channel with a key of its own (the email's
Message-ID, the SMS provider's idempotency key), then marked ``SENT``. A worker killed in between leaves
it ``SENDING``; after the lease it is claimed again and sent with the same key, which the provider takes
as the same message. A provider that times out is tried again later, each wait twice the last; one that
refuses, or a message that cannot be written (a template without the person's language), is flagged with
its error for an officer; nothing is dropped."""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import socket
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from socsec.core.faults import fault

from .delivery_codes import DeliveryError
from .expand import notices_expand
from .models import Channel, Delivery
from .sms import ProviderRefused, ProviderTimeout, sms_provider
from .texts import RenderError, render

INBOX_BATCH = 500  # marked sent by id: within any database's bound variables


@dataclass
class DeliverResult:
    expanded: int = 0
    reclaimed: int = 0
    sent: dict[str, int] = field(default_factory=dict)
    retrying: int = 0
    flagged: int = 0


def worker_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def deliver_due(*, now: dt.datetime | None = None, limit: int = 500) -> DeliverResult:
    """One round: notices expanded, stale claims taken back, the inbox written, then up to ``limit``
    email and SMS deliveries sent."""
    now = now or timezone.now()
    result = DeliverResult(expanded=notices_expand(now=now))
    lease = dt.timedelta(seconds=settings.SOCSEC_NOTIFY_LEASE_SECONDS)
    result.reclaimed = Delivery.objects.filter(state=Delivery.State.SENDING, claimed_at__lt=now - lease).update(
        state=Delivery.State.PENDING, next_attempt_at=now
    )
    while _inbox_batch(now, result):
        pass
    due = (
        Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
        .exclude(channel=Channel.INBOX)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    for delivery_id in list(due):
        _send_one(delivery_id, result)
    return result


def _inbox_batch(now: dt.datetime, result: DeliverResult) -> bool:
    """A batch of inbox messages: each written out in its language (the page shows it in the reader's,
    written again), those that can be marked sent in one update, those that cannot flagged with why."""
    with transaction.atomic():
        rows = list(
            Delivery.objects.filter(state=Delivery.State.PENDING, channel=Channel.INBOX, next_attempt_at__lte=now)
            .order_by("id")
            .values_list("id", "notice__event", "notice__context", "language")[:INBOX_BATCH]
        )
        written, flagged = [], []
        for delivery_id, event, context, language in rows:
            try:
                render(event, context, language)
                written.append(delivery_id)
            except RenderError as exc:
                flagged.append((delivery_id, exc.code, str(exc)))
        Delivery.objects.filter(pk__in=written).update(
            state=Delivery.State.SENT, sent_at=now, attempts=F("attempts") + 1
        )
        for delivery_id, code, text in flagged:  # rare: one update each
            Delivery.objects.filter(pk=delivery_id).update(
                state=Delivery.State.FLAGGED, error_code=code, error_text=text[:2000], attempts=F("attempts") + 1
            )
    if written:
        result.sent[Channel.INBOX] = result.sent.get(Channel.INBOX, 0) + len(written)
    result.flagged += len(flagged)
    return len(rows) == INBOX_BATCH


def _send_one(delivery_id: int, result: DeliverResult) -> None:
    claimed_at = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, state=Delivery.State.PENDING).update(
        state=Delivery.State.SENDING, claimed_at=claimed_at, claimed_by=worker_label(), attempts=F("attempts") + 1
    )
    if not claimed:  # another worker took it
        return
    delivery = Delivery.objects.select_related("notice").get(pk=delivery_id)
    try:
        subject, body = render(delivery.notice.event, delivery.notice.context, delivery.language)
        fault(f"notify.before_send.{delivery.channel.lower()}")
        reference = _hand_over(delivery, subject, body)
        fault(f"notify.after_send.{delivery.channel.lower()}")
    except RenderError as exc:
        _finish(delivery, Delivery.State.FLAGGED, error=(exc.code, str(exc)))
        result.flagged += 1
    except ProviderRefused as exc:
        _finish(delivery, Delivery.State.FLAGGED, error=(DeliveryError.PROVIDER_REFUSED, str(exc)))
        result.flagged += 1
    except ProviderTimeout as exc:
        if delivery.attempts >= settings.SOCSEC_NOTIFY_MAX_ATTEMPTS:
            _finish(delivery, Delivery.State.FLAGGED, error=(DeliveryError.GAVE_UP, str(exc)))
            result.flagged += 1
        else:
            wait = settings.SOCSEC_NOTIFY_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
            later = timezone.now() + dt.timedelta(seconds=wait)
            _finish(delivery, Delivery.State.PENDING, error=(DeliveryError.PROVIDER_TIMEOUT, str(exc)), at=later)
            result.retrying += 1
    else:
        _finish(delivery, Delivery.State.SENT, reference=reference, texts=(subject, body))
        result.sent[delivery.channel] = result.sent.get(delivery.channel, 0) + 1


def _finish(
    delivery: Delivery,
    state: str,
    *,
    error: tuple[str, str] = ("", ""),
    at: dt.datetime | None = None,
    reference: str = "",
    texts: tuple[str, str] = ("", ""),
) -> None:
    """Record how the attempt ended, unless the claim was taken back meanwhile (lease over)."""
    now = timezone.now()
    fields: dict[str, object] = {"state": state, "error_code": error[0], "error_text": error[1][:2000]}
    if state == Delivery.State.SENT:
        fields |= {"sent_at": now, "provider_reference": reference[:128], "subject": texts[0], "body": texts[1]}
    if state == Delivery.State.PENDING:
        fields["next_attempt_at"] = at or now
    Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING, claimed_at=delivery.claimed_at).update(
        **fields
    )


def _hand_over(delivery: Delivery, subject: str, body: str) -> str:
    """Give the message to its channel; ``ProviderTimeout`` / ``ProviderRefused`` as the channel answers."""
    key = f"notice-{delivery.notice_id}-{delivery.channel.lower()}"
    if delivery.channel == Channel.SMS:
        return sms_provider().send(key=key, phone=delivery.address, text=f"{subject}\n{body}")
    message_id = f"<{key}@{settings.SOCSEC_NOTIFY_MAIL_DOMAIN}>"
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [delivery.address])
    message.extra_headers["Message-ID"] = message_id
    try:
        connection = get_connection(timeout=settings.SOCSEC_NOTIFY_EMAIL_TIMEOUT)
        message.connection = connection
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise ProviderRefused(f"the mail server refused {delivery.address}: {exc.recipients}") from None
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            raise ProviderRefused(f"the mail server refused the message: {exc.smtp_code} {exc.smtp_error!r}") from None
        raise ProviderTimeout(f"the mail server answered {exc.smtp_code}: try again later") from None
    except (OSError, smtplib.SMTPException) as exc:  # refused connection, timeout, disconnected
        raise ProviderTimeout(f"the mail server did not take the message: {exc}") from None
    return message_id
