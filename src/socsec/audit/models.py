from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One write: who, when, what, before and after. Append-only: database triggers refuse UPDATE and
    DELETE on this table (see migration 0002), and each entry is chained by hash to the one before."""

    at = models.DateTimeField(db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_token = models.ForeignKey(
        "accounts.ApiToken", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # The hash chain (see socsec.audit.chain): the previous entry's hash, and this entry's own.
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor_label"], name="audit_actor_idx"),  # the auditor's filter by actor
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"


class ReadPurpose(models.TextChoices):
    """Why a person's data was read: follows from the reader's role (and, for exports, the command)."""

    CASE_HANDLING = "CASE_HANDLING", _("case handling")
    SUPERVISION = "SUPERVISION", _("supervision")
    AUDIT = "AUDIT", _("audit")
    PLATFORM_ADMINISTRATION = "PLATFORM_ADMINISTRATION", _("platform administration")
    EXPORT = "EXPORT", _("export")
    PAYMENT = "PAYMENT", _("payment")
    PARTNER_EXCHANGE = "PARTNER_EXCHANGE", _("data exchange with another department under an agreement")


class PersonalDataAccess(models.Model):
    """One read of a person's personal data by someone other than the person: who, why, what, when.
    Written only by ``socsec.audit.reads``."""

    at = models.DateTimeField()
    # the person's and the user's reads are found by the indexes of (person, at) and (actor_user, at) below,
    # which serve the foreign keys' checks too: no index of their own (every read of personal data writes
    # a row here, and each index is one more write)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+", db_index=False)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # A platform's reads all name its token and its organisation: a foreign key's check would lock those two
    # rows (FOR KEY SHARE) in every read at once, and the database would make a shared lock (a multixact) of
    # the readers for each. So on PostgreSQL these two keys are not constraints (migration 0011); Django's
    # PROTECT still refuses to delete a token or an organisation that read. Reads by token are never looked
    # up (tokens are revoked, not deleted): no index of the token either.
    actor_token = models.ForeignKey(
        "accounts.ApiToken",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    actor_organisation = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    actor_role = models.CharField(max_length=20)
    actor_label = models.CharField(max_length=200)
    purpose = models.CharField(max_length=30, choices=ReadPurpose.choices)
    what = models.CharField(max_length=60)  # a kind label: "person", "engagements", "claim", ...
    # a partner's read: the reference of the agreement it read under (null: not a partner's read; a new
    # column without a default, so that adding it keeps the table and its append-only triggers)
    agreement = models.CharField(max_length=40, null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person", "-at"], name="audit_read_person_idx"),
            models.Index(fields=["at"], name="audit_read_at_idx"),
            models.Index(fields=["actor_user", "-at"], name="audit_read_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} read {self.what} of person {self.person_id}"
