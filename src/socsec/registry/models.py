from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socsec.core.fields import BlindIndexField, EncryptedTextField, blind_index
from socsec.core.masking import mask_resident_id
from socsec.registry.ids import new_person_id
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


class PersonQuerySet(models.QuerySet["Person"]):
    """Resident IDs and names are encrypted: the database finds them by their blind index only."""

    def with_resident_id(self, resident_id: str) -> PersonQuerySet:
        return self.filter(resident_id_index=blind_index(Person, "resident_id_index", resident_id))

    def with_resident_ids(self, resident_ids: Iterable[str]) -> PersonQuerySet:
        return self.filter(resident_id_index__in={blind_index(Person, "resident_id_index", r) for r in resident_ids})

    def with_name(self, name: str) -> PersonQuerySet:
        """The persons of exactly this name (case, width and runs of spaces aside)."""
        return self.filter(name_index=blind_index(Person, "name_index", name))

    def by_resident_id(self, resident_ids: Iterable[str]) -> dict[str, Person]:
        """The persons of these resident IDs (as given), by resident ID, one query per 900 IDs (SQLite may
        bound the parameters of one statement at 999)."""
        wanted = {blind_index(Person, "resident_id_index", r): r for r in resident_ids}
        keys = list(wanted)
        found: dict[str, Person] = {}
        for start in range(0, len(keys), 900):
            for p in self.filter(resident_id_index__in=keys[start : start + 900]):
                found[wanted[p.resident_id_index]] = p
        return found


class Person(models.Model):
    """A person. The resident ID and the name are encrypted at rest (``EncryptedTextField``), with a keyed
    blind index each for exact lookups: the database cannot search inside them or sort by them. The id is
    random (``new_person_id``), assigned in Python on every insert: ids are unique but unordered, so they
    say nothing of when a person was registered."""

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    id = models.BigIntegerField(primary_key=True, default=new_person_id, editable=False)
    resident_id = EncryptedTextField()
    resident_id_index = BlindIndexField(source="resident_id", unique=True)
    name = EncryptedTextField()
    name_index = BlindIndexField(source="name", normaliser="name")

    class RetirementGroup(models.TextChoices):
        MEN_60 = "MEN_60", _("men, 60 before the 2025 reform")
        WOMEN_55 = "WOMEN_55", _("women cadres (and flexibly employed women), 55 before the 2025 reform")
        WOMEN_50 = "WOMEN_50", _("women workers, 50 before the 2025 reform")

    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    # the original statutory retirement age, which the 2025 reform raises by its own steps (the rules'
    # RetirementGroup); one of the person's sex
    retirement_group = models.CharField(max_length=8, choices=RetirementGroup.choices)
    residence_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="residents")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        # a name search reads the first matches by id: a common name's are read in order, a few rows,
        # not all of its namesakes sorted (a million at a province's scale)
        indexes = [models.Index(fields=["name_index", "id"], name="person_name_id_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sex="M", retirement_group="MEN_60")
                | Q(sex="F", retirement_group__in=["WOMEN_55", "WOMEN_50"]),
                name="person_retirement_group_of_sex",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_id})"

    @property
    def masked_id(self) -> str:
        return mask_resident_id(self.resident_id)


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
    # What the organisation declared of the person when it registered them (``POST /api/workers``): all it
    # is shown of the person's name and home region, never the registry's (which may differ). None: the
    # engagement was not registered that way (by the agency, or before these were kept).
    declared_name = EncryptedTextField(null=True, blank=True)
    # keyed index of the declared name (normalised as names are), so the organisation's search by name is
    # one indexed lookup instead of decrypting every name it declared
    declared_name_index = BlindIndexField(source="declared_name", normaliser="name", null=True)
    declared_region = models.CharField(max_length=12, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date", "id"]
        indexes = [
            models.Index(fields=["person", "start_date"], name="engagement_person_idx"),
            models.Index(fields=["organisation", "start_date"], name="engagement_org_idx"),
            models.Index(fields=["organisation", "person"], name="engagement_org_person_idx"),
            models.Index(fields=["organisation", "declared_name_index"], name="engagement_org_declared_idx"),
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
