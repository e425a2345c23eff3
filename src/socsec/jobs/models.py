"""A job an officer started: what it runs, how far it got, and what came of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        ASSESSMENT = "ASSESSMENT", _("Assessment and invoices of a month")
        PAY_RUN = "PAY_RUN", _("Benefit pay run of a month")
        TAX_EXCHANGE = "TAX_EXCHANGE", _("Employers' contributions to the tax authority, and its results")

    class Status(models.TextChoices):
        QUEUED = "QUEUED", _("Waiting for the worker")
        RUNNING = "RUNNING", _("Running")
        SUCCEEDED = "SUCCEEDED", _("Finished")
        FAILED = "FAILED", _("Failed")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    month = models.CharField(max_length=7)  # YYYY-MM
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    task_id = models.CharField(max_length=64, blank=True)  # the django-tasks result's id
    worker = models.CharField(max_length=128, blank=True)  # host:pid of the worker process running it
    step = models.CharField(max_length=32, blank=True)  # the step under way (see socsec.jobs.steps)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    outcome = models.JSONField(default=dict, blank=True)  # the figures of a finished job
    error_code = models.CharField(max_length=64, blank=True)
    error_template = models.TextField(blank=True)  # the service's sentence, %(name)s filled from error_params
    error_params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # the run's last sign of life (each step)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "month"],
                condition=Q(status__in=["QUEUED", "RUNNING"]),
                name="jobs_one_active_job_per_kind_and_month",
            ),
            models.CheckConstraint(
                condition=Q(steps_done__lte=models.F("steps_total")), name="jobs_steps_done_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.month} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        return 100 * self.steps_done // self.steps_total if self.steps_total else 0
