"""Partners (other departments), their agreements with the agency, the refused attempts, the feeds they
sent, the hospital records received, and the yearly check of pensioners by data."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Partner(models.Model):
    class Kind(models.TextChoices):
        CIVIL_AFFAIRS = "CIVIL_AFFAIRS", _("civil affairs (deaths)")
        MARKET_REGULATION = "MARKET_REGULATION", _("market regulation (platform registrations)")
        HEALTH = "HEALTH", _("health (hospital records)")
        TAX = "TAX", _("tax (declared incomes)")
        BANK = "BANK", _("bank (account checks)")

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    name_zh = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """What a partner may do, why and on which legal basis, from when to when: the scopes of its tokens,
    the person fields it may read and the columns it may send. Its OAuth2 application holds the client
    credentials (the secret is stored hashed and shown once)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="agreements")
    reference = models.CharField(max_length=40, unique=True)
    purpose = models.CharField(max_length=300)
    purpose_zh = models.CharField(max_length=300, blank=True)  # as the portal shows it in Chinese
    legal_basis = models.CharField(max_length=300)
    scopes = models.JSONField(default=list)
    read_fields = models.JSONField(default=list)
    send_fields = models.JSONField(default=list)
    valid_from = models.DateField()
    valid_until = models.DateField()
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner", "reference"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")), name="agreement_dates")
        ]

    def __str__(self) -> str:
        return self.reference

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_until


class PartnerRefusal(models.Model):
    """An attempt of a partner that was refused, and why: kept whatever the attempt wrote (nothing)."""

    at = models.DateTimeField()
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="refusals")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    client_id = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=60)
    code = models.CharField(max_length=40)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["partner", "-at"], name="partner_refusal_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}: {self.code}"


class Feed(models.Model):
    """A file or API call of rows a partner sent (deaths, hospital records), checked row by row: the rows
    applied, those that changed nothing (already known), and the refused ones with the first errors (row,
    field, code, reason). The partner's key makes a re-sent feed change nothing."""

    class Kind(models.TextChoices):
        DEATHS = "deaths", _("deaths (civil register)")
        INJURIES = "injuries", _("hospital records of injuries")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="feeds")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    idempotency_key = models.CharField(max_length=100)
    content_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    source = models.CharField(max_length=200, blank=True)
    rows_total = models.PositiveIntegerField()
    rows_applied = models.PositiveIntegerField()
    rows_unchanged = models.PositiveIntegerField()
    rows_refused = models.PositiveIntegerField()
    error_counts = models.JSONField(default=dict)
    errors = models.JSONField(default=list)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "idempotency_key"], name="one_feed_per_partner_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"


class HospitalRecord(models.Model):
    """A hospital's record of an injury (health department exchange): the evidence that confirms an injury
    claim without a certificate from the worker."""

    feed = models.ForeignKey(Feed, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    injured_on = models.DateField()
    admitted_on = models.DateField()
    hospital = models.CharField(max_length=120)
    diagnosis_code = models.CharField(max_length=20, blank=True)
    claim = models.ForeignKey("benefits.Claim", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["person", "injured_on", "hospital"], name="one_hospital_record")]

    def __str__(self) -> str:
        return f"{self.person_id} injured {self.injured_on} ({self.hospital})"


class PensionerCheck(models.Model):
    """One pensioner's yearly check by data instead of a proof of life in person: confirmed by a sign in
    the data (and which), deceased (a death is recorded), or to be looked at by an officer."""

    class Outcome(models.TextChoices):
        CONFIRMED = "CONFIRMED", _("confirmed by data")
        DECEASED = "DECEASED", _("death recorded")
        NEEDS_ATTENTION = "NEEDS_ATTENTION", _("no sign in the data: needs attention")

    class Source(models.TextChoices):
        NONE = "", _("none")
        DEATH_NOTICE = "death_notice", _("death register")
        HOSPITAL_RECORD = "hospital_record", _("hospital record")
        PORTAL_LOGIN = "portal_login", _("logged in to the portal")

    year = models.PositiveSmallIntegerField()
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    source = models.CharField(max_length=20, choices=Source.choices, blank=True)
    sign_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["year", "person"]
        constraints = [models.UniqueConstraint(fields=["year", "person"], name="one_pensioner_check_a_year")]
        indexes = [models.Index(fields=["year", "outcome"], name="pensioner_check_outcome_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.person_id} {self.outcome}"


class PensionerCheckRun(models.Model):
    """A run of the yearly check: when, by whom, over which window, and its counts."""

    year = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    actor_label = models.CharField(max_length=200)
    window_start = models.DateField()
    window_end = models.DateField()
    confirmed = models.PositiveIntegerField()
    deceased = models.PositiveIntegerField()
    needs_attention = models.PositiveIntegerField()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.year} at {self.at:%Y-%m-%d %H:%M}"
