"""Payroll declarations, their lines, the employer's work-injury standing, and the contributions assessed
on the lines per employee, month and scheme.

An employer's work-injury floating step is kept on the employer (``EmployerProfile``: it is decided for
the employer by the agency, not declared); its industry risk class is kept there as the default, and each
declared row may name its own class (a row's class wins: an employer with a station and an office)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socsec.registry.models import Organisation, Person

SCHEMES = ("PENSION", "MEDICAL", "MATERNITY", "UNEMPLOYMENT", "WORK_INJURY", "LONG_TERM_CARE")


class EmployerProfile(models.Model):
    """An employer's work-injury standing: its industry risk class (1-8, Ren She Bu Fa [2015] No. 71) and
    the floating step the agency set for it."""

    organisation = models.OneToOneField(
        Organisation, primary_key=True, on_delete=models.PROTECT, related_name="employer_profile"
    )
    industry_class = models.PositiveSmallIntegerField(default=1)
    injury_float_step = models.SmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(industry_class__gte=1) & Q(industry_class__lte=8), name="employer_industry_class_1_8"
            )
        ]

    def __str__(self) -> str:
        return f"employer {self.organisation_id} class {self.industry_class} step {self.injury_float_step}"


class EmployerStanding(models.Model):
    """An employer's work-injury standing from a date on (its risk class and floating step as the agency set
    them then): a month is assessed (and re-assessed, by a correction years later) with the standing in
    force on its first day, not the employer's current one. ``EmployerProfile`` holds the latest."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="employer_standings")
    effective_from = models.DateField()
    industry_class = models.PositiveSmallIntegerField()
    injury_float_step = models.SmallIntegerField()
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "effective_from"], name="employer_standing_one_a_day"),
            models.CheckConstraint(
                condition=Q(industry_class__gte=1) & Q(industry_class__lte=8), name="employer_standing_class_1_8"
            ),
        ]

    def __str__(self) -> str:
        standing = f"class {self.industry_class} step {self.injury_float_step}"
        return f"employer {self.organisation_id} from {self.effective_from}: {standing}"


class PayrollDeclaration(models.Model):
    """One employer's payroll of one month as declared: the rows kept (``lines``), the rows refused
    (``errors``, bounded, counted in ``error_counts``). Only one declaration per employer and month is
    ACCEPTED at a time; a CORRECTION replaces it (the earlier one becomes REPLACED, its lines kept)."""

    class Kind(models.TextChoices):
        ORIGINAL = "ORIGINAL", _("Original")
        CORRECTION = "CORRECTION", _("Correction")

    class Status(models.TextChoices):
        ACCEPTED = "ACCEPTED", _("Accepted")
        REJECTED = "REJECTED", _("Rejected (no valid rows)")
        REPLACED = "REPLACED", _("Replaced by a correction")

    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="payroll_declarations")
    month = models.CharField(max_length=7)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ORIGINAL)
    status = models.CharField(max_length=10, choices=Status.choices)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    idempotency_key = models.CharField(max_length=100)
    content_sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=200, blank=True)
    read_as = models.CharField(max_length=20, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_invalid = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    error_counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    assessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "idempotency_key"], name="payroll_key_unique"),
            models.UniqueConstraint(
                fields=["employer", "month"], condition=Q(status="ACCEPTED"), name="payroll_one_accepted_per_month"
            ),
        ]
        indexes = [models.Index(fields=["employer", "month"], name="payroll_employer_month_idx")]

    def __str__(self) -> str:
        return f"payroll {self.pk} {self.employer_id} {self.month} {self.kind} {self.status}"


class PayrollLine(models.Model):
    """One employee's row of a declaration, as checked."""

    declaration = models.ForeignKey(PayrollDeclaration, on_delete=models.PROTECT, related_name="lines")
    row = models.PositiveIntegerField()
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=6)
    industry_class = models.PositiveSmallIntegerField()
    wage_cents = models.BigIntegerField()
    base_wage_cents = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["declaration", "row"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "person"], name="payroll_line_person_unique"),
            models.CheckConstraint(condition=Q(wage_cents__gte=0), name="payroll_line_wage_not_negative"),
        ]

    def __str__(self) -> str:
        return f"payroll line {self.declaration_id}:{self.row} person {self.person_id}"


class EmployerContribution(models.Model):
    """What an employer and its employee owe for one month and scheme, assessed on the declared line (the
    base, the employer's part, the employee's part, in cents)."""

    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    month = models.CharField(max_length=7)
    scheme = models.CharField(max_length=20, choices=[(s, s) for s in SCHEMES])
    declaration = models.ForeignKey(PayrollDeclaration, on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey(PayrollLine, on_delete=models.PROTECT, related_name="contributions")
    base_cents = models.BigIntegerField()
    employer_cents = models.BigIntegerField()
    employee_cents = models.BigIntegerField()

    class Meta:
        ordering = ["employer", "month", "person", "scheme"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "person", "month", "scheme"], name="employer_contribution_unique"
            )
        ]
        indexes = [
            models.Index(fields=["employer", "month", "person"], name="employer_contrib_emp_idx"),
            models.Index(fields=["person", "month"], name="employer_contrib_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.person_id} {self.month} {self.scheme}"
