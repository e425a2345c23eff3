"""What was handed to the tax authority for collection, and what came back.

A ``Handover`` is one document: an employer's assessed amounts of one month, per employee and scheme
(``HandoverLine``). The tax authority collects them (since the 2019 collection reform) and answers per
line; the answers are kept as one ``CollectionResult`` per employer, employee, month and scheme, the
latest document's answer in force. A corrected declaration is a new document that replaces the earlier
one (``replaces``); the same amounts handed over twice are one document."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SCHEMES = ("PENSION", "MEDICAL", "MATERNITY", "UNEMPLOYMENT", "WORK_INJURY", "LONG_TERM_CARE")


class Scheme(models.TextChoices):
    PENSION = "PENSION", _("Employee basic pension")
    MEDICAL = "MEDICAL", _("Basic medical insurance")
    MATERNITY = "MATERNITY", _("Maternity insurance")
    UNEMPLOYMENT = "UNEMPLOYMENT", _("Unemployment insurance")
    WORK_INJURY = "WORK_INJURY", _("Work-related injury insurance")
    LONG_TERM_CARE = "LONG_TERM_CARE", _("Long-term care insurance")


class Handover(models.Model):
    class State(models.TextChoices):
        SENT = "SENT", _("Sent, not acknowledged yet")
        ACKNOWLEDGED = "ACKNOWLEDGED", _("Acknowledged by the tax authority")
        RESULTS_IN = "RESULTS_IN", _("Results received")
        REPLACED = "REPLACED", _("Replaced by a corrected document")

    document_id = models.CharField(max_length=80, unique=True)
    employer = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="tax_handovers")
    month = models.CharField(max_length=7)  # YYYY-MM
    sequence = models.PositiveIntegerField()  # 1 for the first document of the employer's month, then 2, ...
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    state = models.CharField(max_length=16, choices=State.choices, default=State.SENT)
    checksum = models.CharField(max_length=64)  # sha256 of the document's lines, in canonical JSON
    line_count = models.PositiveIntegerField()
    due_cents = models.BigIntegerField()  # employer's and employees' parts of every line
    receipt = models.CharField(max_length=80, blank=True)  # the tax authority's reference, once acknowledged
    attempts = models.PositiveIntegerField(default=0)  # deliveries tried
    last_error = models.TextField(blank=True)  # why the last delivery or fetch failed
    refused = models.JSONField(default=list, blank=True)  # results refused: [{"line", "reason"}]
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    results_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "month", "sequence"], name="taxex_one_sequence"),
            models.UniqueConstraint(
                fields=["employer", "month"], condition=~Q(state="REPLACED"), name="taxex_one_current_document"
            ),
        ]
        indexes = [models.Index(fields=["state", "id"], name="taxex_handover_state")]

    def __str__(self) -> str:
        return self.document_id


class HandoverLine(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="lines")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    scheme = models.CharField(max_length=16, choices=Scheme.choices)
    base_cents = models.BigIntegerField()
    employer_cents = models.BigIntegerField()
    employee_cents = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["handover", "person", "scheme"], name="taxex_one_line"),
        ]

    def __str__(self) -> str:
        return f"{self.handover_id} {self.person_id} {self.scheme}"


class CollectionResult(models.Model):
    """What the tax authority collected of one line: the answer of the latest document in force."""

    class Status(models.TextChoices):
        PAID = "PAID", _("Paid")
        PART_PAID = "PART_PAID", _("Part paid")
        UNPAID = "UNPAID", _("Unpaid")

    employer = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    month = models.CharField(max_length=7)
    scheme = models.CharField(max_length=16, choices=Scheme.choices)
    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="results")
    status = models.CharField(max_length=10, choices=Status.choices)
    employer_cents = models.BigIntegerField()  # due
    employee_cents = models.BigIntegerField()  # due
    paid_cents = models.BigIntegerField()  # everything paid: the results' payment and the later receipts
    paid_on = models.DateField(null=True, blank=True)  # the day of the results' payment
    received_at = models.DateTimeField()
    late_paid_cents = models.BigIntegerField(default=0)  # of ``paid_cents``: paid later, by receipts
    late_paid_on = models.DateField(null=True, blank=True)  # the day of the latest receipt

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employer", "person", "month", "scheme"], name="taxex_one_result"),
            models.CheckConstraint(condition=Q(paid_cents__gte=0), name="taxex_paid_not_negative"),
        ]
        indexes = [
            models.Index(fields=["person", "scheme", "status", "month"], name="taxex_result_person"),
            models.Index(fields=["handover", "person"], name="taxex_result_handover"),
        ]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.person_id} {self.month} {self.scheme} {self.status}"

    @property
    def due_cents(self) -> int:
        return self.employer_cents + self.employee_cents

    @property
    def last_paid_on(self) -> dt.date | None:
        return self.late_paid_on or self.paid_on


class ReceiptFile(models.Model):
    """A file of later payments as the tax authority's exchange published it: recorded once its receipts
    are (all of them, or none); the same file fetched again changes nothing."""

    name = models.CharField(max_length=120, unique=True)
    checksum = models.CharField(max_length=64)  # sha256 of the file as applied
    receipt_count = models.PositiveIntegerField()
    received_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class CollectionReceipt(models.Model):
    """A later payment the tax authority collected on a document whose results were in: its own id (the
    tax authority's), the day paid and, per employee line, the amount (``CollectionReceiptLine``)."""

    receipt_id = models.CharField(max_length=80, unique=True)
    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="receipts")
    file = models.ForeignKey(ReceiptFile, on_delete=models.PROTECT, related_name="receipts")
    paid_on = models.DateField()
    paid_cents = models.BigIntegerField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(paid_cents__gt=0), name="taxex_receipt_positive")]

    def __str__(self) -> str:
        return self.receipt_id


class CollectionReceiptLine(models.Model):
    """What a receipt paid on one line (employee and scheme), with the line's status before and after."""

    receipt = models.ForeignKey(CollectionReceipt, on_delete=models.PROTECT, related_name="lines")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    scheme = models.CharField(max_length=16, choices=Scheme.choices)
    paid_cents = models.BigIntegerField()
    status_before = models.CharField(max_length=10, choices=CollectionResult.Status.choices)
    status_after = models.CharField(max_length=10, choices=CollectionResult.Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["receipt", "person", "scheme"], name="taxex_one_receipt_line"),
            models.CheckConstraint(condition=Q(paid_cents__gt=0), name="taxex_receipt_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id} {self.person_id} {self.scheme}"
