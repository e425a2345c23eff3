"""Monthly payment runs: every periodic benefit due for the month and every lump sum awarded and not yet
paid, from the funds; suspensions from registry data (a death notice; for unemployment benefit, new work
or platform orders in the month, flagged to an officer); recovery of what was paid for months after a
death. One transaction per run, which records the run's bank file (path, SHA-256, rows); the file is written
after the commit, and every run of the month writes again any recorded file found absent or damaged
(``bank_files``), so a run killed at any point and run again gives the same payments and the same file,
and nothing is paid twice (one payment per award, month and kind, by database constraint).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from socsec.audit.services import Actor, audit_record, audit_record_many, snapshot
from socsec.core.bulk import copy_rows
from socsec.core.clock import database_today
from socsec.core.db import planner_settings
from socsec.core.errors import ValidationFailed
from socsec.core.faults import fault
from socsec.core.months import month_first_day, month_index, month_name, month_of, month_year
from socsec.ledger.accounts import benefits_payable, fund
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.services import Posting
from socsec.ledger.services import post_many_keys as ledger_post_many_keys
from socsec.registry.models import Person

from .bank_files import BankFileText, bank_file_record, bank_files_write
from .models import PAYING_STATUSES, Award, BankFile, BenefitPayment, Claim, ClaimEvent, DeathNotice, PaymentRun
from .pay_due import (
    INDEXED_ITEMS,
    Amounts,
    bound,
    checked_through,
    due,
    last_year_due,
    monthly_amounts,
    monthly_amounts_many,
    paid_on_replaced,
)
from .pay_history import paid_rows, paid_through_record
from .pay_notices import claims_paid_tell, pay_run_tell
from .pay_read import PayAward, pay_awards
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
AWARDS_A_BATCH = 1000  # what earlier runs paid is read, and what is due computed, per so many awards
# payments (and their postings) and claims written per statement: 140 rows of 7 columns stay within
# SQLite's 999 variables a statement, so each group of writes is one INSERT a table on either database
WRITES_A_BATCH = 140
COPIES_A_BATCH = 10000  # the same by COPY on PostgreSQL, where no statement grows with the rows
CLAIMS_A_BATCH = 2000  # claims moved to paid at once on PostgreSQL (their events and audit entries by COPY)
ITEM_FUND = {"resident_pension_monthly": "RESIDENT_PENSION"}  # where the item, not the kind, names the fund
# awards the payment runs look at: those in force on claims whose decision stands, and those replaced
# after a review whatever became of the claim (their months are all paid, but a death notice still
# recovers what was paid after the death)
RUN_AWARDS = Q(status=Award.Status.ACTIVE, claim__status__in=PAYING_STATUSES) | Q(status=Award.Status.SUPERSEDED)

# payment accounts their bank found invalid or closed (``socsec.partners.accounts``; the statuses by name,
# this app being below the partners'): nothing is paid to them
HELD_ACCOUNT_STATUSES = ("INVALID", "CLOSED")


def held_persons() -> set[int]:
    """The persons whose own payments are held: their account is invalid or closed. The first run after a
    new account, or the bank's "valid", pays what was held (a month unpaid stays due)."""
    return set(Person.objects.filter(payment_account__status__in=HELD_ACCOUNT_STATUSES).values_list("id", flat=True))


@dataclass
class PayResult:
    run: PaymentRun
    new_payments: int
    new_cents: int
    suspended: list[Award]
    file: Path
    rewritten: list[Path]  # recorded bank files found absent or damaged, and written again
    rows_read: int = 0  # payments of earlier runs read (``pay_due.bound``)


__all__ = [
    "INDEXED_ITEMS",
    "PayResult",
    "death_notice_record",
    "death_notices_record_many",
    "monthly_amounts",
    "paid_on_replaced",
    "pay_month",
]


def pay_month(
    *, actor: Actor, month: str, today: dt.date | None = None, progress: Callable[[int, int], None] | None = None
) -> PayResult:
    """Pay a closed month (one that has ended). Re-running it pays only what is still due. ``progress`` is
    told (awards looked at, awards in all) before the first batch of awards and after each.

    Set-based: the awards are read in batches of ``AWARDS_A_BATCH`` (by id), each batch with a constant
    number of queries whatever its size or history (the batch's awards, what was paid on them, the
    payments and their ledger postings written in bulk), so memory stays bounded by the batch."""
    today = today or timezone.localdate()
    index = _closed_month(month, today)
    with transaction.atomic(), planner_settings(_run_planner_settings()):
        run, _ = PaymentRun.objects.get_or_create(month=month)
        run = PaymentRun.objects.select_for_update().get(pk=run.pk)  # one run of a month at a time
        if connection.features.has_select_for_update:
            # the awards the run may change, locked first and in one order: an approval replacing some
            # waits for the run, or the run for it, and neither holds what the other waits for
            locking = (
                Award.objects.filter(RUN_AWARDS)
                .order_by("id")
                .select_for_update(no_key=connection.vendor == "postgresql", of=("self",))
                .values_list("id", flat=True)
            )
            for _locked in locking.iterator(chunk_size=10000):
                pass
        suspended = apply_suspensions(month, actor, Award.objects.filter(RUN_AWARDS))
        # the next file's number: after every file recorded, an empty one (a first run that paid nothing) too
        instruction = 1 + max(
            BenefitPayment.objects.filter(run=run).aggregate(last=Max("instruction"))["last"] or 0,
            BankFile.objects.filter(run=run).aggregate(last=Max("instruction"))["last"] or 0,
        )
        awards = Award.objects.filter(RUN_AWARDS, payer=Award.Payer.FUND)
        held = held_persons()
        before = paid_on_replaced()
        told = progress or (lambda _done, _total: None)
        total, done = awards.count(), 0
        new_payments, new_cents, rows_read = 0, 0, 0
        told(0, total)
        # the run's bank file written as it pays, and the persons it names in the order paid (none read back)
        bank, named = BankFileText(), dict[int, None]()
        stream = pay_awards(awards, AWARDS_A_BATCH)  # one query, read as the batches are paid
        while batch := list(islice(stream, AWARDS_A_BATCH)):
            made, cents, read = _pay_batch(batch, run, index, instruction, before, today, held, (bank, named))
            new_payments, new_cents, rows_read = new_payments + made, new_cents + cents, rows_read + read
            done += len(batch)
            told(done, total)
        _claims_paid(actor, month, today)
        totals = BenefitPayment.objects.filter(run=run).aggregate(n=Count("id"), cents=Sum("amount_cents"))
        run.payment_count, run.amount_cents = totals["n"], int(totals["cents"] or 0)
        texts = {}
        if new_payments or not run.file_path:  # this run's own file: only the rows it paid (a first run
            # with none: an empty one), recorded with the payments and written once they are committed
            run.file_path = f"payments/month={month}/bank-instructions-{instruction:03d}.csv"
            texts[instruction] = bank_file_record(run, instruction, run.file_path, (bank, named))[1]
        run.save()
        audit_record(actor=actor, action="benefit.payment_run", instance=run)
        pay_run_tell(actor=actor, run=run, instruction=instruction, new_payments=new_payments, new_cents=new_cents)
        if new_payments:
            from socsec.risk.tasks import risk_screen_after  # risk reads benefits: imported when used

            risk_screen_after(trigger="PAY_RUN", pay_run_id=run.pk)
        fault("pay.before_commit")
    fault("pay.after_commit")
    # this run's file, and any earlier one of the month found absent or damaged, byte for byte as recorded
    path = Path(settings.DATA_DIR) / run.file_path
    rewritten = [p for p in bank_files_write(run, texts) if not (texts and p == path)]
    return PayResult(run, new_payments, new_cents, suspended, path, rewritten, rows_read)


def _run_planner_settings() -> dict[str, str]:
    """The run's planner settings on PostgreSQL, put back as they were when it ends (a caller's own
    transaction keeps its own): its streams are read whole (cursors are planned for their first rows
    otherwise); no parallel workers (each batch's reads are short: workers would cost more); sorts and
    hashes in memory (``SOCSEC_WHOLE_TABLE_WORK_MEM``: at 4MB the read of every award with its claim,
    engagement and person split its hash join into 32,768 batches on disk, 58-83 s of a 10M-person run
    against 35 s); no JIT (its compilation cost more than it saved)."""
    return {
        "cursor_tuple_fraction": "1",
        "max_parallel_workers_per_gather": "0",
        "work_mem": settings.SOCSEC_WHOLE_TABLE_WORK_MEM,
        "jit": "off",
    }


def _closed_month(month: str, today: dt.date) -> int:
    """The month's index, once it has ended (by the application's clock and the database's)."""
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
    return index


def _pay_batch(
    batch: list[PayAward],
    run: PaymentRun,
    index: int,
    instruction: int,
    before: dict[ReplacedKey, dict[str, int]],
    today: dt.date,
    held: set[int],
    bank: tuple[BankFileText, dict[int, None]],
) -> tuple[int, int, int]:
    """Pay one batch of awards (in id order): what was paid on them read in one query (of each award, the
    months its record does not say are paid: ``bound``), what is due computed here, the payments and their
    postings written in bulk, their lines added to the bank file (and their persons to those it names),
    and the awards' records of what the next run need not read written in one statement. Returns the
    payments made, their cents and the rows read of earlier payments."""
    periodic = [a for a in batch if a.periodic and a.status == Award.Status.ACTIVE]
    amounts = dict(
        zip(
            (a.pk for a in periodic),
            monthly_amounts_many(periodic, [last_year_due(a, index) for a in periodic]),
            strict=True,
        )
    )
    replacing = {(claim, item) for claim, item, _beneficiary in before}
    bounds = {a.pk: bound(a, index, amounts.get(a.pk, {}), (a.claim_id, a.item) in replacing) for a in batch}
    rows, read = paid_rows([(pk, "" if at is None else month_name(at)) for pk, at in bounds.items()])
    payments: list[tuple[PayAward, str, str, int, str]] = []  # award, month, kind, cents, note
    records: list[tuple[int, str, dict[str, int] | None]] = []  # award, paid through, paid amounts
    for award in batch:
        # the person's own account is invalid or closed: what would go out waits until it is corrected;
        # a recovery (negative) is booked all the same
        holding = award.person_id in held and award.beneficiary == ""
        earlier = rows.get(award.pk, [])
        paid = {(m, kind) for m, kind, _cents in earlier}  # paid by an earlier run: never twice
        # the beneficiary decrypted only where awards of the claim and item were replaced
        replaced = (award.claim_id, award.item) in replacing
        paid_before = before.get(replaced_key(award), {}) if replaced else {}
        read_from = bounds[award.pk]
        by_year = amounts.get(award.pk, {})
        for due_month, kind, cents, note in due(award, index, paid_before, earlier, by_year, read_from):
            if cents == 0 or (due_month, kind) in paid or (holding and cents > 0):
                continue  # nothing to pay, paid already, or held
            paid.add((due_month, kind))
            payments.append((award, due_month, kind, cents, note))
        if award.pk in amounts and not (award.suspended_from or replaced or holding):
            record = _record(award, index, read_from, paid, by_year)
            if record is not None:
                records.append(record)
    group = COPIES_A_BATCH if connection.vendor == "postgresql" else WRITES_A_BATCH
    for at in range(0, len(payments), group):
        part = payments[at : at + group]
        ids = copy_rows(
            BenefitPayment,
            ["run_id", "award_id", "month", "kind", "amount_cents", "note", "instruction"],
            [(run.pk, award.pk, m, kind, cents, note, instruction) for award, m, kind, cents, note in part],
        )
        ledger_post_many_keys([_posting(*payment, pk, today) for payment, pk in zip(part, ids, strict=True)])
        _bank_lines(bank, part, ids)
    paid_through_record(records)
    return len(payments), sum(cents for _award, _m, _kind, cents, _note in payments), read


def _record(
    award: PayAward, index: int, read_from: int | None, paid: set[tuple[str, str]], by_year: Amounts
) -> tuple[int, str, dict[str, int] | None] | None:
    """What the award's record says after this run (``checked_through``), where it changed: a periodic award
    in force with no stop, replacing none and not held, whose months were all looked at through it."""
    start = month_index(award.start_month)
    through = checked_through(award, start if read_from is None else read_from, paid)
    if not start <= through <= min(index, month_index(award.end_month) if award.end_month else index):
        return None  # nothing paid from the start yet, or paid for months after those this run looked at
    amounts = (
        {str(year): by_year[year][0] for year in range(month_year(start), month_year(through) + 1)}
        if award.item in INDEXED_ITEMS
        else None
    )
    if (award.paid_through, award.paid_amounts) == (month_name(through), amounts):
        return None
    return award.pk, month_name(through), amounts


def _bank_lines(
    bank: tuple[BankFileText, dict[int, None]], part: list[tuple[PayAward, str, str, int, str]], ids: list[int]
) -> None:
    """The bank file's lines of payments just written (by id, as ``bank_file`` reads them back)."""
    text, named = bank
    decrypted: dict[int, tuple[str, str]] = {}  # by award: its months paid in one run decrypted once
    for (award, m, kind, cents, _note), pk in zip(part, ids, strict=True):
        resident_id, name = decrypted.get(award.pk) or decrypted.setdefault(award.pk, award.resident_id_and_name())
        text.add(pk, award.person_id, resident_id, name, award.beneficiary, award.claim_id, award.item, m, kind, cents)
        named[award.person_id] = None


def _claims_paid(actor: Actor, month: str, today: dt.date) -> None:
    """Move every awarded claim that has a payment now to paid, in batches: each batch's claims locked,
    moved in one update, with their events and audit entries written in bulk. A claim moved meanwhile
    (an appeal) stays as it is, still paid."""
    waiting = Claim.objects.filter(
        status=Claim.Status.AWARDED, pk__in=BenefitPayment.objects.values("award__claim_id")
    ).order_by("id")
    last_id = 0
    group = CLAIMS_A_BATCH if connection.vendor == "postgresql" else WRITES_A_BATCH
    while True:
        # not the claim's facts and assessment: encrypted, and withheld from the audit entry anyway
        claims = list(_locked(waiting.filter(id__gt=last_id).defer("facts", "assessment"))[:group])
        if not claims:
            return
        last_id = claims[-1].pk
        befores = [snapshot(claim) for claim in claims]
        # the claims locked, no others: one awarded meanwhile is moved by the next run, with its event
        Claim.objects.filter(pk__any=[claim.pk for claim in claims], status=Claim.Status.AWARDED).update(
            status=Claim.Status.PAID, version=F("version") + 1
        )
        for claim in claims:
            claim.status, claim.version = Claim.Status.PAID, claim.version + 1
        now = timezone.now()
        copy_rows(
            ClaimEvent,
            ["claim_id", "at", "on", "actor", "from_status", "to_status", "note"],
            [
                (claim.pk, now, today, actor.label, Claim.Status.AWARDED, Claim.Status.PAID, f"paid in {month}")
                for claim in claims
            ],
            returning=False,
        )
        audit_record_many(actor=actor, action="benefit.claim.paid", instances=claims, befores=befores)
        claims_paid_tell(claims, month)


def _locked(rows: QuerySet[Claim]) -> QuerySet[Claim]:
    return rows.select_for_update(of=("self",)) if connection.features.has_select_for_update else rows


def _posting(award: PayAward, month: str, kind: str, cents: int, note: str, pk: int, today: dt.date) -> Posting:
    """A payment's transaction: from the fund that pays the award to what is payable to the person."""
    paid_from = fund(ITEM_FUND.get(award.item, FUND_OF[award.kind]), award.province)
    payable = benefits_payable(award.person_id)
    key = source_key(SourceKind.BENEFIT_PAYMENT, pk)
    return Posting(
        entries=[(paid_from, cents), (payable, -cents)],
        description=f"{award.item} {month} ({kind.lower()}) claim {award.claim_id}",
        kind=LineKind.BENEFIT_PAYMENT,
        params={"item": award.item, "month": month, "payment_kind": kind, "claim": award.claim_id},
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
            from socsec.risk.tasks import risk_screen_after  # risk reads benefits: imported when used

            risk_screen_after(trigger="DEATH", persons=[person_id])
        elif notice.died_on != died_on:
            raise ValidationFailed(
                "died_on: a death on %(died_on)s is already recorded for this person",
                field="died_on",
                params={"died_on": notice.died_on.isoformat()},
            )
    return notice


def death_notices_record_many(
    *, actor: Actor, deaths: list[tuple[int, dt.date, str]], today: dt.date | None = None
) -> list[DeathNotice]:
    """Deaths of persons none of whom has one recorded (the caller checked, as a feed's rows are): the
    notices inserted in bulk and audited in bulk, a constant number of statements a few thousand deaths.
    ``deaths``: (person id, died on, source). A notice recorded meanwhile for one of them refuses the lot
    (the unique person), which the caller's transaction rolls back."""
    today = today or timezone.localdate()
    future = [died_on for _person, died_on, _source in deaths if died_on > today]
    if future:
        raise ValidationFailed(
            "died_on: %(died_on)s is in the future", field="died_on", params={"died_on": future[0].isoformat()}
        )
    notices = [
        DeathNotice(person_id=person_id, died_on=died_on, source=source[:120], received_on=today)
        for person_id, died_on, source in deaths
    ]
    with transaction.atomic(savepoint=False):
        ids = copy_rows(
            DeathNotice,
            ["person_id", "died_on", "source", "received_on"],
            [(n.person_id, n.died_on, n.source, n.received_on) for n in notices],
        )
        for notice, pk in zip(notices, ids, strict=True):
            notice.pk = pk
        audit_record_many(actor=actor, action="registry.death_notice", instances=notices)
    return notices
