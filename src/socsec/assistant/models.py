"""The assistant's log of exchanges (every question with its answer, sources and latency, for review) and
the enquiries it handed over to the officers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Exchange(models.Model):
    """One question and its answer, as the person saw it."""

    class Outcome(models.TextChoices):
        ANSWERED = "ANSWERED", _("answered")
        REFUSED = "REFUSED", _("refused: another person's data")
        UNKNOWN = "UNKNOWN", _("not known: offered to an officer")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="assistant_exchanges")
    asked_at = models.DateTimeField()
    question = models.TextField()
    language = models.CharField(max_length=8)
    intent = models.CharField(max_length=40, blank=True)
    score = models.FloatField(default=0.0)  # the retrieval score; a rule's match is stored as 1000
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    answer = models.TextField()
    sources = models.JSONField(default=list)
    explanation = models.JSONField(default=list)
    latency_ms = models.PositiveIntegerField()
    channel = models.CharField(max_length=8, default="web")  # web or api

    class Meta:
        ordering = ["-asked_at", "-id"]
        indexes = [models.Index(fields=["person", "-asked_at"]), models.Index(fields=["outcome", "-asked_at"])]

    def __str__(self) -> str:
        return f"exchange {self.pk} ({self.outcome})"


class Enquiry(models.Model):
    """A question the assistant could not answer, handed over to the officers' queue."""

    class Status(models.TextChoices):
        OPEN = "OPEN", _("waiting for an officer")
        ANSWERED = "ANSWERED", _("answered")

    exchange = models.OneToOneField(Exchange, on_delete=models.PROTECT, related_name="enquiry")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="enquiries")
    question = models.TextField()
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    reply = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"enquiry {self.pk} ({self.status})"
