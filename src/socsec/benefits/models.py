"""Benefit claims: a claim moves through states (submitted, gathering evidence, accepted or rejected,
assessed, awarded, paid; review and appeal), each change recorded as an event; awards are the amounts
decided, each with its payer and explanation; payments are what a payment run paid, once per award and
month."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from socsec.core.fields import EncryptedJSONField, EncryptedTextField


class Claim(models.Model):
    class Kind(models.TextChoices):
        OCCUPATIONAL_INJURY = "OCCUPATIONAL_INJURY", _("occupational injury protection (platform work)")
        WORK_INJURY = "WORK_INJURY", _("work-related injury insurance (employees)")
        PENSION = "PENSION", _("old-age pension")
        UNEMPLOYMENT = "UNEMPLOYMENT", _("unemployment insurance")
        LONG_TERM_CARE = "LONG_TERM_CARE", _("long-term care insurance")
        SKILL_SUBSIDY = "SKILL_SUBSIDY", _("skill-upgrading subsidy (unemployment insurance)")

    class Status(models.TextChoices):
        SUBMITTED = "SUBMITTED", _("submitted")
        GATHERING_EVIDENCE = "GATHERING_EVIDENCE", _("gathering evidence")
        ACCEPTED = "ACCEPTED", _("accepted")
        REJECTED = "REJECTED", _("rejected")
        ASSESSED = "ASSESSED", _("assessed")
        AWARDED = "AWARDED", _("awarded")
        PAID = "PAID", _("paid")
        UNDER_REVIEW = "UNDER_REVIEW", _("under review (appeal)")
        WAITING_FOR_CLAIMANT = "WAITING_FOR_CLAIMANT", _("waiting for the claimant's information")
        WITHDRAWN = "WITHDRAWN", _("withdrawn")

    class Reporter(models.TextChoices):
        WORKER = "WORKER", _("the worker")
        ORGANISATION = "ORGANISATION", _("the platform or employer")
        OFFICER = "OFFICER", _("an officer")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.SUBMITTED)
    version = models.PositiveIntegerField(default=1)  # optimistic lock: each change must name the version it saw
    event_date = models.DateField(help_text="the injury, the retirement, the job loss, the care need")
    engagement = models.ForeignKey(
        "registry.Engagement", on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    order_id = models.CharField(max_length=64, blank=True, help_text="the order in progress at the injury")
    reported_by = models.CharField(max_length=12, choices=Reporter.choices)
    reporter_organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # what was stated and assessed names dependants and tells of health: encrypted at rest, read whole
    facts = EncryptedJSONField(default=dict, help_text="what the claimant stated: description, dependants, ...")
    evidence = models.JSONField(default=dict, help_text="what registry and platform data showed")
    submitted_on = models.DateField()
    decision_due = models.DateField()
    assessment_due = models.DateField(null=True, blank=True)
    deadlines = models.JSONField(default=dict, help_text="the rule parameters the due dates came from")
    routed_reason = models.CharField(max_length=300, blank=True, help_text="why the checks sent it to an officer")
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_on = models.DateField(null=True, blank=True)
    assessment = EncryptedJSONField(default=dict, help_text="grade, care level, years, dependants, ... as assessed")
    awarded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision_due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "event_date"], name="one_claim_per_event"),
        ]
        indexes = [models.Index(fields=["status", "decision_due"], name="claim_queue_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id} {self.event_date} {self.status}"


# the claim states in which its awards in force are paid: awarded and paid, while an appeal or a
# re-assessment is pending (the decision stands until it is replaced), and after the appeal is withdrawn
# (only approval puts awards in force, and a rejection ends them, so a claim withdrawn before any decision
# has none)
PAYING_STATUSES = (
    Claim.Status.AWARDED,
    Claim.Status.PAID,
    Claim.Status.UNDER_REVIEW,
    Claim.Status.ACCEPTED,
    Claim.Status.ASSESSED,
    Claim.Status.WITHDRAWN,
    Claim.Status.WAITING_FOR_CLAIMANT,  # asked for more on an appeal: the decision stands meanwhile
)


class ClaimEvent(models.Model):
    """One change of a claim: who, when, from which state to which, and why."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    on = models.DateField()
    actor = models.CharField(max_length=120)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.from_status}->{self.to_status}"


class AwardQuerySet(models.QuerySet["Award"]):
    def in_force(self) -> AwardQuerySet:
        """Approved awards that are not replaced, of claims whose decision stands (an appeal or a
        re-assessment pending does not stop them; a rejection on review does)."""
        return self.filter(status=Award.Status.ACTIVE, claim__status__in=PAYING_STATUSES)


class Award(models.Model):
    """One amount decided on a claim: a lump sum, or a monthly amount from a month (to a month), with
    who pays it and how it was computed. An assessment proposes awards; approval puts them in force and
    replaces those in force before (a review): what was paid of those stays paid."""

    class Payer(models.TextChoices):
        FUND = "FUND", _("the scheme's fund")
        PLATFORM = "PLATFORM", _("the platform")
        EMPLOYER = "EMPLOYER", _("the employer")

    class Status(models.TextChoices):
        PROPOSED = "PROPOSED", _("proposed, not approved yet")
        ACTIVE = "ACTIVE", _("awarded")
        SUPERSEDED = "SUPERSEDED", _("replaced after a review")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="awards")
    item = models.CharField(max_length=64)  # the formula that computed it, e.g. oip_disability_lump_sum
    label = models.TextField()  # the formula's label, in full
    payer = models.CharField(max_length=10, choices=Payer.choices)
    periodic = models.BooleanField(default=False)
    amount_cents = models.BigIntegerField()
    start_month = models.CharField(max_length=7)  # first month paid (a lump sum: the month it is due)
    end_month = models.CharField(max_length=7, blank=True)  # last month paid; empty: until stopped
    # a dependant, where not the person; encrypted at rest (the database can neither compare nor group it)
    beneficiary = EncryptedTextField(blank=True, default="")
    explanation = models.JSONField()
    suspended_from = models.CharField(max_length=7, blank=True)  # no payment from this month on
    suspended_reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    # what the payment runs need not read again (``pay_due.bounds``): every month from start_month through
    # paid_through has a payment, and a pension's months through it owe no late increase at paid_amounts,
    # its amount by year ({"2025": cents}) when they were checked; empty (NULL): the run reads every payment
    paid_through = models.CharField(max_length=7, null=True, blank=True)
    paid_amounts = models.JSONField(null=True, blank=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_cents__gte=0), name="award_not_negative")]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.item} {self.amount_cents}"


class PaymentRun(models.Model):
    month = models.CharField(max_length=7, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    file_path = models.CharField(max_length=300, blank=True)  # the latest bank file (one per run that paid)
    payment_count = models.PositiveIntegerField(default=0)
    amount_cents = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return self.month


class BankFile(models.Model):
    """A bank file of a payment run, recorded in the transaction that made its payments: where it goes,
    its SHA-256 and row count. The file itself is written after the commit, from the committed payments;
    a run that finds it absent or different writes it again, byte for byte the same."""

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="bank_files")
    instruction = models.PositiveIntegerField()  # the payments' ``instruction`` it carries
    path = models.CharField(max_length=300, unique=True)  # under the data dir
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "instruction"], name="one_bank_file_per_instruction")]

    def __str__(self) -> str:
        return self.path


class BenefitPayment(models.Model):
    """What a payment run paid on an award for a month: once per award, month and kind. A negative amount
    recovers an overpayment; an indexation pays the year's increase for a month paid before the increase
    was published (increases apply from January)."""

    class Kind(models.TextChoices):
        PAYMENT = "PAYMENT", _("payment")
        RECOVERY = "RECOVERY", _("recovery of an overpayment")
        INDEXATION = "INDEXATION", _("the year's pension increase for a month paid before it was published")
        RESTORATION = "RESTORATION", _("a recovery given back: the suspension behind it was lifted")

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="payments")
    # found by award through benefit_paid_once (award first): no index of its own to keep on every write
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="payments", db_index=False)
    month = models.CharField(max_length=7)  # the month the amount is for
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PAYMENT)
    amount_cents = models.BigIntegerField()
    note = models.CharField(max_length=200, blank=True)
    # which of the run's bank files carries it: 1 for the month's first run, 2 for a re-run that found
    # more to pay (after a review, say), ... - each file holds only its own rows, so none is sent twice
    instruction = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["run", "id"]
        constraints = [models.UniqueConstraint(fields=["award", "month", "kind"], name="benefit_paid_once")]
        # the few rows other than payments (recoveries, restorations, increases paid late), read whole by award
        indexes = [
            models.Index(fields=["award"], condition=~models.Q(kind="PAYMENT"), name="benefit_not_payment_award")
        ]

    def __str__(self) -> str:
        return f"{self.award_id} {self.month} {self.amount_cents}"


class DeathNotice(models.Model):
    """A death reported by the civil registry (data exchange) or an officer: benefits of the person stop
    from the month after the death, and what was paid beyond it is recovered."""

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="death_notice")
    died_on = models.DateField()
    source = models.CharField(max_length=120)
    received_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.person_id} died {self.died_on}"


class RetentionRebate(models.Model):
    """An enterprise's job-retention rebate for a year: it kept its staff (no layoffs, or a layoff rate within
    the target), so a share of last year's unemployment-insurance premiums goes back to it."""

    class Size(models.TextChoices):
        LARGE = "LARGE", _("large enterprise")
        SME = "SME", _("small, medium or micro enterprise")

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    staff = models.PositiveIntegerField()
    laid_off = models.PositiveIntegerField()
    enterprise_size = models.CharField(max_length=5, choices=Size.choices)
    premiums_last_year_cents = models.BigIntegerField()
    amount_cents = models.BigIntegerField()
    explanation = models.JSONField()
    decided_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="rebate_once_a_year")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year} {self.amount_cents}"


class InformationRequest(models.Model):
    """An officer asks the claimant for more information: the claim waits for the answer, then goes back
    to the state it was in. The question and the answer may tell of health: encrypted at rest."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="information_requests")
    question = EncryptedTextField()
    asked_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    asked_on = models.DateField()
    return_status = models.CharField(max_length=24, choices=Claim.Status.choices)
    answer = EncryptedTextField(blank=True, default="")
    answered_on = models.DateField(null=True, blank=True)
    # an officer stopped waiting for an answer that did not come, and why
    stopped_on = models.DateField(null=True, blank=True)
    stopped_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["claim", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id} asked {self.asked_on}"


class Suspension(models.Model):
    """An automatic decision against a person: a payment run stopped an award from a month because of
    registry data (a death notice, a new engagement, platform orders while on unemployment benefit).
    It waits for an officer, who confirms it or lifts it, with the reason."""

    class Trigger(models.TextChoices):
        DEATH = "DEATH", "a death notice"
        ENGAGEMENT = "ENGAGEMENT", "a new engagement"
        ORDERS = "ORDERS", "platform orders in the month"

    class Status(models.TextChoices):
        PENDING = "PENDING", "waiting for an officer"
        CONFIRMED = "CONFIRMED", "confirmed"
        LIFTED = "LIFTED", "lifted"

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="suspensions")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(max_length=12, choices=Trigger.choices)
    trigger_key = models.CharField(max_length=60)  # the notice, engagement or month: lifted, it stops no more
    from_month = models.CharField(max_length=7)
    reason = models.CharField(max_length=300)
    evidence = models.JSONField(default=dict)
    run_month = models.CharField(max_length=7)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"], name="suspension_queue_idx")]

    def __str__(self) -> str:
        return f"{self.award_id} from {self.from_month} {self.status}"


class PersonNotice(models.Model):
    """A message to a person, shown on their portal: a kind of message and its values, written out in the
    reader's language when shown (``socsec.benefits.notices``)."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="notices")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="notices")
    kind = models.CharField(max_length=40)
    params = EncryptedJSONField(default=dict)  # an officer's words may tell of health
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"


class WorkReport(models.Model):
    """Work a payment run found while unemployment benefit is paid that does not stop it: platform orders in a
    month, or a new engagement without a labour relation (only re-employment in regular employment stops the
    benefit: ``unemployment_benefit_work_check``). Shown to the officer on the claim's page with its evidence,
    once per award and trigger; the benefit goes on being paid."""

    class Kind(models.TextChoices):
        ORDERS = "ORDERS", _("platform orders in the month")
        ENGAGEMENT = "ENGAGEMENT", _("a new engagement without a labour relation")

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="work_reports")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=60)  # orders:<month> or engagement:<id>
    month = models.CharField(max_length=7)  # the month the work was found in
    orders = models.PositiveIntegerField(default=0)  # platform orders in the month (0 for an engagement)
    evidence = models.JSONField(default=dict)
    run_month = models.CharField(max_length=7)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month", "id"]
        constraints = [models.UniqueConstraint(fields=["award", "key"], name="work_reported_once")]

    def __str__(self) -> str:
        return f"{self.award_id} {self.key}"
