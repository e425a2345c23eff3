"""A person's rating of one completed service."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    """The public services a person can rate once completed (the catalogue: ``catalogue.py``)."""

    CLAIM_DECISION = "CLAIM_DECISION", _("Decision on a benefit claim")
    FIRST_PAYMENT = "FIRST_PAYMENT", _("First payment of an awarded benefit")
    CONTRIBUTION_CREDIT = "CONTRIBUTION_CREDIT", _("A contribution paid online, put on the record")
    PENSION_TRANSFER = "PENSION_TRANSFER", _("A pension transfer to another place, completed")


class ServiceRating(models.Model):
    """One rating, 1 (poor) to 5 (very good), of one completed service (``subject_id``: the claim, the
    own contribution or the outgoing transfer), by the person it was for; once per service and subject. The
    province and the completion day are the service's, kept for the supervisors' figures."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="service_ratings")
    service = models.CharField(max_length=24, choices=Service.choices)
    subject_id = models.BigIntegerField()
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=500)
    province_code = models.CharField(max_length=6)
    completed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "subject_id"], name="one_rating_per_service_done"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="rating_one_to_five"),
        ]
        indexes = [models.Index(fields=["service", "completed_on"], name="rating_service_day_idx")]

    def __str__(self) -> str:
        return f"{self.service} {self.subject_id} {self.rating}"
