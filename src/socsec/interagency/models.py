"""The agencies this one exchanges documents with, and every document on each side.

- ``Peer``: another agency, registered with its code, region, published address and public key.
- ``OutboundDocument``: the outbox. Written in the same transaction as the business change that issues
  the document, signed once (a retry sends the same bytes), delivered by ``socsec agency deliver``, and
  closed by the receiver's signed acknowledgement: applied or refused.
- ``InboundDocument``: a document received, checked and applied, one row per sender and document id,
  with the acknowledgement answered (answered again, unchanged, to a document delivered twice).
  A document refused after its signature verified (by its kind, or addressed elsewhere) is kept there
  too, in state REFUSED, so that the same document delivered again is refused again the same way.
- ``RefusedAttempts``: a counter per day and reason of what was refused before it could be trusted (bad
  signature, unknown sender, malformed) or stored (an id reused with other content)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Peer(models.Model):
    code = models.CharField(max_length=32, unique=True)
    region = models.CharField(max_length=6)
    base_url = models.CharField(max_length=300)
    public_key = models.CharField(max_length=64)  # base64 of the Ed25519 public key
    active = models.BooleanField(default=True)
    # deliveries to it that failed in a row, and until when the next waits (none tried before)
    delivery_failures = models.PositiveIntegerField(default=0)
    deliver_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class DocumentState(models.TextChoices):
    PENDING = "PENDING", _("Waiting for delivery")
    ACKNOWLEDGED = "ACKNOWLEDGED", _("Applied by the receiving agency")
    REFUSED = "REFUSED", _("Refused by the receiving agency")
    APPLIED = "APPLIED", _("Applied here")
    FLAGGED = "FLAGGED", _("Flagged: the answer could not be used; an officer sends it again")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn by an officer: not sent again, its effects undone")


class OutboundDocument(models.Model):
    document_id = models.CharField(max_length=100, unique=True)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbound")
    kind = models.CharField(max_length=60)
    document = models.JSONField()  # the signed envelope: format, id, kind, sender, receiver, issued_at, body
    signature = models.CharField(max_length=100)
    digest = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=DocumentState.choices, default=DocumentState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    acknowledgement = models.JSONField(null=True, blank=True)  # the receiver's signed answer, as received
    acknowledgement_signature = models.CharField(max_length=100, blank=True)
    refusal_code = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "next_attempt_at", "id"], name="interagency_outbox_due")]

    def __str__(self) -> str:
        return self.document_id


class InboundDocument(models.Model):
    sender = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="inbound")
    document_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=60)
    digest = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=DocumentState.choices, default=DocumentState.APPLIED)
    acknowledgement = models.JSONField()
    acknowledgement_signature = models.CharField(max_length=100)
    replays = models.PositiveIntegerField(default=0)  # the same document delivered again, answered unchanged
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "document_id"], name="interagency_inbound_once"),
        ]

    def __str__(self) -> str:
        return f"{self.sender_id}:{self.document_id}"


class RefusedAttempts(models.Model):
    """The bounded log of deliveries refused before anything about them could be trusted (a malformed
    envelope, an unknown sender, a signature that does not verify) and of documents that could not be
    stored (an id received before with other content): a count per day and reason, with the last one's
    details. An attacker posting all day adds to a counter, not a row per attempt."""

    day = models.DateField()
    code = models.CharField(max_length=60)
    count = models.PositiveBigIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    last_sender = models.CharField(max_length=100, blank=True)  # as the document names it: maybe no peer
    last_document_id = models.CharField(max_length=100, blank=True)
    last_message = models.TextField(blank=True)
    last_remote_address = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-day", "code"]
        constraints = [models.UniqueConstraint(fields=["day", "code"], name="interagency_refused_per_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.code} x{self.count}"
