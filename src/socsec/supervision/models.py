"""Fund supervision: the thresholds a supervisor sets per fund, and the alerts their evaluation raised,
each with its evidence. The figures themselves are never stored: they are read from the ledger."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundThreshold(models.Model):
    """When a fund (a scheme in a province; an empty province: every province of the scheme) raises an
    alert: its reserve covers fewer than ``reserve_months`` months of expenditure, its arrears grew for
    ``arrears_growth_months`` months in a row, or its claims in a month rose more than
    ``claims_jump_percent`` percent over the month before. An empty limit checks nothing."""

    scheme = models.CharField(max_length=30)
    province = models.CharField(max_length=6, blank=True, default="")
    reserve_months = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    arrears_growth_months = models.PositiveSmallIntegerField(null=True, blank=True)
    claims_jump_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheme", "province"]
        constraints = [models.UniqueConstraint(fields=["scheme", "province"], name="fund_threshold_one_per_fund")]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.province or '*'}"


class FundAlert(models.Model):
    """A threshold crossed by a fund in a month, with the figures that crossed it. Raised once per fund,
    kind and month (a re-run finds it); delivered to supervisors through ``alerts.deliver``."""

    class Kind(models.TextChoices):
        RESERVE_LOW = "RESERVE_LOW", _("Reserve below its months of expenditure")
        ARREARS_GROWING = "ARREARS_GROWING", _("Arrears growing")
        CLAIMS_JUMP = "CLAIMS_JUMP", _("Jump in claims")

    class State(models.TextChoices):
        OPEN = "OPEN", _("open")
        ACKNOWLEDGED = "ACKNOWLEDGED", _("acknowledged")

    threshold = models.ForeignKey(FundThreshold, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    scheme = models.CharField(max_length=30)
    province = models.CharField(max_length=6)
    month = models.CharField(max_length=7)
    state = models.CharField(max_length=14, choices=State.choices, default=State.OPEN)
    evidence = models.JSONField(help_text="the figures compared, the limit and the months read")
    raised_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True, help_text="handed to the notification seam")
    acknowledged_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "scheme", "province", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "scheme", "province", "month"], name="fund_alert_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.scheme}:{self.province} {self.month}"


class CoverageCellsSnapshot(models.Model):
    """A month's effective coverage counts (``coverage_stats.coverage_cells``), kept so the pages and the API
    read them instead of counting everyone on every view; counted again by a job (``socsec coverage
    refresh-stats``, or the task). ``cells``: ``[[category, platform, sector, province, sex, age band,
    persons, legal, contributing, receiving], ...]``."""

    month = models.CharField(max_length=7, unique=True)
    cells = models.JSONField()
    computed_at = models.DateTimeField(help_text="When the register was read")
    duration_ms = models.BigIntegerField(help_text="How long the count took")

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"coverage cells of {self.month} as of {self.computed_at:%Y-%m-%d %H:%M}"
