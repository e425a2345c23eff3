"""The insured persons' records for the actuarial projection, read in slices of persons so that a
province of millions streams: a few queries per slice whatever its size (persons, pensions in force,
own employee-pension contributions, employers' contributions paid, individual accounts), months on record counted
with array arithmetic, and nothing kept between slices."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from django.db import connection
from django.db.models.fields.json import KeyTransform

from socsec.core.months import month_index
from socsec.registry.models import Person
from socsec.rules.engine import compute
from socsec.rules.explanation import step_value
from socsec.rules.formulas import Sex

from .models import Award

RECORD_HEADER = ("sex", "age", "status", "contribution_years", "average_index", "account_balance", "pension")
SLICE_PERSONS = 10_000  # persons per slice: also the most names in one query's list of account codes

Record = tuple[int, tuple[Any, ...]]
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()  # day 0 of numpy's datetime64


def insured_record_slices(*, year: int, slice_persons: int = SLICE_PERSONS) -> Iterator[list[Record]]:
    """The rows of ``insured_records_by_person`` slice by slice, in the order of the persons' ids: each
    slice is the next ``slice_persons`` persons (by id, from the last one read), so memory stays bounded
    and the number of queries is a few per slice."""
    last: int | None = None
    while True:
        persons = Person.objects.order_by("pk")
        if last is not None:
            persons = persons.filter(pk__gt=last)
        rows = list(persons.values_list("pk", "birth_date", "sex", "retirement_group")[:slice_persons])
        if not rows:
            return
        last = rows[-1][0]
        yield _slice_records(rows, year)


def _slice_records(persons: Sequence[tuple[int, dt.date, str, str]], year: int) -> list[Record]:
    from socsec.contributions.models import OwnContribution
    from socsec.taxexchange.selectors import employer_months_on_record_many

    end = dt.date(year, 1, 1)
    until = end - dt.timedelta(days=1)
    first_id, last_id = persons[0][0], persons[-1][0]
    in_slice = {"person_id__gte": first_id, "person_id__lte": last_id}
    pensions = dict(  # the last award in force of a person counts, as in the order of awards
        Award.objects.in_force()
        .filter(item="pension_monthly", periodic=True, claim__person_id__gte=first_id, claim__person_id__lte=last_id)
        .order_by("claim", "id")
        .values_list("claim__person_id", "amount_cents")
    )
    own = list(
        OwnContribution.objects.filter(scheme=OwnContribution.Scheme.EMPLOYEE_PENSION, period_start__lt=end, **in_slice)
        .order_by("id")
        .values_list("person_id", "period_start", "months", "region__code", KeyTransform("contribution", "explanation"))
    )
    employed = employer_months_on_record_many(
        Person.objects.filter(pk__gte=first_id, pk__lte=last_id), scheme="PENSION", until=until
    )
    months = _months_on_record(persons, own, employed, until)
    births = (np.array([p[1].toordinal() for p in persons], dtype=np.int64) - EPOCH_ORDINAL).astype("datetime64[D]")
    statutory = compute(
        "statutory_retirement_age_months",
        end,
        birth_date=births,
        sex=np.array([p[2] for p in persons]),
        retirement_group=np.array([p[3] for p in persons]),
    )
    ages = month_index(end) - (births.astype("datetime64[M]").astype(np.int64) + 1970 * 12)
    paid = _own_indices(own)
    active = [
        p[0]
        for p, age_months, retire, on_record in zip(persons, ages.tolist(), statutory.tolist(), months, strict=True)
        if p[0] not in pensions and age_months < retire and on_record
    ]
    balances = _account_balances(active)
    out: list[Record] = []
    for person, age_months, retire, on_record in zip(persons, ages.tolist(), statutory.tolist(), months, strict=True):
        pk = person[0]
        sex = "male" if person[2] == Sex.MALE else "female"
        age = age_months // 12  # completed years on the first day of the start year
        if pk not in pensions and age_months >= retire:
            continue  # past the statutory age without a pension on record: the model's retirement takes them
        if pk in pensions:
            out.append((pk, (sex, age, "pensioner", 0, 0, 0, pensions[pk] * 12 / 100)))
            continue
        if not on_record:
            continue
        own_months, weighted = paid.get(pk, (0, 0))
        index = (weighted + max(0, on_record - own_months) * 1.0) / on_record
        account = -balances.get(pk, 0) / 100  # credits are negative entries
        out.append((pk, (sex, age, "active", round(on_record / 12, 4), round(index, 4), account, 0)))
    return out


def _months_on_record(
    persons: Sequence[tuple[int, dt.date, str, str]],
    own: Sequence[tuple[int, dt.date, int, str, Any]],
    employed: Sequence[tuple[int, int, int]],
    until: dt.date,
) -> list[int]:
    """Per person, the months of employee-pension contributions on record up to ``until`` (as
    ``selectors.pension_months_on_record``): the union of the months paid (those come by then) and the
    employers' months on record (``taxexchange``: paid, or taken over from before), each month once.
    Intervals are sorted per person and merged with a running maximum; persons are kept apart by an offset
    larger than any month index."""
    last = month_index(until)
    position = {p[0]: i for i, p in enumerate(persons)}
    owners, starts, ends = [], [], []
    for person_id, period_start, count, _, _ in own:
        first = period_start.year * 12 + period_start.month - 1  # month_index, inline: called per row
        owners.append(position[person_id])
        starts.append(first)
        ends.append(min(first + count - 1, last))
    for person_id, first_month, last_month in employed:
        owners.append(position[person_id])
        starts.append(first_month)
        ends.append(last_month)
    totals = np.zeros(len(persons), dtype=np.int64)
    if owners:
        offset = np.int64(10**7)  # more months than any date has
        who = np.array(owners, dtype=np.int64)
        lo = np.array(starts, dtype=np.int64) + who * offset
        hi = np.array(ends, dtype=np.int64) + who * offset
        order = np.lexsort((lo, who))
        who, lo, hi = who[order], lo[order], hi[order]
        reached = np.maximum.accumulate(hi)  # the last month counted so far, this person's or an earlier one's
        before = np.concatenate(([np.int64(-1)], reached[:-1]))
        new = np.maximum(0, hi - np.maximum(lo, before + 1) + 1)
        totals = np.bincount(who, weights=new, minlength=len(persons)).astype(np.int64)
    return [int(t) for t in totals]


def _own_indices(own: Sequence[tuple[int, dt.date, int, str, Any]]) -> dict[int, tuple[int, float]]:
    """Per person, the months paid and the months weighted by the chosen base over the regional average
    wage, summed in the order the contributions were made."""
    if not own:
        return {}
    wages = compute(
        "regional_average_monthly_wage",
        (np.array([c[1].toordinal() for c in own], dtype=np.int64) - EPOCH_ORDINAL).astype("datetime64[D]"),
        region=np.array([c[3] for c in own]),
    )
    paid: dict[int, tuple[int, float]] = {}
    for (person_id, _, count, _, contribution), wage in zip(own, wages, strict=True):
        base = step_value(contribution, "contribution_base")  # kept within bounds by the rules
        months, weighted = paid.get(person_id, (0, 0))
        paid[person_id] = (months + count, weighted + count * (base / float(wage)))
    return paid


def _account_balances(person_ids: Sequence[int]) -> dict[int, int]:
    """The balance (debit positive) of the individual accounts of these persons, in one query with one
    parameter however many they are (an array on PostgreSQL, a JSON list on SQLite)."""
    from socsec.ledger.accounts import individual_account, individual_account_person
    from socsec.ledger.models import Account, LedgerEntry

    if not person_ids:
        return {}
    codes = [individual_account(p) for p in person_ids]
    entries, accounts = LedgerEntry._meta.db_table, Account._meta.db_table
    parameter: list[str] | str = codes
    wanted = "= ANY(%s)"
    if connection.vendor != "postgresql":
        wanted, parameter = "IN (SELECT value FROM json_each(%s))", json.dumps(codes)
    sql = (
        f"SELECT a.code, SUM(e.amount_cents) FROM {entries} e JOIN {accounts} a ON a.id = e.account_id"
        f" WHERE a.code {wanted} GROUP BY a.code"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [parameter])
        return {individual_account_person(code): int(total) for code, total in cursor.fetchall()}
