"""Approved awards put in force, and what a new decision changes of awards already paid (after an
appeal and review, or any re-assessment of an awarded claim).

An assessment proposes awards; approval puts them in force. Awards in force before that are replaced:
one never paid simply goes; one paid stays on record as replaced, a monthly one ending with its last paid
month, and its payments stay as they are. Each new award is then set against the award it replaces (the
same item for the same beneficiary):

- a lump sum: only the difference from what was paid is due (an award lower than what was paid recovers
  nothing: payments received in good faith are kept; the claim's history says so);
- a monthly amount: it is paid from the month after the last one paid; for the months already paid, the
  difference between the new amount (with the pension increases of each year) and what was paid is due
  at once, as arrears (again nothing is recovered when it is lower).

A suspension of the replaced award (a death, orders taken while unemployed) carries over to the new one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Sum

from socsec.core.db import lock

from .models import Award, BenefitPayment, Claim
from .payments import _by_year, _index, _name

A = Award.Status


def put_in_force(claim: Claim) -> list[str]:
    """Put the claim's proposed awards in force, replacing those in force before; returns what the
    claim's history should say of the replaced ones (empty when none was paid)."""
    # the awards in force, locked first: a payment run pays none of them meanwhile, nor after with
    # what it read before (it locks each award before paying it)
    in_force = list(lock(claim.awards.filter(status=A.ACTIVE)).order_by("id"))
    paid: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        BenefitPayment.objects.filter(award__claim=claim, award__status=A.ACTIVE)
        .values("award_id", "month")
        .annotate(cents=Sum("amount_cents"))
    )
    for row in rows:
        paid[row["award_id"]][row["month"]] = int(row["cents"])
    replaced: dict[tuple[str, str], list[Award]] = defaultdict(list)
    for old in in_force:
        if not paid.get(old.pk):
            old.delete()  # never paid: it simply goes
            continue
        old.status = A.SUPERSEDED
        if old.periodic:
            last = max(paid[old.pk])
            if not old.end_month or _index(last) < _index(old.end_month):
                old.end_month = last
        old.save(update_fields=["status", "end_month"])
        replaced[(old.item, old.beneficiary)].append(old)
    notes = []
    for new in claim.awards.filter(status=A.PROPOSED).order_by("id"):
        before = replaced.get((new.item, new.beneficiary), [])
        note = _set_against(new, before, paid) if before else None
        if note:
            notes.append(note)
        if new.pk is not None:
            new.status = A.ACTIVE
            new.save()
    return notes


def _set_against(new: Award, before: list[Award], paid: dict[int, dict[str, int]]) -> str | None:
    """Make ``new`` pay only what ``before`` did not (deleting it when nothing is left), adding an
    arrears award for months paid at a lower amount; returns a note when less is due than was paid."""
    months: dict[str, int] = defaultdict(int)
    for old in before:
        for month, cents in paid[old.pk].items():
            months[month] += cents
    paid_total = sum(months.values())
    if not new.periodic:
        due = new.amount_cents - paid_total
        if due <= 0:
            new.delete()
            return _kept(new.item, paid_total, new.amount_cents)
        new.explanation = _review_step(new.explanation, awarded=new.amount_cents, paid=paid_total, due=due)
        new.amount_cents = due
        return None
    stop = next((old.suspended_from for old in before if old.suspended_from), "")
    if stop:
        new.suspended_from = new.suspended_from or stop
        new.suspended_reason = new.suspended_reason or next(o.suspended_reason for o in before if o.suspended_from)
        # what was paid from the stop on is recovered on the replaced award by the next payment run
        months = defaultdict(int, {m: c for m, c in months.items() if _index(m) < _index(stop)})
    if not months:
        return None  # nothing kept of what was paid: the new award pays from its start
    last = max(_index(m) for m in months)
    first = _index(new.start_month)
    end = min(last, _index(new.end_month)) if new.end_month else last
    amounts = _by_year(new, end // 12) if first <= end else {}
    owed = {
        _name(i): amounts[i // 12][0] for i in range(first, end + 1) if not stop or i < _index(stop)
    }  # what the new amount gives for the months already paid
    arrears = sum(owed.values()) - sum(cents for month, cents in months.items() if _index(month) >= first)
    if arrears > 0:
        Award.objects.create(
            claim=new.claim,
            item=new.item,
            label=new.label,
            payer=new.payer,
            periodic=False,
            amount_cents=arrears,
            start_month=_name(last + 1),
            beneficiary=new.beneficiary,
            explanation=_arrears(new, owed, months, first, arrears),
            status=A.ACTIVE,
        )
    if new.end_month and _index(new.end_month) <= last:
        new.delete()  # every month it covers is paid: the arrears settle it
    else:
        new.start_month = _name(max(first, last + 1))
    if arrears < 0:
        return (
            f"{new.item}: the months paid before the review were paid {-arrears / 100:,.2f} yuan more than is "
            "now due for them; nothing is recovered (paid in good faith)"
        )
    return None


def _kept(item: str, paid: int, awarded: int) -> str:
    return (
        f"{item}: {paid / 100:,.2f} yuan paid before the review is more than the {awarded / 100:,.2f} yuan now "
        "due for the same; nothing more is paid and nothing is recovered (paid in good faith)"
    )


def _review_step(explanation: dict[str, Any], *, awarded: int, paid: int, due: int) -> dict[str, Any]:
    """The award's explanation, with the difference from what was paid before the review on top."""
    return {
        "formula": "review_difference",
        "label": "what is due after the review: the amount now awarded less what was paid before it",
        "reference": explanation.get("reference", ""),
        "unit": "cents",
        "value": due,
        "meaning": "",
        "rounding": None,
        "inputs": {"awarded_cents": awarded, "paid_before_cents": paid},
        "parameters": [],
        "steps": [explanation],
    }


def _arrears(new: Award, owed: dict[str, int], paid: dict[str, int], first: int, arrears: int) -> dict[str, Any]:
    """The arrears' explanation: per month paid, the new amount and what was paid, over the award's own."""
    return {
        "formula": "review_arrears",
        "label": "arrears after the review: for each month already paid, the amount now awarded less what was paid",
        "reference": new.explanation.get("reference", ""),
        "unit": "cents",
        "value": arrears,
        "meaning": "",
        "rounding": None,
        "inputs": {
            month: f"{owed.get(month, 0)} - {paid.get(month, 0)}"
            for month in sorted(set(owed) | {m for m in paid if _index(m) >= first})
        },
        "parameters": [],
        "steps": [new.explanation],
    }
