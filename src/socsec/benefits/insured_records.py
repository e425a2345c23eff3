"""The insured persons' records for the actuarial projection, streamed so that a province of millions
fits in the memory of one slice: the database sums each person's months on record, weighted months,
pension and individual account in one query over all persons (``insured_records_sql``), sent in the order
of their ids; here the ages and statutory retirement ages are computed over a slice's arrays and the rows
made. The number of queries is the same whatever the number of persons or records."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from django.db import connection

from socsec.core.months import month_index
from socsec.rules.engine import compute
from socsec.rules.explanation import step_value
from socsec.rules.formulas import Sex

from .insured_records_sql import BASE_FORMULA, record_chunks

RECORD_HEADER = ("sex", "age", "status", "contribution_years", "average_index", "account_balance", "pension")
SLICE_PERSONS = 100_000  # persons per slice: the rows held in memory at once

Record = tuple[int, tuple[Any, ...]]
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()  # day 0 of numpy's datetime64


def insured_record_slices(*, year: int, slice_persons: int = SLICE_PERSONS) -> Iterator[list[Record]]:
    """The rows of ``insured_records_by_person`` slice by slice, in the order of the persons' ids: each
    slice comes from the next ``slice_persons`` persons who have a pension in force or months on record,
    so memory stays bounded; the queries are the same few whatever the number of slices."""
    end = dt.date(year, 1, 1)
    for columns in record_chunks(end=end, chunk=slice_persons):
        yield _slice_records(columns, end)


def _slice_records(columns: dict[str, list[Any]], end: dt.date) -> list[Record]:
    persons, sexes, pensions = columns["person"], columns["sex"], columns["pension"]
    on_record, paid_months, weighted, unread = (
        columns["months"],
        columns["paid_months"],
        columns["weighted"],
        columns["unread"],
    )
    births = (np.array([d.toordinal() for d in columns["birth_date"]], dtype=np.int64) - EPOCH_ORDINAL).astype(
        "datetime64[D]"
    )
    statutory = compute(
        "statutory_retirement_age_months",
        end,
        birth_date=births,
        sex=np.array(sexes),
        retirement_group=np.array(columns["retirement_group"]),
    )
    ages = (month_index(end) - (births.astype("datetime64[M]").astype(np.int64) + 1970 * 12)).tolist()
    retire = statutory.tolist()
    active = [
        pension is None and age_months < retire_at and bool(months)
        for pension, age_months, retire_at, months in zip(pensions, ages, retire, on_record, strict=True)
    ]
    unreadable = [pk for pk, is_active, count in zip(persons, active, unread, strict=True) if is_active and count]
    read_slowly = _own_indices(_own_contributions(unreadable, end)) if unreadable else {}
    out: list[Record] = []
    for i, pk in enumerate(persons):
        sex = "male" if sexes[i] == Sex.MALE else "female"
        age = ages[i] // 12  # completed years on the first day of the start year
        if pensions[i] is not None:
            out.append((pk, (sex, age, "pensioner", 0, 0, 0, pensions[i] * 12 / 100)))
            continue
        if not active[i]:
            continue  # past the statutory age without a pension on record (the model retires them), or no months
        months = on_record[i]
        own_months, summed = read_slowly.get(pk) or (paid_months[i] or 0, weighted[i] or 0)
        index = (summed + max(0, months - own_months) * 1.0) / months
        account = -(columns["balance"][i] or 0) / 100  # credits are negative entries
        out.append((pk, (sex, age, "active", round(months / 12, 4), round(index, 4), account, 0)))
    return out


def _own_contributions(person_ids: Sequence[int], end: dt.date) -> list[tuple[int, dt.date, int, str, Any]]:
    """The employee-pension own contributions before ``end`` of these persons, in the order they were made,
    with the contribution's explanation: one query, one parameter however many persons."""
    from socsec.contributions.models import OwnContribution
    from socsec.registry.models import Region

    own, region = OwnContribution._meta.db_table, Region._meta.db_table
    wanted = "= ANY(%s)"
    parameter: list[int] | str = list(person_ids)
    explanation = "c.explanation -> 'contribution'"
    if connection.vendor != "postgresql":
        wanted, parameter = "IN (SELECT value FROM json_each(%s))", json.dumps(list(person_ids))
        explanation = "json_extract(c.explanation, '$.contribution')"
    sql = (
        f"SELECT c.person_id, c.period_start, c.months, r.code, {explanation} FROM {own} c"
        f" JOIN {region} r ON r.id = c.region_id WHERE c.person_id {wanted} AND c.scheme = %s"
        " AND c.period_start < %s ORDER BY c.id"
    )
    scheme, before = OwnContribution.Scheme.EMPLOYEE_PENSION, connection.ops.adapt_datefield_value(end)
    with connection.cursor() as cursor:
        cursor.execute(sql, [parameter, scheme, before])
        rows = cursor.fetchall()
    return [
        (
            person,
            start if isinstance(start, dt.date) else dt.date.fromisoformat(start),
            months,
            code,
            contribution if isinstance(contribution, dict) else json.loads(contribution),
        )
        for person, start, months, code, contribution in rows
    ]


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
        base = step_value(contribution, BASE_FORMULA)  # kept within bounds by the rules
        months, weighted = paid.get(person_id, (0, 0))
        paid[person_id] = (months + count, weighted + count * (base / float(wage)))
    return paid
