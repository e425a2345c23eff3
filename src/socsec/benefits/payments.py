"""Monthly payment runs: every periodic benefit due for the month and every lump sum awarded and not yet
paid, from the funds; suspensions from registry data (a death notice; for unemployment benefit, new work
or platform orders in the month, flagged to an officer); recovery of what was paid for months after a
death. One transaction per run, which records the run's bank file (path, SHA-256, rows); the file is written
after the commit, and every run of the month writes again any recorded file found absent or damaged
(``bank_files``), so a run killed at any point and run again gives the same payments and the same file,
and nothing is paid twice (one payment per award, month and kind, by database constraint).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.core.clock import database_today
from socsec.core.errors import Conflict, ValidationFailed
from socsec.core.faults import fault
from socsec.core.months import month_first_day, month_index, month_name, month_of, month_year
from socsec.ledger.accounts import benefits_payable, fund
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.services import Posting
from socsec.ledger.services import post_many as ledger_post_many

from .bank_files import bank_file_record, bank_files_write
from .claims import move
from .models import PAYING_STATUSES, Award, BankFile, BenefitPayment, Claim, DeathNotice, PaymentRun
from .stops import ReplacedKey, apply_suspensions, replaced_key

# which fund pays each kind of claim (by province)
FUND_OF: dict[str, str] = {
    Claim.Kind.OCCUPATIONAL_INJURY: "OIP",
    Claim.Kind.WORK_INJURY: "WORK_INJURY",
    Claim.Kind.PENSION: "EMPLOYEE_PENSION",
    Claim.Kind.UNEMPLOYMENT: "UNEMPLOYMENT",
    Claim.Kind.LONG_TERM_CARE: "LONG_TERM_CARE",
    Claim.Kind.SKILL_SUBSIDY: "UNEMPLOYMENT",
}
AWARDS_A_BATCH = 1000  # what earlier runs paid is read, and the ledger posted, per so many awards
ITEM_FUND = {"resident_pension_monthly": "RESIDENT_PENSION"}  # where the item, not the kind, names the fund
# awards the payment runs look at: those in force on claims whose decision stands, and those replaced
# after a review whatever became of the claim (their months are all paid, but a death notice still
# recovers what was paid after the death)
RUN_AWARDS = Q(status=Award.Status.ACTIVE, claim__status__in=PAYING_STATUSES) | Q(status=Award.Status.SUPERSEDED)


@dataclass
class PayResult:
    run: PaymentRun
    new_payments: int
    new_cents: int
    suspended: list[Award]
    file: Path
    rewritten: list[Path]  # recorded bank files found absent or damaged, and written again


def pay_month(
    *, actor: Actor, month: str, today: dt.date | None = None, progress: Callable[[int, int], None] | None = None
) -> PayResult:
    """Pay a closed month (one that has ended). Re-running it pays only what is still due. ``progress`` is
    told (awards looked at, awards in all) before the first batch of awards and after each."""
    today = today or timezone.localdate()
    try:
        index = month_index(month)
        first = month_first_day(index)
    except ValueError:
        raise ValidationFailed("month: %(month)r is not YYYY-MM", field="month", params={"month": month}) from None
    if month_of(first) != month:
        raise ValidationFailed("month: %(month)r is not YYYY-MM", field="month", params={"month": month})
    if index >= min(month_index(today), month_index(database_today())):  # the database's clock too
        opens = month_first_day(index + 1).isoformat()  # the first day after the month's end
        raise ValidationFailed(
            "month: %(month)s is not closed yet; it can be paid from %(opens)s on",
            field="month",
            params={"month": month, "opens": opens},
        )
    with transaction.atomic():
        run, _ = PaymentRun.objects.get_or_create(month=month)
        run = PaymentRun.objects.select_for_update().get(pk=run.pk)  # one run of a month at a time
        # the awards the run may change, locked first and in one order: an approval replacing some waits
        # for the run, or the run for it, and neither holds what the other waits for
        list(
            Award.objects.filter(RUN_AWARDS)
            .order_by("id")
            .select_for_update(no_key=connection.vendor == "postgresql", of=("self",))
            .values_list("id", flat=True)
        )
        suspended = apply_suspensions(month, actor, Award.objects.filter(RUN_AWARDS))
        new_payments, new_cents = 0, 0
        # the next file's number: after every file recorded, an empty one (a first run that paid nothing) too
        instruction = 1 + max(
            BenefitPayment.objects.filter(run=run).aggregate(last=Max("instruction"))["last"] or 0,
            BankFile.objects.filter(run=run).aggregate(last=Max("instruction"))["last"] or 0,
        )
        awards = (
            Award.objects.filter(RUN_AWARDS, payer=Award.Payer.FUND)
            .select_related("claim__person__residence_region", "claim__engagement__work_region")
            .order_by("id")
        )
        before = paid_on_replaced()
        awards_in_order = list(awards)
        told = progress or (lambda _done, _total: None)
        told(0, len(awards_in_order))
        for at in range(0, len(awards_in_order), AWARDS_A_BATCH):
            batch = awards_in_order[at : at + AWARDS_A_BATCH]
            paid = set(  # (award, month, kind) paid by an earlier run: never twice
                BenefitPayment.objects.filter(award__in=[a.pk for a in batch]).values_list("award_id", "month", "kind")
            )
            recovered: dict[int, dict[str, int]] = {}  # what stops recovered, by award and month
            for award_id, m, cents in BenefitPayment.objects.filter(
                award__in=[a.pk for a in batch], kind=BenefitPayment.Kind.RECOVERY
            ).values_list("award_id", "month", "amount_cents"):
                recovered.setdefault(award_id, {})[m] = cents
            postings = []
            for award in batch:
                due = _due(award, month, index, before.get(replaced_key(award), {}), recovered.get(award.pk, {}))
                for due_month, kind, cents, note in due:
                    if cents == 0 or (award.pk, due_month, kind) in paid:
                        continue  # nothing to pay, or paid already
                    payment = BenefitPayment.objects.create(
                        run=run,
                        award=award,
                        month=due_month,
                        kind=kind,
                        amount_cents=cents,
                        note=note,
                        instruction=instruction,
                    )
                    paid.add((award.pk, due_month, kind))
                    postings.append(_posting(payment, today))
                    new_payments += 1
                    new_cents += cents
            ledger_post_many(postings)
            told(at + len(batch), len(awards_in_order))
        for claim in Claim.objects.filter(status=Claim.Status.AWARDED, awards__payments__isnull=False).distinct():
            with contextlib.suppress(Conflict):  # moved meanwhile (an appeal): it stays as it is, still paid
                move(
                    claim,
                    actor=actor,
                    expected_version=claim.version,
                    to=Claim.Status.PAID,
                    note=f"paid in {month}",
                    today=today,
                )
        totals = BenefitPayment.objects.filter(run=run)
        run.payment_count = totals.count()
        run.amount_cents = sum(totals.values_list("amount_cents", flat=True))
        texts = {}
        if new_payments or not run.file_path:  # this run's own file: only the rows it paid (a first run
            # with none: an empty one), recorded with the payments and written once they are committed
            run.file_path = f"payments/month={month}/bank-instructions-{instruction:03d}.csv"
            texts[instruction] = bank_file_record(run, instruction, run.file_path)[1]
        run.save()
        audit_record(actor=actor, action="benefit.payment_run", instance=run)
        fault("pay.before_commit")
    fault("pay.after_commit")
    # this run's file, and any earlier one of the month found absent or damaged, byte for byte as recorded
    path = Path(settings.DATA_DIR) / run.file_path
    rewritten = [p for p in bank_files_write(run, texts) if not (texts and p == path)]
    return PayResult(run, new_payments, new_cents, suspended, path, rewritten)


def paid_on_replaced(claim: Claim | None = None) -> dict[ReplacedKey, dict[str, int]]:
    """What was paid, net, for each month on awards replaced after a review (of one claim, or all), by
    the claim, item and beneficiary they share with the awards that replaced them."""
    rows = BenefitPayment.objects.filter(award__status=Award.Status.SUPERSEDED)
    if claim is not None:
        rows = rows.filter(award__claim=claim)
    # summed by award in SQL, then by beneficiary here: the beneficiary is encrypted at rest, so the
    # database cannot group by it (each row's ciphertext differs)
    totals = list(rows.values("award_id", "month").annotate(cents=Sum("amount_cents")).order_by("award_id", "month"))
    awards = Award.objects.in_bulk({row["award_id"] for row in totals})
    out: dict[ReplacedKey, dict[str, int]] = {}
    for row in totals:
        months = out.setdefault(replaced_key(awards[row["award_id"]]), {})
        months[row["month"]] = months.get(row["month"], 0) + int(row["cents"])
    return out


def _due(
    award: Award, month: str, index: int, paid_before: dict[str, int], recovered: dict[str, int] | None = None
) -> list[tuple[str, str, int, str]]:
    """(month, kind, cents, note) to pay or recover on this award in this run. ``paid_before`` is what
    the awards it replaced paid for each month (after a review): only the rest is due, and nothing is
    recovered where they paid more. A replaced award pays nothing more; only a stop recovers on it.
    ``recovered``: what stops recovered on it, by month; a month no stop covers any more (an officer
    lifted it) gets it back."""
    out: list[tuple[str, str, int, str]] = []
    stop = month_index(award.suspended_from) if award.suspended_from else None
    # a replaced award gives nothing back: the award that replaced it pays each month in full less what
    # was paid net, and a recovered month netted nothing
    for m, cents in sorted((recovered or {}).items()) if award.status == Award.Status.ACTIVE else ():
        if stop is None or month_index(m) < stop:
            out.append((m, BenefitPayment.Kind.RESTORATION, -cents, "recovery given back: the suspension was lifted"))
    if award.status == Award.Status.ACTIVE and not award.periodic:
        if month_index(award.start_month) <= index and (stop is None or month_index(award.start_month) < stop):
            earlier = sum(paid_before.values())
            note = f"lump sum, less {earlier} paid before the review" if earlier else "lump sum"
            out.append((award.start_month, BenefitPayment.Kind.PAYMENT, max(0, award.amount_cents - earlier), note))
    elif award.status == Award.Status.ACTIVE:
        last = month_index(award.end_month) if award.end_month else index
        amounts = monthly_amounts(award, month_year(min(index, last)))
        for i in range(month_index(award.start_month), min(index, last) + 1):  # months missed by earlier runs too
            if stop is None or i < stop:
                cents, note = amounts[month_year(i)]
                earlier = paid_before.get(month_name(i), 0)
                if earlier:
                    cents, note = max(0, cents - earlier), f"{note}, less {earlier} paid before the review"
                out.append((month_name(i), BenefitPayment.Kind.PAYMENT, cents, note))
        if award.item in INDEXED_ITEMS:  # months paid before their year's increase was published: the rest
            paid: dict[str, int] = {}
            for m, cents in award.payments.exclude(kind=BenefitPayment.Kind.RECOVERY).values_list(
                "month", "amount_cents"
            ):
                paid[m] = paid.get(m, 0) + cents
            for m, cents in paid.items():
                i = month_index(m)
                now, note = amounts.get(month_year(i), (0, ""))
                total = cents + paid_before.get(m, 0)
                if i <= min(index, last) and (stop is None or i < stop) and now > total:
                    out.append((m, BenefitPayment.Kind.INDEXATION, now - total, f"{note}, paid late"[:200]))
    if stop is not None:  # paid for months after the stop, of every kind: recover each month once
        net: dict[str, int] = {}
        for m, cents in award.payments.filter(month__gte=month_name(stop)).values_list("month", "amount_cents"):
            net[m] = net.get(m, 0) + cents
        for m, cents in sorted(net.items()):
            if cents > 0:
                out.append((m, BenefitPayment.Kind.RECOVERY, -cents, award.suspended_reason[:200]))
    return out


INDEXED_ITEMS = ("pension_monthly",)


def monthly_amounts(award: Award, last_year: int) -> dict[int, tuple[int, str]]:
    """A pension's amount in each year up to ``last_year``: raised by each year's published increase from
    the year after it started (``pension_indexed_monthly``); once a year's rate is not published yet, the
    amount stays as it is until it is. Other awards are paid as awarded."""
    first = int(award.start_month[:4])
    if award.item not in INDEXED_ITEMS:
        return {y: (award.amount_cents, "monthly") for y in range(first, last_year + 1)}
    from socsec.rules.engine import RuleViolation, calc

    out, cents, raised, published = {first: (award.amount_cents, "monthly")}, award.amount_cents, [], True
    for y in range(first + 1, last_year + 1):
        if published:
            try:
                cents = int(calc("pension_indexed_monthly", dt.date(y, 1, 1), monthly_pension=cents).value or cents)
                raised.append(str(y))
            except RuleViolation:
                published = False  # not published yet for this year, nor then for later ones
        out[y] = (cents, ("monthly, raised " + ", ".join(raised)) if raised else "monthly")
    return out


def _province(award: Award) -> str:
    claim = award.claim
    if claim.engagement is not None and claim.kind in (Claim.Kind.OCCUPATIONAL_INJURY, Claim.Kind.WORK_INJURY):
        return claim.engagement.work_region.province_code
    return claim.person.residence_region.province_code


def _posting(payment: BenefitPayment, today: dt.date) -> Posting:
    """A payment's transaction: from the fund that pays the award to what is payable to the person."""
    award = payment.award
    paid_from = fund(ITEM_FUND.get(award.item, FUND_OF[award.claim.kind]), _province(award))
    payable = benefits_payable(award.claim.person_id)
    key = source_key(SourceKind.BENEFIT_PAYMENT, payment.pk)
    return Posting(
        entries=[(paid_from, payment.amount_cents), (payable, -payment.amount_cents)],
        description=f"{award.item} {payment.month} ({payment.kind.lower()}) claim {award.claim_id}",
        kind=LineKind.BENEFIT_PAYMENT,
        params={"item": award.item, "month": payment.month, "payment_kind": payment.kind, "claim": award.claim_id},
        source=key,
        idempotency_key=key,
        booked_on=today,
    )


def death_notice_record(
    *, actor: Actor, person_id: int, died_on: dt.date, source: str, today: dt.date | None = None
) -> DeathNotice:
    """A death from the civil registry exchange (or an officer): the next payment run stops the
    person's benefits from the following month and recovers what was paid beyond it."""
    today = today or timezone.localdate()
    if died_on > today:
        raise ValidationFailed(
            "died_on: %(died_on)s is in the future", field="died_on", params={"died_on": died_on.isoformat()}
        )
    with transaction.atomic():
        notice, created = DeathNotice.objects.get_or_create(
            person_id=person_id, defaults={"died_on": died_on, "source": source[:120], "received_on": today}
        )
        if created:
            audit_record(actor=actor, action="registry.death_notice", instance=notice)
        elif notice.died_on != died_on:
            raise ValidationFailed(
                "died_on: a death on %(died_on)s is already recorded for this person",
                field="died_on",
                params={"died_on": notice.died_on.isoformat()},
            )
    return notice
