"""The contributions tables, for every sub-package: order batches' manifests and per-order adjustments
(``orders/``, ``assessment/``), assessment runs, invoices and assessed months (``assessment/``), the
platforms' payment declarations, payments and their allocations (``collection/``), own contributions,
withholding mandates and relief (``own/``), and the yearly interest credits (written by
``socsec.pension_accounts``). The orders themselves are Parquet files, never rows here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderBatch(models.Model):
    """The manifest of one batch of orders reported by a platform. The orders themselves are Parquet
    files under the data dir (never rows in this database); ``files`` lists them with their checksums.
    Only ACCEPTED batches are read by the assessment. A WITHDRAWN or FAILED batch no longer holds its
    idempotency key: the same key may bring the batch again."""

    class Status(models.TextChoices):
        WRITING = "WRITING", _("writing files")
        ACCEPTED = "ACCEPTED", _("accepted")
        REJECTED = "REJECTED", _("rejected: no valid row")
        WITHDRAWN = "WITHDRAWN", _("withdrawn: its orders do not count")
        FAILED = "FAILED", _("failed: nothing was stored")

    platform = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="order_batches")
    idempotency_key = models.CharField(max_length=100)
    content_sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=200)
    # how the file was read: utf-8, utf-8-sig, gb18030 (a Chinese Excel CSV), xlsx, parquet or jsonl
    read_as = models.CharField(max_length=12, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WRITING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_invalid = models.PositiveIntegerField(default=0)
    orders_new = models.PositiveIntegerField(default=0)
    orders_void = models.PositiveIntegerField(default=0)
    orders_amend = models.PositiveIntegerField(default=0)
    months = models.JSONField(default=list)
    files = models.JSONField(default=list)  # [{"kind", "month", "path", "rows", "sha256"}]
    errors = models.JSONField(default=list)  # the first errors by row: [{"row", "field", "code", "message"}]
    error_counts = models.JSONField(default=dict)  # every error, counted per code
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "idempotency_key"],
                condition=~models.Q(status__in=["WITHDRAWN", "FAILED"]),
                name="order_batch_key_once",
            ),
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


class AssessmentRun(models.Model):
    """One assessment of a month. The first is ORIGINAL; a later one, after late or corrected batches,
    is an ADJUSTMENT that invoices only the difference: what was invoiced is never rewritten."""

    class Kind(models.TextChoices):
        ORIGINAL = "ORIGINAL", _("First invoice of the month")
        ADJUSTMENT = "ADJUSTMENT", _("Adjustment after late or corrected orders")

    month = models.CharField(max_length=7)
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    batches = models.JSONField(default=list)  # the accepted batch ids it read
    lines_path = models.CharField(max_length=300)
    lines_sha256 = models.CharField(max_length=64, blank=True)  # '' for runs recorded before it was kept
    order_count = models.BigIntegerField()
    amount_cents = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month", "sequence"]
        constraints = [models.UniqueConstraint(fields=["month", "sequence"], name="assessment_run_sequence")]

    def __str__(self) -> str:
        return f"{self.month} #{self.sequence} {self.kind}"


class Invoice(models.Model):
    """What a platform owes for one province and month from one assessment run (a credit note when
    negative). Paid through allocations of payments."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.PROTECT, related_name="invoices")
    platform = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="invoices")
    province = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+")
    month = models.CharField(max_length=7)
    order_count = models.BigIntegerField()
    amount_cents = models.BigIntegerField()
    issued_on = models.DateField()
    due_on = models.DateField()
    withheld_cents = models.BigIntegerField(
        default=0, help_text="of amount_cents, workers' own contributions the platform withheld at source"
    )

    class Meta:
        ordering = ["month", "platform_id", "province_id", "run_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "platform", "province"], name="invoice_once_per_run"),
        ]
        indexes = [models.Index(fields=["platform", "issued_on"], name="invoice_platform_issued_idx")]

    def __str__(self) -> str:
        return f"invoice {self.pk} {self.platform_id}@{self.province_id} {self.month}: {self.amount_cents}"


class Payment(models.Model):
    """Money received from a platform, identified by its bank reference (a payment is recorded once
    per platform and reference), allocated to its oldest unpaid invoices."""

    platform = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="payments")
    reference = models.CharField(max_length=100)
    amount_cents = models.BigIntegerField()
    received_on = models.DateField()
    source = models.CharField(max_length=100)
    bank_reference = models.CharField(
        max_length=100, blank=True, help_text="the bank line settling an officer-confirmed payment; empty: provisional"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "reference"], name="payment_reference_once"),
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="payment_positive"),
        ]

    def __str__(self) -> str:
        return f"payment {self.reference} {self.amount_cents}"


class LastOrder(models.Model):
    """The last day a platform reported an order of a worker, over every batch ever accepted: raised when a
    batch is accepted, never lowered (a withdrawn batch or a voided order does not undo what was reported).
    An engagement does not end before it without an officer's decision."""

    platform = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    person_id = models.BigIntegerField()
    last_order_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "person_id"], name="last_order_once")]

    def __str__(self) -> str:
        return f"last order of {self.person_id} at {self.platform_id}: {self.last_order_on}"


class PaymentDeclaration(models.Model):
    """A payment a platform says it made (through the API): its bank reference, amount and the date it
    claims. It moves no money. It is booked as a ``Payment`` when a bank-statement line with the same
    reference is imported (the bank's date and amount count) or when an officer confirms it with a reason
    and the date the money arrived (above a threshold, a second officer approves)."""

    class Status(models.TextChoices):
        PENDING = "PENDING", _("declared, waiting for the bank or an officer")
        AWAITING_APPROVAL = "AWAITING_APPROVAL", _("confirmed by an officer, waiting for a second officer")
        MATCHED = "MATCHED", _("matched to a bank-statement line and booked")
        CONFIRMED = "CONFIRMED", _("confirmed by officers and booked")
        REJECTED = "REJECTED", _("rejected by an officer")
        MISMATCHED = "MISMATCHED", _("the bank's line differs from the declaration: for an officer to review")

    platform = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=100)
    amount_cents = models.BigIntegerField()
    declared_received_on = models.DateField(help_text="the date the platform claims; never booked")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    received_on = models.DateField(null=True, blank=True, help_text="from the bank line or the officer")
    reason = models.TextField(blank=True, help_text="the officer's reason to confirm or reject")
    mismatch = models.TextField(blank=True, help_text="how the bank's line differs from what was declared")
    confirmed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="declaration")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "reference"], name="payment_declaration_once"),
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="payment_declaration_positive"),
        ]

    def __str__(self) -> str:
        return f"declared payment {self.reference} {self.amount_cents} ({self.status})"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount_cents = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="allocation_positive")]

    def __str__(self) -> str:
        return f"{self.payment_id}->{self.invoice_id} {self.amount_cents}"


class OwnContribution(models.Model):
    """A worker's own contribution for a period, paid through the portal: the flexible worker's
    employee pension (20% of a chosen base, 8% to the individual account, 12% pooled) or employee
    medical insurance (the province's rate of the base), or the residents' pension (a yearly tier, topped
    up by the government's subsidy). ``paid_cents`` is what the person paid; ``subsidy_cents`` what the
    government paid (a subsidy group's share, the residents' subsidy, the lowest tier paid for a person
    in hardship). Amounts come from the rules and keep their explanation."""

    class Scheme(models.TextChoices):
        EMPLOYEE_PENSION = "EMPLOYEE_PENSION", _("employee basic pension (flexible employment)")
        MEDICAL = "MEDICAL", _("employee basic medical insurance (flexible employment)")
        RESIDENT_PENSION = "RESIDENT_PENSION", _("residents' basic pension")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="own_contributions")
    scheme = models.CharField(max_length=20, choices=Scheme.choices)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    months = models.PositiveSmallIntegerField()
    declared_base_cents = models.BigIntegerField(null=True, blank=True)
    tier = models.CharField(max_length=10, blank=True)
    paid_cents = models.BigIntegerField()
    subsidy_cents = models.BigIntegerField(default=0)
    individual_account_cents = models.BigIntegerField()
    pooled_cents = models.BigIntegerField()
    relief_group = models.CharField(max_length=24, blank=True)
    subsidised_months = models.PositiveSmallIntegerField(default=0)
    deferred = models.BooleanField(default=False)  # a past month paid late inside a deferral window
    withheld_by = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="withheld_contributions"
    )  # withheld at source by this platform from the worker's earnings, paid with its invoice
    invoice = models.ForeignKey("Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="withheld")
    explanation = models.JSONField()
    paid_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "scheme", "period_start"], name="own_contribution_once"),
        ]
        indexes = [models.Index(fields=["person", "period_start"], name="own_contribution_person_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.scheme} {self.period_start} {self.paid_cents}"


class WithholdingMandate(models.Model):
    """A worker asks a platform to withhold their own contribution at source: each month they take
    orders on it, the platform deducts the month's contribution (on the base chosen here) from their
    earnings, spread over the month's orders, and pays it with its invoice."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="withholding_mandates")
    platform = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    scheme = models.CharField(max_length=20, choices=OwnContribution.Scheme.choices)
    declared_base_cents = models.BigIntegerField()
    valid_from = models.DateField()  # the first day of a month
    valid_to = models.DateField(null=True, blank=True)  # the last day of a month; open-ended when empty
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.scheme} via {self.platform_id} from {self.valid_from}"


class ContributionRelief(models.Model):
    """A person's membership of a relief group for a time, recorded by an officer with the reason (the
    certificate of the employment service, the disability or minimum-living register): the rules then
    subsidise their flexible contributions or pay their lowest residents' tier."""

    class Group(models.TextChoices):
        EMPLOYMENT_HARDSHIP = "EMPLOYMENT_HARDSHIP", _("person with employment difficulties")
        GRADUATE = "GRADUATE", _("graduate unemployed within a year of leaving school")
        SEVERE_DISABILITY = "SEVERE_DISABILITY", _("severely disabled person")
        MINIMUM_LIVING = "MINIMUM_LIVING", _("recipient of the minimum living allowance")
        EXTREME_POVERTY = "EXTREME_POVERTY", _("person in extreme poverty")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="reliefs")
    group = models.CharField(max_length=24, choices=Group.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)  # inclusive; open-ended when empty
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="relief_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.group} {self.valid_from}"


class AssessedMonth(models.Model):
    """One row per assessed month: locked while a run of that month is made, so that two runs of the
    same month (the first ones included) never overlap."""

    month = models.CharField(max_length=7, unique=True)

    def __str__(self) -> str:
        return self.month


class InterestCredit(models.Model):
    """Interest credited to one person's employee-pension individual account for one year: the inputs,
    the amount and its explanation, and the balanced ledger transaction that posted it (once per person
    and year)."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="interest_credits")
    year = models.PositiveSmallIntegerField()
    province = models.CharField(max_length=6, help_text="province whose pension fund pays the interest")
    opening_balance_cents = models.BigIntegerField()
    contribution_month_cents = models.BigIntegerField(help_text="the year's contributions x months left, summed")
    amount_cents = models.BigIntegerField()
    explanation = models.JSONField()
    transaction = models.OneToOneField("ledger.LedgerTransaction", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "person_id"]
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="interest_credit_once_a_year")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.amount_cents}"


class VoluntaryEnrolment(models.Model):
    """A worker joins a scheme the coverage rules leave voluntary for them (the employee pension or medical
    insurance as a flexible worker, the residents' pension): from then on they pay it themself
    (``OwnContribution``) or ask a platform to withhold it. Joined once per scheme."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="enrolments")
    scheme = models.CharField(max_length=20, choices=OwnContribution.Scheme.choices)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+")  # where they joined
    joined_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "joined_on", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "scheme"], name="enrolment_once_per_scheme")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.scheme} from {self.joined_on}"


class ProviderPayment(models.Model):
    """A worker's payment of their own contribution through a payment provider (a bank, UnionPay, a wallet;
    the local one in the demo). PENDING from when it starts until the provider's signed callback says it
    was paid (the contribution is then booked: CONFIRMED, ``contribution`` set), cancelled (CANCELLED), or
    paid for months that can no longer be booked (FAILED, with why: the money is owed back)."""

    class Status(models.TextChoices):
        PENDING = "PENDING", "waiting for the payment provider"
        CONFIRMED = "CONFIRMED", "paid and booked"
        CANCELLED = "CANCELLED", "cancelled"
        FAILED = "FAILED", "paid but not booked; to be refunded"

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="provider_payments")
    scheme = models.CharField(max_length=20, choices=OwnContribution.Scheme.choices)
    period_start = models.DateField()
    months = models.PositiveSmallIntegerField()
    declared_base_cents = models.BigIntegerField(null=True, blank=True)
    tier = models.CharField(max_length=10, blank=True)
    amount_cents = models.BigIntegerField()  # what the person is asked to pay, as quoted from the rules
    provider = models.CharField(max_length=30)
    reference = models.CharField(max_length=64, unique=True)  # the provider's
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    contribution = models.OneToOneField(
        OwnContribution, on_delete=models.PROTECT, null=True, blank=True, related_name="provider_payment"
    )
    callback_nonce = models.CharField(max_length=64, null=True, blank=True, unique=True)  # the one that settled it
    failure = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="provider_payment_positive")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.reference} {self.status}"


class RejectedCallback(models.Model):
    """A payment provider's callback that changed nothing: a bad signature, an unknown reference, a replay
    (a nonce seen before, a payment settled already), a stale timestamp or an amount that differs. Kept
    for the security review, with the body as received (cut at 2,000 characters)."""

    class Reason(models.TextChoices):
        BAD_SIGNATURE = "BAD_SIGNATURE", "the signature does not match"
        MALFORMED = "MALFORMED", "the body cannot be read"
        STALE = "STALE", "the timestamp is too old or in the future"
        UNKNOWN_REFERENCE = "UNKNOWN_REFERENCE", "no payment has this reference"
        REPLAY = "REPLAY", "the nonce was used before, or the payment is settled already"
        AMOUNT_MISMATCH = "AMOUNT_MISMATCH", "the amount differs from the payment's"

    provider = models.CharField(max_length=30)
    reference = models.CharField(max_length=64, blank=True)
    nonce = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    body = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider}:{self.reference} {self.reason}"
