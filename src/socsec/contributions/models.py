from __future__ import annotations

from django.db import models


class OrderBatch(models.Model):
    """The manifest of one batch of orders reported by a platform. The orders themselves are Parquet
    files under the data dir (never rows in this database); ``files`` lists them with their checksums.
    Only ACCEPTED batches are read by the assessment."""

    class Status(models.TextChoices):
        WRITING = "WRITING", "writing files"
        ACCEPTED = "ACCEPTED", "accepted"
        REJECTED = "REJECTED", "rejected: no valid row"

    platform = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="order_batches")
    idempotency_key = models.CharField(max_length=100)
    content_sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WRITING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_invalid = models.PositiveIntegerField(default=0)
    orders_new = models.PositiveIntegerField(default=0)
    orders_void = models.PositiveIntegerField(default=0)
    orders_amend = models.PositiveIntegerField(default=0)
    months = models.JSONField(default=list)
    files = models.JSONField(default=list)  # [{"kind", "month", "path", "rows", "sha256"}]
    errors = models.JSONField(default=list)  # [{"row", "field", "message"}]
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "idempotency_key"], name="order_batch_key_once"),
        ]

    def __str__(self) -> str:
        return f"batch {self.pk} of {self.platform_id} ({self.status})"


class PerOrderAdjustment(models.Model):
    """A province's adjustment of one platform's OIP per-order amount, in 10% steps of the sector
    baseline, from the first day of a month. The rules decide what is allowed (bounds, once a year,
    first year at baseline); the officer gives the reason."""

    platform = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+")
    steps = models.SmallIntegerField()
    effective_from = models.DateField()
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["platform_id", "province_id", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "province", "effective_from"], name="adjustment_once_a_date"),
        ]

    def __str__(self) -> str:
        return f"{self.platform_id}@{self.province_id} {self.steps:+d} from {self.effective_from}"
