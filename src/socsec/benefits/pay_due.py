"""What a payment run owes on each award, from rows read in bulk: the months due since the award started
(those earlier runs missed too), a pension's yearly increases (computed for a whole batch of awards at
once, one rule call per year), the rest of an increase for months paid before it was published, what
a stop recovers and what a lifted stop gives back. No query here runs per award: the caller reads an
award batch's payments in one query (``PaidRow``) and hands them in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from socsec.core.months import month_index, month_name, month_year

from .models import Award, BenefitPayment, Claim
from .pay_read import PayAward
from .stops import ReplacedKey, replaced_key

INDEXED_ITEMS = ("pension_monthly",)
INDEX_RULE = "pension_indexed_monthly"
PaidRow = tuple[str, str, int]  # an earlier payment on the award: month, kind, cents (in the order made)
Due = tuple[str, str, int, str]  # month, kind, cents, note
Amounts = dict[int, tuple[int, str]]  # by year: the monthly amount and its note
NOTHING = month_index("9999-12")  # ``bound`` of an award from which no payment is read
K = BenefitPayment.Kind


def paid_on_replaced(claim: Claim | None = None) -> dict[ReplacedKey, dict[str, int]]:
    """What was paid, net, for each month on awards replaced after a review (of one claim, or all), by
    the claim, item and beneficiary they share with the awards that replaced them. One query: the sums
    by award and month, with each award's claim, item and beneficiary."""
    from django.db.models import Sum

    rows = BenefitPayment.objects.filter(award__status=Award.Status.SUPERSEDED)
    if claim is not None:
        rows = rows.filter(award__claim=claim)
    # summed by award in SQL, then by beneficiary here: the beneficiary is encrypted at rest, so the
    # database cannot group by it (each row's ciphertext differs)
    totals = (
        rows.values("award_id", "month")
        .annotate(cents=Sum("amount_cents"))
        .values_list("award_id", "month", "cents", "award__claim_id", "award__item", "award__beneficiary")
        .order_by("award_id", "month")
    )
    out: dict[ReplacedKey, dict[str, int]] = {}
    for _award, month, cents, claim_id, item, beneficiary in totals.iterator(chunk_size=5000):
        months = out.setdefault((claim_id, item, beneficiary or ""), {})
        months[month] = months.get(month, 0) + int(cents)
    return out


def monthly_amounts(award: Award | PayAward, last_year: int) -> Amounts:
    """A pension's amount in each year up to ``last_year``: raised by each year's published increase from
    the year after it started (``pension_indexed_monthly``); once a year's rate is not published yet, the
    amount stays as it is until it is. Other awards are paid as awarded."""
    return monthly_amounts_many([award], [last_year])[0]


def monthly_amounts_many(awards: Sequence[Award | PayAward], last_years: Sequence[int]) -> list[Amounts]:
    """``monthly_amounts`` of many awards at once (each to its own last year): the pensions' increases
    are computed for all of them together, one rule call per year."""
    out: list[Amounts] = [{} for _ in awards]
    indexed = []
    for i, (award, last) in enumerate(zip(awards, last_years, strict=True)):
        first = int(award.start_month[:4])
        if award.item in INDEXED_ITEMS:
            indexed.append(i)
        else:
            out[i] = {y: (award.amount_cents, "monthly") for y in range(first, last + 1)}
    if not indexed:
        return out
    from socsec.rules.engine import RuleViolation, compute

    firsts = np.array([int(awards[i].start_month[:4]) for i in indexed], dtype=np.int64)
    lasts = np.array([last_years[i] for i in indexed], dtype=np.int64)
    cents = np.array([awards[i].amount_cents for i in indexed], dtype=np.int64)
    going = np.ones(len(indexed), dtype=bool)  # still raised each year: no unpublished year met yet
    raised: list[list[str]] = [[] for _ in indexed]
    for j, i in enumerate(indexed):
        out[i][int(firsts[j])] = (int(cents[j]), "monthly")
    for y in range(int(firsts.min()) + 1, int(lasts.max()) + 1):
        trying = (firsts < y) & (y <= lasts) & going
        if trying.any():
            try:
                new = np.asarray(compute(INDEX_RULE, dt.date(y, 1, 1), monthly_pension=cents[trying]), dtype=np.int64)
            except RuleViolation:
                going &= ~(firsts < y)  # not published yet for this year, nor then for later ones
            else:
                cents[trying] = np.where(new == 0, cents[trying], new)
                for k in np.flatnonzero(trying):
                    raised[int(k)].append(str(y))
        for k in np.flatnonzero((firsts < y) & (y <= lasts)):
            done = raised[int(k)]
            note = ("monthly, raised " + ", ".join(done)) if done else "monthly"
            out[indexed[int(k)]][y] = (int(cents[k]), note)
    return out


def bound(award: PayAward, index: int, amounts: Amounts, replacing: bool) -> int | None:
    """The first month whose payments the run of month ``index`` reads of this award, beside every row that
    is not a PAYMENT (a recovery, restoration or increase paid late: few); None: every payment. A replaced
    award pays nothing more: only a stop recovers on it, from the stop's month on (``NOTHING``: no month,
    where it has none). An award in force is bounded where its record says what need not be read again: a
    periodic award replacing none (what the replaced paid changes with their recoveries), with
    ``paid_through`` (and a pension with ``paid_amounts``): every month through it has a payment, so only
    the months after it can be due; a pension's months owe no late increase at the amounts recorded, so
    where this run's amounts differ, from the January of the first year that changed (``checked_through``
    keeps this true). With a stop, from its month at the latest: every month paid from it on is recovered
    (a death stays in the runs: its award is read from the death, not from its start)."""
    stop = month_index(award.suspended_from) if award.suspended_from else None
    if award.status != Award.Status.ACTIVE:
        return NOTHING if stop is None else stop
    if (
        not award.periodic
        or replacing
        or not award.paid_through
        or (award.item in INDEXED_ITEMS and award.paid_amounts is None)
    ):
        return None
    start, through = month_index(award.start_month), month_index(award.paid_through)
    first = through + 1
    if award.item in INDEXED_ITEMS:
        recorded = award.paid_amounts or {}
        for year in range(month_year(start), min(month_year(through), last_year_due(award, index)) + 1):
            if recorded.get(str(year)) != amounts[year][0]:
                first = max(start, year * 12)
                break
    return first if stop is None else min(first, stop)


def checked_through(award: PayAward, first: int, paid: set[tuple[str, str]]) -> int:
    """The last month, from ``first`` on, through which every month has a PAYMENT in ``paid`` (``first`` - 1
    where ``first`` has none). What a run records as ``paid_through``, with its amounts as ``paid_amounts``,
    for an award it read from ``first`` (or from its start) and does not hold: each month through it was
    then paid, or topped up to this run's amount, or was owed nothing more (``bound``)."""
    i = max(first, month_index(award.start_month))
    while (month_name(i), K.PAYMENT) in paid:
        i += 1
    return i - 1


def due(
    award: Award | PayAward,
    index: int,
    paid_before: dict[str, int],
    rows: Sequence[PaidRow],
    amounts: Amounts,
    read_from: int | None = None,
) -> list[Due]:
    """(month, kind, cents, note) to pay or recover on this award in the run of month ``index``.
    ``paid_before`` is what the awards it replaced paid for each month (after a review): only the rest is
    due, and nothing is recovered where they paid more. A replaced award pays nothing more; only a stop
    recovers on it. ``rows``: what was paid on it before (recoveries among them: a month no stop covers
    any more, an officer having lifted it, gets its recovery back). ``amounts``: ``monthly_amounts`` of a
    periodic award in force, up to the year of the last month due. ``read_from`` (``bound``, an award
    without a stop): ``rows`` hold the payments of the months from it on and every row that is not a
    PAYMENT; the months before it are paid and owe nothing, and are not looked at."""
    out: list[Due] = []
    stop = month_index(award.suspended_from) if award.suspended_from else None
    first = month_index(award.start_month) if read_from is None else max(read_from, month_index(award.start_month))
    active = award.status == Award.Status.ACTIVE
    # a replaced award gives nothing back: the award that replaced it pays each month in full less what
    # was paid net, and a recovered month netted nothing
    if active:
        recovered = sorted((m, cents) for m, kind, cents in rows if kind == K.RECOVERY)
        for m, cents in recovered:
            if stop is None or month_index(m) < stop:
                out.append((m, K.RESTORATION, -cents, "recovery given back: the suspension was lifted"))
    if active and not award.periodic:
        if month_index(award.start_month) <= index and (stop is None or month_index(award.start_month) < stop):
            earlier = sum(paid_before.values())
            note = f"lump sum, less {earlier} paid before the review" if earlier else "lump sum"
            out.append((award.start_month, K.PAYMENT, max(0, award.amount_cents - earlier), note))
    elif active:
        last = min(index, month_index(award.end_month) if award.end_month else index)
        for i in range(first, last + 1 if stop is None else min(last + 1, stop)):
            cents, note = amounts[month_year(i)]  # months missed by earlier runs too
            earlier = paid_before.get(month_name(i), 0) if paid_before else 0
            if earlier:
                cents, note = max(0, cents - earlier), f"{note}, less {earlier} paid before the review"
            out.append((month_name(i), K.PAYMENT, cents, note))
        if award.item in INDEXED_ITEMS:  # months paid before their year's increase was published: the rest
            paid: dict[str, int] = {}
            since = "" if read_from is None else month_name(first)  # every row of these months is in ``rows``
            for m, kind, cents in rows:
                if kind != K.RECOVERY and m >= since:
                    paid[m] = paid.get(m, 0) + cents
            for m, cents in paid.items():
                i = month_index(m)
                now, note = amounts.get(month_year(i), (0, ""))
                total = cents + paid_before.get(m, 0)
                if i <= last and (stop is None or i < stop) and now > total:
                    out.append((m, K.INDEXATION, now - total, f"{note}, paid late"[:200]))
    if stop is not None:  # paid for months after the stop, of every kind: recover each month once
        net: dict[str, int] = {}
        first_stopped = month_name(stop)
        for m, _kind, cents in rows:
            if m >= first_stopped:
                net[m] = net.get(m, 0) + cents
        for m, cents in sorted(net.items()):
            if cents > 0:
                out.append((m, K.RECOVERY, -cents, award.suspended_reason[:200]))
    return out


def last_year_due(award: Award | PayAward, index: int) -> int:
    """The year of the last month a periodic award is due in the run of month ``index``."""
    return month_year(min(index, month_index(award.end_month) if award.end_month else index))


__all__ = [
    "INDEXED_ITEMS",
    "Due",
    "PaidRow",
    "bound",
    "checked_through",
    "due",
    "monthly_amounts",
    "paid_on_replaced",
    "replaced_key",
]
