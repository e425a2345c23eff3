"""Risk screening: each run over the database (or the persons an event concerns), and each hit kept once as
a case in the officers' queue with its evidence and, once decided, its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ScreeningRun(models.Model):
    class Trigger(models.TextChoices):
        SCHEDULE = "SCHEDULE", _("the scheduled screening of the whole database")
        COMMAND = "COMMAND", _("an officer's screening of the whole database")
        CLAIM = "CLAIM", _("a claim submitted")
        PAY_RUN = "PAY_RUN", _("a pay run")
        DEATH = "DEATH", _("a death recorded")

    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    on = models.DateField()  # the screening day the rules' parameters were read on
    persons = models.JSONField(null=True, blank=True)  # the persons an event concerns; null: everyone
    rules = models.JSONField(default=list)  # the rules run
    rows = models.BigIntegerField(default=0)  # rows in the tables screened
    hits = models.PositiveIntegerField(default=0)
    cases_new = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"screening {self.pk} {self.trigger} {self.on}"


class RiskCase(models.Model):
    class Status(models.TextChoices):
        OPEN = "OPEN", _("open")
        CONFIRMED = "CONFIRMED", _("confirmed")
        FALSE_POSITIVE = "FALSE_POSITIVE", _("false positive")

    rule = models.CharField(max_length=64)
    case_key = models.CharField(max_length=200)  # the rule's own key: the same hit in a later run is this case
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    evidence = models.JSONField()  # the rows and values that triggered it, as of the latest run that hit
    parameters = models.JSONField(default=dict)  # the rule's parameter values that run used
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    first_run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey(ScreeningRun, on_delete=models.PROTECT, related_name="+")
    times_seen = models.PositiveIntegerField(default=1)
    outcome_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "case_key"], name="risk_case_once_per_rule_and_key"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=100), name="risk_case_score_1_to_100"),
            models.CheckConstraint(
                condition=Q(status="OPEN", decided_at__isnull=True) | ~Q(status="OPEN") & Q(decided_at__isnull=False),
                name="risk_case_decided_when_not_open",
            ),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="risk_case_queue")]

    def __str__(self) -> str:
        return f"{self.rule} {self.case_key}"
