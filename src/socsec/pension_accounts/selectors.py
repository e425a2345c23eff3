"""Reads of employee-pension individual accounts for crediting interest: each account's money on 1
January and its contributions in the year (from the ledger), and the province whose pension fund pays
a person's interest."""

from __future__ import annotations

import datetime as dt

from socsec.contributions.models import OwnContribution
from socsec.ledger.keys import SourceKind, source_keys
from socsec.ledger.selectors import individual_account_movements
from socsec.registry.models import Person


def employee_pension_accounts(year: int) -> dict[int, tuple[int, list[tuple[dt.date, int]]]]:
    """Per person: the employee-pension money in the individual account on 1 January of the year (summed
    by the database), and the year's contributions to it (day booked, cents), for those with either.
    Employee-pension money: postings of employee-pension own contributions and interest credited for
    earlier years (booked on 31 December of their year); the interest of the year itself is left out."""
    own = OwnContribution.objects.filter(
        scheme=OwnContribution.Scheme.EMPLOYEE_PENSION, paid_on__lt=dt.date(year + 1, 1, 1)
    )
    return individual_account_movements(year, sources=source_keys(SourceKind.OWN_CONTRIBUTION, own))


def pension_provinces(persons: list[int], year_end: dt.date) -> dict[int, str]:
    """The province of each person's latest employee-pension contribution up to the year's end (else of
    their residence): its pension fund pays the interest. ``persons`` sorted and few (a batch): read by
    the range of their ids, so no query grows with the list; the residence is read only for those with no
    contribution."""
    if not persons:
        return {}
    wanted = set(persons)
    latest = (
        OwnContribution.objects.filter(
            person_id__gte=persons[0],
            person_id__lte=persons[-1],
            scheme=OwnContribution.Scheme.EMPLOYEE_PENSION,
            paid_on__lte=year_end,
        )
        .order_by("paid_on", "id")
        .values_list("person_id", "region__code")
    )
    provinces: dict[int, str] = {}
    for person_id, code in latest:
        if person_id in wanted:
            provinces[person_id] = code[:2] + "0000"  # later ones overwrite earlier ones
    missing = [p for p in persons if p not in provinces]
    if missing:
        for p, code in Person.objects.filter(pk__in=missing).values_list("pk", "residence_region__code"):
            provinces[p] = code[:2] + "0000"
    return provinces
