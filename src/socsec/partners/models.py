"""Partners (other departments), their agreements with the agency, the refused attempts, the feeds they
sent, the hospital records received, and the yearly check of pensioners by data."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from socsec.core.fields import EncryptedTextField


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
        PLATFORMS = "platforms", _("platform registrations (market regulation)")
        INCOMES = "incomes", _("declared incomes (tax)")
        ACCOUNTS = "accounts", _("bank account checks")

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


class PlatformRegistration(models.Model):
    """A platform enterprise as the market regulator registers it (one row a unified social credit code,
    kept up to date by its feeds), with the agency's organisation it is. A platform deregistered while
    the agency still has it is flagged for an officer, who decides what becomes of its engagements."""

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", _("in business")
        SUSPENDED = "SUSPENDED", _("business suspended")
        DEREGISTERED = "DEREGISTERED", _("deregistered")

    credit_code = models.CharField(max_length=18, unique=True)
    name = models.CharField(max_length=200)
    registered_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices)
    organisation = models.OneToOneField(
        "registry.Organisation", on_delete=models.PROTECT, related_name="market_registration"
    )
    feed = models.ForeignKey(Feed, on_delete=models.PROTECT, related_name="+")  # the last feed that changed it
    flagged = models.BooleanField(default=False)  # deregistered: an officer looks at it
    updated_on = models.DateField()

    class Meta:
        ordering = ["credit_code"]
        indexes = [models.Index(fields=["flagged", "status"], name="platform_registration_flag_idx")]

    def __str__(self) -> str:
        return f"{self.credit_code} {self.status}"


class DeclaredIncome(models.Model):
    """A person's income as declared to the tax authority for a period (a month ``YYYY-MM`` or a year
    ``YYYY``), in cents, by source: what an officer sets beside the contribution base the person chose."""

    class Source(models.TextChoices):
        WAGES = "wages", _("wages and salaries")
        LABOUR = "labour", _("remuneration for labour services")
        BUSINESS = "business", _("business income")
        OTHER = "other", _("other income")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=7)
    source = models.CharField(max_length=10, choices=Source.choices)
    amount_cents = models.BigIntegerField()
    feed = models.ForeignKey(Feed, on_delete=models.PROTECT, related_name="+")  # the last feed that set it

    class Meta:
        ordering = ["person", "period", "source"]
        constraints = [
            models.UniqueConstraint(fields=["person", "period", "source"], name="one_declared_income"),
            models.CheckConstraint(condition=models.Q(amount_cents__gte=0), name="declared_income_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.period} {self.source}: {self.amount_cents}"


class PaymentAccount(models.Model):
    """The bank account a person's benefits are paid to, and what its bank last said of it: unchecked,
    valid, invalid (no such account, or not the person's) or closed. A payment run pays nobody whose
    account is invalid or closed; a new account (unchecked) or the bank's ``valid`` lets it pay again."""

    class Status(models.TextChoices):
        UNCHECKED = "UNCHECKED", _("not checked yet")
        VALID = "VALID", _("valid")
        INVALID = "INVALID", _("invalid")
        CLOSED = "CLOSED", _("closed")

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="payment_account")
    bank = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    account_no = EncryptedTextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNCHECKED)
    requested_on = models.DateField(null=True, blank=True)  # when the agency last asked the bank
    checked_on = models.DateField(null=True, blank=True)  # when the bank last answered
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["person"]
        indexes = [models.Index(fields=["status"], name="payment_account_status_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.status}"


STOPPED_ACCOUNTS = (PaymentAccount.Status.INVALID, PaymentAccount.Status.CLOSED)  # no payment goes to these
