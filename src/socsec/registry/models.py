from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socsec.rules.coverage import Category, Sector


class Region(models.Model):
    """An administrative division (GB/T 2260 code): a province or a city within it."""

    class Level(models.TextChoices):
        PROVINCE = "PROVINCE", _("Province")
        CITY = "CITY", _("City")

    code = models.CharField(max_length=6, unique=True)
    name = models.CharField(max_length=100)
    name_zh = models.CharField(max_length=100)
    level = models.CharField(max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="PROVINCE", parent__isnull=True) | Q(level="CITY", parent__isnull=False)),
                name="region_city_has_province",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PLATFORM = "PLATFORM", _("Platform enterprise")
        EMPLOYER = "EMPLOYER", _("Employer")
        INTERMEDIARY = "INTERMEDIARY", _("Intermediary agency")

    code = models.SlugField(max_length=40, unique=True, help_text="Short code used in the API and reports")
    name = models.CharField(max_length=200)
    name_zh = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    credit_code = models.CharField(
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        help_text="Unified social credit code, when registered",
    )
    registered_region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where the entity is registered; empty when it has no local registration",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    resident_id = models.CharField(max_length=18, unique=True)
    name = models.CharField(max_length=100)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    residence_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="residents")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["name"], name="person_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_id})"

    @property
    def masked_id(self) -> str:
        return f"{self.resident_id[:6]}********{self.resident_id[-4:]}"


class Engagement(models.Model):
    """One person working with or through one organisation, in one category, sector and work region."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="engagements")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="engagements")
    category = models.CharField(max_length=20, choices=[(c.value, c.value) for c in Category])
    sector = models.CharField(max_length=30, choices=[(s.value, s.value) for s in Sector])
    work_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    external_ref = models.CharField(max_length=64, blank=True, help_text="The organisation's own worker id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date", "id"]
        indexes = [
            models.Index(fields=["person", "start_date"], name="engagement_person_idx"),
            models.Index(fields=["organisation", "start_date"], name="engagement_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="engagement_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.organisation_id} {self.category} {self.start_date}"


class EngagementEndDecision(models.Model):
    """An officer's decision on an engagement's end beyond what the organisation may set itself (before
    its last order, an open claim's event, or further back than the window): the end before and after,
    the reason, and the limits it overrode."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="end_decisions")
    previous_end_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)  # empty: reopened
    reason = models.TextField()
    overridden = models.JSONField(default=list)  # [{"code", "message"}] of the limits it set aside
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"engagement {self.engagement_id} end {self.previous_end_date} -> {self.end_date}"
