from __future__ import annotations

from django.db import models
from django.db.models import Q

from socsec.rules.coverage import Scheme


class SchemeActivation(models.Model):
    """The agency switches a piloted scheme on for a region (a province or one city), one platform or
    all, one sector or all, from a date (and until a date, when it ends)."""

    scheme = models.CharField(max_length=30, choices=[(Scheme.OIP.value, Scheme.OIP.value)])
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "registry.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: every platform",
    )
    sector = models.CharField(max_length=30, blank=True, help_text="Empty: every pilot sector")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True, help_text="The local notice that switched it on")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheme", "region__code", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="activation_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.region_id} {self.organisation_id or '*'} {self.sector or '*'} {self.start_date}"


class CoverageCountsSnapshot(models.Model):
    """Everyone's coverage per scheme on a date (``coverage_counts``), kept so the overview reads it instead of
    deciding the whole register on every view; counted again by a job (the overview's button, or
    ``socsec coverage refresh-counts``). ``counts``: ``{scheme: {status name: persons}}``."""

    on = models.DateField(unique=True)
    persons = models.BigIntegerField()
    engagements = models.BigIntegerField()
    counts = models.JSONField()
    computed_at = models.DateTimeField(help_text="When the register was read")
    duration_ms = models.BigIntegerField(help_text="How long the count took")

    class Meta:
        ordering = ["-on"]

    def __str__(self) -> str:
        return f"coverage counts on {self.on} as of {self.computed_at:%Y-%m-%d %H:%M}"
