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


class ApiToken(models.Model):
    """An organisation's API token. Only a SHA-256 digest is stored; the key is shown once."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.prefix}"
