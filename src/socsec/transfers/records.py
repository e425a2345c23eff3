"""Reads of a person's record for a transfer, and of the months transfers brought in.

* ``record_months``: the months on record of one scheme, month by month with the region and the monthly
  base: the person's own contributions (their base from the stored explanation), the employers' months on
  record (``taxexchange.selectors.employer_months_on_record_many``; the base declared on the handover line
  of a month the tax authority collected in full, else 0), and months brought in by earlier transfers. A month
  counts once: an own contribution's base wins over an employer's, which wins over a month brought in.
* ``transferred_months`` / ``transferred_spans_sql``: the months transfers brought in, for the readers of
  months on record (the pension claim, unemployment durations, the insured records), so that benefits
  after a transfer use the aggregated record.
* ``employee_account_balance``: the employee-pension money in the individual account (the residents'
  pension money in the same ledger account stays out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum

from socsec.core.months import month_index, month_name
from socsec.registry.models import Person

from .models import TransferredPeriod

# the schemes of a transfer document, and what each is called in the contribution tables
OWN_SCHEME = {"PENSION": "EMPLOYEE_PENSION", "MEDICAL": "MEDICAL", "UNEMPLOYMENT": ""}
BASE_FORMULA = "contribution_base"


@dataclass(frozen=True)
class Month:
    region: str
    base_cents: int


def record_months(person: Person, scheme: str, *, until: dt.date, home_region: str) -> dict[int, Month]:
    """The months of ``scheme`` on record up to ``until`` by month index (see the module's note).
    ``home_region`` names the region of an employer's month whose employer has none."""
    return records_months(person, [scheme], until=until, home_region=home_region)[scheme]


def records_months(
    person: Person, schemes: Sequence[str], *, until: dt.date, home_region: str
) -> dict[str, dict[int, Month]]:
    """``record_months`` of each of ``schemes``, each table read once for all of them (six queries, where one
    scheme at a time took up to six each)."""
    from socsec.contributions.models import OwnContribution
    from socsec.rules.explanation import step_value
    from socsec.taxexchange.models import CollectionResult, HandoverLine
    from socsec.taxexchange.selectors import employer_months_on_record_by_scheme

    last = month_index(until)
    months: dict[str, dict[int, Month]] = {scheme: {} for scheme in schemes}
    for p in TransferredPeriod.objects.filter(person=person, scheme__in=schemes, first_month__lte=last):
        for i in range(p.first_month, min(p.last_month, last) + 1):
            months[p.scheme][i] = Month(p.region, p.monthly_base_cents)
    employers = [scheme for scheme in schemes if scheme != "MEDICAL"]
    if employers:
        persons = Person.objects.filter(pk=person.pk)
        by_scheme = employer_months_on_record_by_scheme(persons, schemes=employers, until=until)
        for scheme, intervals in by_scheme.items():
            for _p, first, end in intervals:
                for i in range(first, end + 1):
                    months[scheme][i] = Month(home_region, 0)
    paid = CollectionResult.objects.filter(
        person=person, scheme__in=schemes, status=CollectionResult.Status.PAID, month__lte=month_name(last)
    )
    bases = {
        (scheme, handover): base
        for scheme, handover, base in HandoverLine.objects.filter(
            person=person, scheme__in=schemes, handover__in=paid.values("handover")
        ).values_list("scheme", "handover_id", "base_cents")
    }
    for scheme, month, handover, region in paid.values_list(
        "scheme", "month", "handover_id", "employer__registered_region__code"
    ):
        months[scheme][month_index(month)] = Month(region or home_region, int(bases.get((scheme, handover), 0)))
    own_schemes = {OWN_SCHEME[scheme]: scheme for scheme in schemes if OWN_SCHEME[scheme]}
    if own_schemes:
        own = OwnContribution.objects.filter(
            person=person, scheme__in=list(own_schemes), period_start__lte=until
        ).values_list("scheme", "period_start", "months", "region__code", "explanation")
        for own_scheme, start, count, region, explanation in own:
            base = _own_base(explanation, step_value)
            first = month_index(start)
            for i in range(first, min(first + count - 1, last) + 1):
                months[own_schemes[own_scheme]][i] = Month(region, base)
    return months


def _own_base(explanation: dict[str, Any], step_value: Any) -> int:
    try:
        return int(round(float(step_value(explanation.get("contribution", explanation), BASE_FORMULA))))
    except (KeyError, TypeError, ValueError):
        return 0


def transferred_months(person: Person, scheme: str, *, until: dt.date) -> set[str]:
    """The months (YYYY-MM) of ``scheme`` that transfers brought into the person's record, up to ``until``."""
    last = month_index(until)
    out: set[str] = set()
    for first, end in TransferredPeriod.objects.filter(person=person, scheme=scheme, first_month__lte=last).values_list(
        "first_month", "last_month"
    ):
        out.update(month_name(i) for i in range(first, min(end, last) + 1))
    return out


def transferred_spans_sql(*, until: dt.date, scheme: str, postgres: bool) -> tuple[str, dict[str, Any]]:
    """A SELECT of ``(person_id, lo, hi)`` month-index spans transfers brought in up to ``until``, and its
    parameters (named ``transferred_*`` so that they mix with the caller's)."""
    least = "LEAST" if postgres else "MIN"
    sql = (
        f"SELECT person_id, first_month AS lo, {least}(last_month, %(transferred_last)s) AS hi"
        f" FROM {TransferredPeriod._meta.db_table}"
        " WHERE scheme = %(transferred_scheme)s AND first_month <= %(transferred_last)s"
    )
    return sql, {"transferred_last": month_index(until), "transferred_scheme": scheme}


def employee_account_balance(person: Person) -> int:
    """The employee-pension money in the person's individual account, in cents (positive): the account's
    balance less the residents' pension contributions credited to it."""
    from socsec.contributions.models import OwnContribution
    from socsec.ledger.accounts import individual_account
    from socsec.ledger.keys import SourceKind, source_keys
    from socsec.ledger.models import LedgerEntry

    resident = OwnContribution.objects.filter(person=person, scheme=OwnContribution.Scheme.RESIDENT_PENSION)
    theirs = Q(transaction__source__in=source_keys(SourceKind.OWN_CONTRIBUTION, resident))
    sums = LedgerEntry.objects.filter(account__code=individual_account(person.pk)).aggregate(
        total=Sum("amount_cents"), theirs=Sum("amount_cents", filter=theirs)
    )
    return -(int(sums["total"] or 0) - int(sums["theirs"] or 0))
