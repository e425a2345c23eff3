"""Appeal and review: the claimant's appeal, which puts the claim under review; approved awards put in
force, and what a new decision changes of awards already paid (after an appeal and review, or any
re-assessment of an awarded claim).

An assessment proposes awards; approval puts them in force. Awards in force before that are replaced:
one the fund never paid simply goes; one it paid stays on record as replaced, a monthly one ending with
its last paid month, and its payments stay as they are (one a platform or employer pays stays too). A
new award pays, for each month (or once, for a lump sum), what its amount comes to less what the awards
it replaces paid for that month: the awards of the same claim, item and beneficiary, over every review
so far. The payment runs work that out (``payments._due``), so that a late pension increase, a death
notice or a second review later all see the same months. Where the replaced awards paid more than is
now due, nothing is recovered: payments received in good faith are kept, and the claim's history says
so. A suspension of a replaced award (a death, orders taken while unemployed) carries over to the award
that replaces it.

A review that rejects the claim ends its awards in force the same way, with nothing to replace them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from socsec.audit.services import Actor
from socsec.core.db import lock
from socsec.core.errors import ValidationFailed
from socsec.core.money import format_yuan
from socsec.core.months import month_index, month_name, month_year

from .claims import move
from .models import Award, BenefitPayment, Claim
from .payments import monthly_amounts, paid_on_replaced
from .stops import replaced_key

A = Award.Status


def claim_appeal(
    *, actor: Actor, claim: Claim, expected_version: int, reason: str, today: dt.date | None = None
) -> Claim:
    """The claimant asks for a review of a rejection or of an award."""
    if not reason.strip():
        raise ValidationFailed("reason: is required - say what you disagree with", field="reason")
    return move(
        claim,
        actor=actor,
        expected_version=expected_version,
        to=Claim.Status.UNDER_REVIEW,
        note=reason,
        today=today or timezone.localdate(),
    )


def end_in_force(claim: Claim) -> list[Award]:
    """Replace the claim's awards in force: those the fund never paid go (unless a stop's suspension or a
    work report refers to them); those it paid stay as replaced, a monthly one ending with its last paid
    month, and so do those a platform or employer pays (SocSec does not see their payments). Returns the
    replaced ones. The awards are locked first, so a payment run pays none of them meanwhile (it locks
    them too)."""
    in_force = list(lock(claim.awards.filter(status=A.ACTIVE)).order_by("id"))
    paid_months: dict[int, list[str]] = defaultdict(list)
    for award_id, month in BenefitPayment.objects.filter(award__in=in_force).values_list("award_id", "month"):
        paid_months[award_id].append(month)
    replaced = []
    for old in in_force:
        months = paid_months.get(old.pk)
        if not months and old.payer == Award.Payer.FUND and not _referred(old):
            old.delete()  # never paid: it simply goes
            continue
        old.status = A.SUPERSEDED  # paid, or paid by a platform or employer (outside SocSec): on record
        if old.periodic and months:
            last = max(months, key=month_index)
            if not old.end_month or month_index(last) < month_index(old.end_month):
                old.end_month = last
        old.save(update_fields=["status", "end_month"])
        replaced.append(old)
    return replaced


def _referred(award: Award) -> bool:
    """Whether a record refers to the award (a stop's suspension, a work report): then it stays, replaced."""
    return award.suspensions.exists() or award.work_reports.exists()


def put_in_force(claim: Claim) -> list[str]:
    """Put the claim's proposed awards in force, replacing those in force before; returns what the
    claim's history should say where less is now due than was paid."""
    # the stops of every award the new ones replace, now or in an earlier review, paid or not
    stops: dict[tuple[int, str, str], tuple[str, str]] = {}
    for old in claim.awards.exclude(status=A.PROPOSED).exclude(suspended_from="").order_by("id"):
        key = replaced_key(old)
        if key not in stops or month_index(old.suspended_from) < month_index(stops[key][0]):
            stops[key] = (old.suspended_from, old.suspended_reason)
    end_in_force(claim)
    before = paid_on_replaced(claim)
    notes = []
    for new in claim.awards.filter(status=A.PROPOSED).order_by("id"):
        stopped = stops.get(replaced_key(new))
        if stopped is not None and not new.suspended_from:  # a death, say, stops the new award too
            new.suspended_from, new.suspended_reason = stopped
        new.status = A.ACTIVE
        new.save()
        note = _kept(new, before.get(replaced_key(new), {}))
        if note:
            notes.append(note)
    return notes


def _kept(new: Award, paid: dict[str, int]) -> str:
    """What the history says when the replaced awards paid more than the new one gives for the same
    (a lump sum, or the months both cover): it is kept."""
    if not paid:
        return ""
    if new.periodic:
        first = month_index(new.start_month)
        end = max((month_index(m) for m in paid), default=first)
        if new.end_month:
            end = min(end, month_index(new.end_month))
        amounts = monthly_amounts(new, month_year(end)) if first <= end else {}
        over = sum(max(0, paid.get(month_name(i), 0) - amounts[month_year(i)][0]) for i in range(first, end + 1))
    else:
        over = sum(paid.values()) - new.amount_cents
    if over <= 0:
        return ""
    return (
        f"{new.item}: {format_yuan(over)} yuan was paid before the review beyond what is now due; nothing is "
        "recovered (paid in good faith)"
    )
