from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WORKER = "WORKER", _("Worker")
    PLATFORM = "PLATFORM", _("Platform")
    OFFICER = "OFFICER", _("Officer")
    SUPERVISOR = "SUPERVISOR", _("Supervisor")
    AUDITOR = "AUDITOR", _("Auditor")


class User(AbstractUser):
    """A person who logs in. A worker is linked to their Person; a platform user to its Organisation."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.WORKER)
    person = models.OneToOneField(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="user"
    )
    organisation = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="WORKER") | Q(person__isnull=False), name="worker_user_has_person"
            ),
            models.CheckConstraint(
                condition=~Q(role="PLATFORM") | Q(organisation__isnull=False),
                name="platform_user_has_organisation",
            ),
        ]


class Scope(models.TextChoices):
    """What an API token may do. Every API operation needs one (``socsec.accounts.scopes``)."""

    READ = "read", _("Read")
    REGISTRY_WRITE = "registry:write", _("Register workers and engagements")
    ORDERS_WRITE = "orders:write", _("Send orders and adjustments")
    PAYMENTS_WRITE = "payments:write", _("Declare payments")
    CLAIMS_WRITE = "claims:write", _("Report claims")
    PAYROLL_WRITE = "payroll:write", _("Declare payrolls")


class ApiToken(models.Model):
    """An organisation's API token. Only a SHA-256 digest is stored; the key is shown once. A token works
    until ``expires_at`` or its revocation, for the operations its ``scopes`` name. ``last_used_at`` is
    accurate to ``settings.API_TOKEN_LAST_USED_MINUTES`` (it is not written on every request)."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.JSONField(default=list)
    replaced_by = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces")

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.prefix}"


class LoginEvent(models.Model):
    """A login, logout or failed login on the pages: what the audit trail records for it (no password)."""

    class Kind(models.TextChoices):
        LOGIN = "LOGIN", _("Logged in")
        LOGOUT = "LOGOUT", _("Logged out")
        FAILURE = "FAILURE", _("Login failed")

    at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    username = models.CharField(max_length=150)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="login_events")
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.username}"
