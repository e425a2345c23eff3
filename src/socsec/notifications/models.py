"""The outbox (a notice per event and recipient), its deliveries (one per channel), the people's choices,
and what the local SMS provider recorded."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """One event told to one recipient, written in the transaction of the event. ``recipient`` is a key
    (``socsec.notifications.recipients``): ``person:<id>``, ``organisation:<id>``, ``user:<id>`` or
    ``officers``. Deliveries are made from it by the worker (``expanded`` once they are)."""

    event = models.CharField(max_length=48)
    recipient = models.CharField(max_length=64)
    context = models.JSONField(default=dict)  # the template's values, as strings and integers
    dedupe_key = models.CharField(max_length=128)  # with event and recipient: one notice per happening
    required = models.BooleanField(default=False)  # a notice the law requires: cannot be switched off
    created_at = models.DateTimeField()
    expanded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient", "dedupe_key"], name="notice_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["id"], condition=Q(expanded=False), name="notice_to_expand"),
            models.Index(fields=["recipient", "id"], name="notice_by_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.recipient}"


class Channel(models.TextChoices):
    INBOX = "INBOX", _("Inbox")
    EMAIL = "EMAIL", _("Email")
    SMS = "SMS", _("Text message")


class Delivery(models.Model):
    """A notice on one channel: at most one per notice and channel, so a notice is never sent twice there.
    A delivery being sent is ``SENDING`` (claimed, committed before the provider is called); one whose
    worker died is claimed again after the lease and sent with the same key, which the provider dedupes."""

    class State(models.TextChoices):
        PENDING = "PENDING", _("Waiting to be sent")
        SENDING = "SENDING", _("Being sent")
        SENT = "SENT", _("Sent")
        FLAGGED = "FLAGGED", _("Not sent: needs an officer")

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    address = models.CharField(max_length=254, blank=True)  # the email address or phone number used
    language = models.CharField(max_length=8, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=128, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(max_length=128, blank=True)
    error_code = models.CharField(max_length=48, blank=True)
    error_text = models.TextField(blank=True)
    subject = models.TextField(blank=True)
    body = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)  # the inbox: when the reader opened it

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "channel"], name="delivery_once_per_channel"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at", "id"], condition=Q(state="PENDING"), name="delivery_due"),
            models.Index(fields=["claimed_at"], condition=Q(state="SENDING"), name="delivery_sending"),
            models.Index(fields=["state", "id"], name="delivery_by_state"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.channel} {self.state}"


class Contact(models.Model):
    """A recipient's language, addresses and chosen channels. The inbox is always on; the events in
    ``muted`` are not told at all, except those the law requires."""

    recipient = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=8, default="zh-hans")
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    email_on = models.BooleanField(default=False)
    sms_on = models.BooleanField(default=False)
    muted = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.recipient


class SmsRecord(models.Model):
    """A text the local SMS provider accepted: what a real gateway would have sent. The key makes a
    resend of the same delivery a no-op, as a gateway's idempotency key does."""

    key = models.CharField(max_length=64, unique=True)
    phone = models.CharField(max_length=32)
    text = models.TextField()
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key} {self.phone}"
