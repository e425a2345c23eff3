"""The employee medical insurance relation after a transfer in (Yi Bao Ban Fa [2021] No. 43, in force
2022-01-01): the months moved in count with the months paid here (the years are recognised across regions,
a month counted once: ``records.record_months``), and whether benefits here wait.

``medical_continuation(incoming, on=...)`` reads, for a transfer received with medical months: the months
moved and the last of them, the months of employee medical insurance now on record, the first month paid
here after the move (the person's own contribution or an employer's month, not one brought in), the break
between the two, and by the rule ``medical_transfer_waiting_months`` the waiting period and the month
benefits start. Before the first payment here it says by which month to pay to have no waiting period, or,
once the break is longer than the rule allows, that a waiting period will apply."""

from __future__ import annotations

import datetime as dt
from typing import Any

from socsec.core.months import month_first_day, month_index, month_name
from socsec.rules.engine import calc
from socsec.rules.parameters import load_parameters
from socsec.rules.registry import RuleViolation

from .models import IncomingTransfer, TransferredPeriod
from .records import record_months

SCHEME = "MEDICAL"
RULE = "medical_transfer_waiting_months"
GAP_PARAMETER = "transfers.medical_gap_months"


def medical_continuation(incoming: IncomingTransfer, *, on: dt.date) -> dict[str, Any] | None:
    """See the module's note; None when the transfer moved no medical months."""
    spans = [(p.first_month, p.last_month) for p in incoming.periods.all() if p.scheme == SCHEME]
    if not spans:
        return None
    person = incoming.person
    last = max(hi for _lo, hi in spans)
    brought: set[int] = set()
    for lo, hi in TransferredPeriod.objects.filter(person=person, scheme=SCHEME).values_list(
        "first_month", "last_month"
    ):
        brought.update(range(lo, hi + 1))
    record = record_months(person, SCHEME, until=on, home_region=incoming.to_region.code)
    paid_here = sorted(i for i in record if i > last and i not in brought)
    first_here = paid_here[0] if paid_here else None
    now = month_index(on)
    gap = max((first_here if first_here is not None else now) - last - 1, 0)
    day = month_first_day(first_here) if first_here is not None else on
    out: dict[str, Any] = {
        "moved_months": sum(hi - lo + 1 for lo, hi in spans),
        "last_moved": month_name(last),
        "months_on_record": len(record),
        "months_brought_in": len(brought & set(record)),
        "first_paid_here": month_name(first_here) if first_here is not None else "",
        "gap_months": gap,
    }
    try:
        rule = calc(RULE, day, region=incoming.to_region.code, gap_months=gap).as_dict()
        allowed = int(load_parameters().leaf(GAP_PARAMETER).resolve(day).value or 0)
    except (RuleViolation, LookupError) as exc:  # before the measures, or no figure for the province
        return {**out, "rule": None, "no_rule": str(exc)}
    waiting = int(rule["value"])
    out |= {"rule": rule, "waiting_months": waiting, "allowed_gap": allowed}
    if first_here is not None:
        out["benefits_from"] = month_name(first_here + waiting)
    elif gap <= allowed:
        out["pay_by"] = month_name(last + allowed + 1)  # the last first month that keeps the break short
    return out
