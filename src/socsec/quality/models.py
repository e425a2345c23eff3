"""Data quality: each screening run over the whole database with its counts per rule and province (the
dashboard's trends), the findings (one per rule and subject, seen by the runs until fixed), and the
corrections an officer proposes on a finding for the person to confirm or reject."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class QualityRun(models.Model):
    """One screening of every rule over the whole database, as on ``on``."""

    on = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    started_by = models.CharField(max_length=120)
    findings = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"quality run {self.pk} on {self.on}"


class QualityCount(models.Model):
    """How many findings one rule had in one province in one run (only provinces with findings)."""

    run = models.ForeignKey(QualityRun, on_delete=models.CASCADE, related_name="counts")
    rule = models.CharField(max_length=60)
    province = models.CharField(max_length=6)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["run", "rule", "province"]
        constraints = [models.UniqueConstraint(fields=["run", "rule", "province"], name="quality_count_once")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.rule} {self.province}: {self.count}"


class Finding(models.Model):
    """One rule's hit on one subject (``engagement:12``, ``person:34``, ``own_contribution:5``): open while
    the runs find it, resolved when a run no longer does (and found again if it comes back)."""

    class State(models.TextChoices):
        OPEN = "OPEN", _("open")
        RESOLVED = "RESOLVED", _("resolved")

    rule = models.CharField(max_length=60)
    subject = models.CharField(max_length=60)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="quality_findings")
    province = models.CharField(max_length=6)
    evidence = models.JSONField(help_text="the values the rule compared")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    first_run = models.ForeignKey(QualityRun, on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey(QualityRun, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["rule", "id"]
        constraints = [models.UniqueConstraint(fields=["rule", "subject"], name="quality_finding_once")]
        indexes = [models.Index(fields=["state", "rule"], name="quality_finding_state_idx")]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject} ({self.state})"


class Correction(models.Model):
    """An officer's proposal to correct one field of a finding's subject; applied through the registry's
    services only when the person confirms it. ``source`` names where the new value was taken from (the
    resident ID, the platform's last order) when the data already existed: no document is asked."""

    class Field(models.TextChoices):
        BIRTH_DATE = "BIRTH_DATE", _("birth date")
        ENGAGEMENT_END = "ENGAGEMENT_END", _("engagement end date")

    class State(models.TextChoices):
        PROPOSED = "PROPOSED", _("waiting for the person")
        CONFIRMED = "CONFIRMED", _("confirmed by the person and applied")
        REJECTED = "REJECTED", _("rejected by the person")
        WITHDRAWN = "WITHDRAWN", _("withdrawn: the record changed before the person answered")

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="corrections")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="quality_corrections")
    field = models.CharField(max_length=20, choices=Field.choices)
    old_value = models.CharField(max_length=40, blank=True)
    new_value = models.CharField(max_length=40)
    source = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding"], condition=models.Q(state="PROPOSED"), name="quality_one_open_correction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field} {self.old_value} -> {self.new_value} ({self.state})"
