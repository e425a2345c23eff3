"""Reads of employee-pension individual accounts for crediting interest: each account's money on 1
January and its contributions in the year (from the ledger), and the province whose pension fund pays
a person's interest."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from socsec.contributions.models import OwnContribution
from socsec.registry.models import Person

INDIVIDUAL_ACCOUNT = "fund:individual-account:"


def employee_pension_accounts(year: int) -> dict[int, tuple[int, list[tuple[dt.date, int]]]]:
    """Per person: the employee-pension money in the individual account on 1 January of the year (summed
    by the database), and the year's contributions to it (day booked, cents), for those with either.
    Employee-pension money: postings of employee-pension own contributions and interest credited for
    earlier years (booked on 31 December of their year); the interest of the year itself is left out."""
    from django.db.models import CharField, Sum, Value
    from django.db.models.functions import Cast, Concat

    from socsec.ledger.models import LedgerEntry

    first, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    own = (
        OwnContribution.objects.filter(scheme=OwnContribution.Scheme.EMPLOYEE_PENSION, paid_on__lt=end)
        .annotate(source=Concat(Value("own-contribution:"), Cast("pk", CharField()), output_field=CharField()))
        .values("source")
    )
    entries = LedgerEntry.objects.filter(
        Q(transaction__source__in=own) | Q(transaction__source__startswith="interest:"),
        account__code__startswith=INDIVIDUAL_ACCOUNT,
    )
    accounts: dict[int, tuple[int, list[tuple[dt.date, int]]]] = {}
    for code, cents in (
        entries.filter(transaction__booked_on__lt=first)
        .values("account__code")
        .annotate(total=Sum("amount_cents"))
        .values_list("account__code", "total")
    ):
        accounts[int(code[len(INDIVIDUAL_ACCOUNT) :])] = (-int(cents), [])  # credits are negative entries
    for code, day, cents in (
        entries.filter(transaction__booked_on__gte=first, transaction__booked_on__lt=end)
        .exclude(transaction__source__startswith=f"interest:{year}:")
        .order_by("transaction__booked_on", "id")
        .values_list("account__code", "transaction__booked_on", "amount_cents")
    ):
        accounts.setdefault(int(code[len(INDIVIDUAL_ACCOUNT) :]), (0, []))[1].append((day, -int(cents)))
    return {p: v for p, v in accounts.items() if v[0] or v[1]}


def pension_provinces(persons: list[int], year_end: dt.date) -> dict[int, str]:
    """The province of each person's latest employee-pension contribution up to the year's end (else of
    their residence): its pension fund pays the interest."""
    provinces = {
        p: code[:2] + "0000"
        for p, code in Person.objects.filter(pk__in=persons).values_list("pk", "residence_region__code")
    }
    latest = (
        OwnContribution.objects.filter(
            person_id__in=persons, scheme=OwnContribution.Scheme.EMPLOYEE_PENSION, paid_on__lte=year_end
        )
        .order_by("paid_on", "id")
        .values_list("person_id", "region__code")
    )
    for person_id, code in latest:
        provinces[person_id] = code[:2] + "0000"  # later ones overwrite earlier ones
    return provinces
