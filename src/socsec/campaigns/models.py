"""A campaign (its segment, its message in both languages, the share held back) and its members: each
person of the segment when it was sent, told or held back in the control group."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Campaign(models.Model):
    """A message sent once to a segment of the register. ``segment`` is the filters as given (the
    ``segments.Segment`` they parse to); the counts are those of its members when it was sent."""

    name = models.CharField(max_length=120)
    segment = models.JSONField()
    subject_en = models.CharField(max_length=120)
    subject_zh = models.CharField(max_length=120)
    text_en = models.TextField(max_length=1000)
    text_zh = models.TextField(max_length=1000)
    control_percent = models.PositiveSmallIntegerField()
    idempotency_key = models.CharField(max_length=100, unique=True)
    sent_on = models.DateField()  # the day the segment was read and the message sent
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    treated = models.PositiveIntegerField()  # members told
    control = models.PositiveIntegerField()  # members held back

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(control_percent__lte=50), name="campaign_control_at_most_half"),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignMember(models.Model):
    """One person of the campaign's segment: told (``control`` false) or held back (true)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    control = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="campaign_member_once"),
        ]
        indexes = [models.Index(fields=["campaign", "control"], name="campaign_member_group")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.person_id}"
