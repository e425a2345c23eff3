"""The employee medical insurance relation after a transfer in (Yi Bao Ban Fa [2021] No. 43, in force
2022-01-01): the months moved in count with the months paid here (the years are recognised across regions,
a month counted once: ``records.record_months``), and whether benefits here wait.

``medical_continuation(person, on=...)`` reads, for the person's latest transfer in with medical months
(an earlier one was followed by a move on: its place is no longer "here"): the months moved and the last of
them, the months of employee medical insurance now on record, the first month paid here after the move, the
break between the two, and by the rule ``medical_transfer_waiting_months`` the waiting period and the month
benefits start. Before the first payment here it says by which month to pay to have no waiting period, or,
once the break is longer than the rule allows, that a waiting period will apply.

"Paid here" is a month after the last one moved in that was paid in the receiving province: the person's
own contributions recorded there, or paid on or after the day the transfer was received (an own
contribution is recorded at the registered residence, which a move does not change), and the months an
employer registered there paid in full; a month paid in advance counts, whatever its month. Months paid in
advance at the old place before the move (beyond the months the document carried) are not.

A fixed number of queries whatever the number of transfers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from socsec.core.months import month_first_day, month_index, month_name
from socsec.registry.models import Person
from socsec.rules.engine import calc
from socsec.rules.registry import RuleViolation

from .models import IncomingTransfer, TransferredPeriod
from .records import record_months

SCHEME = "MEDICAL"
RULE = "medical_transfer_waiting_months"
GAP_PARAMETER = "transfers.medical_gap_months"
MEASURES_FROM = dt.date(2022, 1, 1)  # the day Yi Bao Ban Fa [2021] No. 43 came into force


def latest_medical_transfer(person: Person) -> IncomingTransfer | None:
    """The person's latest transfer in that moved medical months (not one that opened a temporary account)."""
    moved = TransferredPeriod.objects.filter(person=person, scheme=SCHEME).values("transfer")
    return (
        IncomingTransfer.objects.filter(pk__in=moved, temporary_account__isnull=True)
        .select_related("to_region")
        .order_by("-received_at", "-id")
        .first()
    )


def _first_paid_here(person: Person, incoming: IncomingTransfer, after: int) -> int | None:
    """The first month after ``after`` (an index) paid here since the transfer was received."""
    from socsec.contributions.models import OwnContribution
    from socsec.taxexchange.models import CollectionResult

    province = incoming.to_region.code[:2]
    here = Q(region__code__startswith=province) | Q(paid_on__gte=incoming.received_at.date())
    firsts: list[int] = []
    own = OwnContribution.objects.filter(here, person=person, scheme=SCHEME)
    for start, count in own.values_list("period_start", "months"):
        first = month_index(start)
        if first + count - 1 > after:
            firsts.append(max(first, after + 1))
    employer = CollectionResult.objects.filter(
        person=person,
        scheme=SCHEME,
        status=CollectionResult.Status.PAID,
        month__gt=month_name(after),
        employer__registered_region__code__startswith=province,
    ).order_by("month")
    month = employer.values_list("month", flat=True).first()
    if month:
        firsts.append(month_index(month))
    return min(firsts) if firsts else None


def medical_continuation(person: Person, *, on: dt.date) -> dict[str, Any] | None:
    """See the module's note; None when no transfer in moved medical months."""
    incoming = latest_medical_transfer(person)
    if incoming is None:
        return None
    periods = list(
        TransferredPeriod.objects.filter(person=person, scheme=SCHEME).values_list(
            "transfer_id", "first_month", "last_month"
        )
    )
    spans = [(lo, hi) for transfer, lo, hi in periods if transfer == incoming.pk]
    brought = {i for _transfer, lo, hi in periods for i in range(lo, hi + 1)}  # by every transfer in
    last = max(hi for _lo, hi in spans)
    record = record_months(person, SCHEME, until=on, home_region=incoming.to_region.code)
    first_here = _first_paid_here(person, incoming, last)
    gap = max((first_here if first_here is not None else month_index(on)) - last - 1, 0)
    day = month_first_day(first_here) if first_here is not None else on
    out: dict[str, Any] = {
        "transfer": incoming.document_id,
        "moved_months": sum(hi - lo + 1 for lo, hi in spans),
        "last_moved": month_name(last),
        "months_on_record": len(record),
        "months_brought_in": len(brought & set(record)),
        "first_paid_here": month_name(first_here) if first_here is not None else "",
        "gap_months": gap,
    }
    if day < MEASURES_FROM:
        return {**out, "rule": None, "no_rule": "before"}
    try:
        rule = calc(RULE, day, region=incoming.to_region.code, gap_months=gap).as_dict()
    except RuleViolation:  # no waiting period set for the province (or one over the cap)
        return {**out, "rule": None, "no_rule": "no_figure"}
    allowed = next(int(p["value"]) for p in rule["parameters"] if p["path"] == GAP_PARAMETER)
    waiting = int(rule["value"])
    out |= {"rule": rule, "waiting_months": waiting, "allowed_gap": allowed}
    if first_here is not None:
        out["benefits_from"] = month_name(first_here + waiting)
    elif gap <= allowed:
        out["pay_by"] = month_name(last + allowed + 1)  # the last first month that keeps the break short
    return out
