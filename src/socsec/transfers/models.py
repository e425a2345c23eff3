from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WORKER = "WORKER", _("asked online by the worker")
    AGENCY = "AGENCY", _("asked by the receiving agency on the worker's behalf")


class OutgoingTransfer(models.Model):
    """The sending side of a transfer: the request, the checks, the amounts and the document issued. The
    document is kept without the person's identity (``document``); it is rebuilt from the person's row."""

    class Status(models.TextChoices):
        REQUESTED = "REQUESTED", _("requested")
        CHECKED = "CHECKED", _("checked")
        ISSUED = "ISSUED", _("document issued")
        COMPLETED = "COMPLETED", _("completed")
        REFUSED = "REFUSED", _("refused")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="transfers_out")
    from_region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+")
    to_region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    receiving_agency = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    refusal_code = models.CharField(max_length=40, blank=True)
    refusal_reason = models.TextField(blank=True)  # English, filled in
    refusal_template = models.TextField(blank=True, help_text="the reason as a template (shown translated)")
    refusal_params = models.JSONField(default=dict, blank=True, help_text="the template's values")
    document_id = models.CharField(max_length=64, unique=True)
    individual_account_cents = models.BigIntegerField(default=0)
    pooled_cents = models.BigIntegerField(default=0)
    months = models.JSONField(default=dict, help_text="months on record per scheme")
    explanation = models.JSONField(default=dict, help_text="the amounts' formulas, inputs and parameters")
    document = models.JSONField(default=dict, help_text="the document issued, less the person's identity")
    receipt = models.JSONField(default=dict, blank=True)
    steps = models.JSONField(default=list, help_text="[{status, at}]: each status reached, in order")
    ledger_transaction = models.ForeignKey(
        "ledger.LedgerTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True, help_text="when the receipt completed it")

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["person", "status"], name="transfer_out_person")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["REQUESTED", "CHECKED", "ISSUED"]),
                name="transfer_out_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"transfer {self.document_id} ({self.status})"


class IncomingTransfer(models.Model):
    """The receiving side: a document received, checked and credited once (by its id)."""

    class Status(models.TextChoices):
        RECEIVED = "RECEIVED", _("received")
        CREDITED = "CREDITED", _("credited")
        COMPLETED = "COMPLETED", _("completed")

    document_id = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="transfers_in")
    sending_agency = models.CharField(max_length=64)
    from_region = models.CharField(max_length=6)
    to_region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    individual_account_cents = models.BigIntegerField()
    pooled_cents = models.BigIntegerField()
    months = models.JSONField(default=dict, help_text="months credited per scheme")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the document as received, to tell a replay")
    document = models.JSONField(default=dict, help_text="the document received, less the person's identity")
    receipt = models.JSONField(default=dict)
    steps = models.JSONField(default=list, help_text="[{status, at}]: each status reached, in order")
    ledger_transaction = models.ForeignKey(
        "ledger.LedgerTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"transfer in {self.document_id} ({self.status})"


class TransferredPeriod(models.Model):
    """Months of a scheme credited to the record by a transfer in: read with the months paid here wherever
    months on record are counted (a month counts once)."""

    transfer = models.ForeignKey(IncomingTransfer, on_delete=models.PROTECT, related_name="periods")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    scheme = models.CharField(max_length=16)
    region = models.CharField(max_length=6)
    first_month = models.IntegerField(help_text="month index (year x 12 + month - 1)")
    last_month = models.IntegerField()
    monthly_base_cents = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["person", "scheme"], name="transferred_person")]
        constraints = [
            models.CheckConstraint(condition=models.Q(first_month__lte=models.F("last_month")), name="transferred_span")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.first_month}-{self.last_month}"


class TemporaryAccount(models.Model):
    """A temporary contribution account set up here for a person whose pension relation stays where it is
    (a man of 50 or over, a woman of 40 or over, moving to a place that is not the registered residence:
    Guo Ban Fa [2009] No. 66): the contributions paid here are kept on it, to be moved, principal and
    interest, to the place of the relation or of the claim when the person moves on or claims."""

    transfer = models.OneToOneField(IncomingTransfer, on_delete=models.PROTECT, related_name="temporary_account")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="temporary_accounts")
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+")
    relation_region = models.CharField(max_length=6, help_text="where the relation and the record are kept")
    explanation = models.JSONField(default=dict, help_text="the rule that set it up, and where to claim")
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"temporary account of person {self.person_id} at {self.region_id}"
