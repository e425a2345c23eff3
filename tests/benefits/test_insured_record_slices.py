"""The insured records read slice by slice: the same rows as counting person by person (the oracle below
is the plain reading of the rules: each person's months, pension and account asked one at a time), and
the same number of queries per slice whatever the records of the persons in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.benefits.insured_records import insured_record_slices
from socsec.benefits.models import Award
from socsec.benefits.selectors import insured_records_by_person, pension_months_on_record
from socsec.contributions.models import OwnContribution
from socsec.ledger.selectors import individual_account_balance
from socsec.registry.models import Person
from socsec.rules.engine import compute
from socsec.rules.explanation import step_value
from socsec.rules.formulas import Sex


def one_by_one(year: int) -> list[tuple[int, tuple[Any, ...]]]:
    """The records person by person, a query or three each."""
    end = dt.date(year, 1, 1)
    pensions = {
        a.claim.person_id: a.amount_cents
        for a in Award.objects.in_force().filter(item="pension_monthly", periodic=True).select_related("claim")
    }
    out = []
    for person in Person.objects.order_by("id"):
        sex = "male" if person.sex == Sex.MALE else "female"
        age_months = (end.year * 12) - (person.birth_date.year * 12 + person.birth_date.month - 1)
        born, sex_code = np.array([person.birth_date], dtype="datetime64[D]"), np.array([person.sex])
        group = np.array([person.retirement_group])
        retire = int(
            compute("statutory_retirement_age_months", end, birth_date=born, sex=sex_code, retirement_group=group)[0]
        )
        if person.pk not in pensions and age_months >= retire:
            continue
        if person.pk in pensions:
            out.append((person.pk, (sex, age_months // 12, "pensioner", 0, 0, 0, pensions[person.pk] * 12 / 100)))
            continue
        months = pension_months_on_record(person, end - dt.timedelta(days=1))
        if not months:
            continue
        weighted, own_months = 0, 0
        for c in OwnContribution.objects.filter(
            person=person, scheme="EMPLOYEE_PENSION", period_start__lt=end
        ).order_by("id"):
            on = np.array([c.period_start], dtype="datetime64[D]")
            wage = compute("regional_average_monthly_wage", on, region=np.array([c.region.code]))[0]
            weighted += c.months * (step_value(c.explanation["contribution"], "contribution_base") / float(wage))
            own_months += c.months
        index = (weighted + max(0, months - own_months) * 1.0) / months
        account = individual_account_balance(person.pk) / 100
        out.append((person.pk, (sex, age_months // 12, "active", round(months / 12, 4), round(index, 4), account, 0)))
    return out


def test_slices_give_the_rows_of_one_by_one(records):
    world, worker, retired, old = records
    expected = one_by_one(2027)
    assert {p for p, _ in expected} == {world.rider.pk, world.employee.pk, worker.pk, retired.pk}
    assert insured_records_by_person(year=2027) == expected
    for size in (1, 2, 3):
        assert [r for s in insured_record_slices(year=2027, slice_persons=size) for r in s] == expected
    assert dict(expected)[retired.pk] == ("male", 77, "pensioner", 0, 0, 0, 37481.4)
    assert dict(expected)[worker.pk] == ("female", 38, "active", 2.3333, 1.0, 0.0, 0)  # 2019-05 to 2021-08
    assert dict(expected)[world.rider.pk] == ("male", 36, "active", 0.4167, 1.1303, 5600.0, 0)  # 5 months come, 7 paid


def test_same_queries_per_slice_whatever_the_records(records):
    def queries(year: int) -> int:
        with CaptureQueriesContext(connection) as seen:
            slices = list(insured_record_slices(year=year, slice_persons=100))
        assert len(slices) == 1
        return len(seen)

    few = queries(2026)  # the rider's payments are all in 2026: none before it
    assert queries(2027) == few
