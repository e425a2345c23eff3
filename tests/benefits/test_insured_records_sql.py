"""The insured records summed by the database: the same rows as counting person by person (the oracle of
``test_insured_record_slices``) when a base is stored where the query does not look for it, when a person
has several pensions in force, and the same queries whatever the number of persons and records."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.benefits.insured_records import insured_record_slices
from socsec.benefits.models import Award, Claim
from socsec.contributions.models import OwnContribution
from socsec.contributions.own.payments import own_contribution_pay
from socsec.registry.services import engagement_create, person_register
from tests.benefits.test_insured_record_slices import one_by_one
from tests.world import SYSTEM, resident_id


def rows(size: int = 1000) -> list:
    return [r for s in insured_record_slices(year=2027, slice_persons=size) for r in s]


def queries() -> int:
    with CaptureQueriesContext(connection) as seen:
        rows()
    return len(seen)


def test_a_base_stored_deeper_is_read_from_the_explanation(records):
    world = records[0]
    expected = one_by_one(2027)
    usual = queries()
    first = OwnContribution.objects.filter(person=world.rider).order_by("id").first()
    explanation = first.explanation
    contribution = explanation["contribution"]
    base = contribution["steps"][0]  # moved under another step: the query sees no base where the rules put it
    contribution["steps"] = [{"formula": "another", "value": 1, "steps": [base]}, *contribution["steps"][1:]]
    OwnContribution.objects.filter(pk=first.pk).update(explanation=explanation)
    assert one_by_one(2027) == expected  # the same base, found by searching the steps
    assert rows() == expected
    for size in (1, 2, 3):
        assert rows(size) == expected
    assert queries() == usual + 1  # those persons' contributions read once more, with their explanations


def test_a_base_that_is_not_a_number_fails_as_before(records):
    world = records[0]
    first = OwnContribution.objects.filter(person=world.rider).order_by("id").first()
    explanation = first.explanation
    explanation["contribution"]["steps"][0]["value"] = "1000000"
    OwnContribution.objects.filter(pk=first.pk).update(explanation=explanation)
    try:
        rows()
    except TypeError:
        return
    raise AssertionError("a base stored as text was divided")


def test_the_last_pension_in_force_counts(records):
    _, _, retired, _ = records
    for year, due, amount in ((2016, dt.date(2016, 1, 1), 100000), (2015, dt.date(2015, 6, 1), 200000)):
        claim = Claim.objects.create(
            person=retired,
            kind="PENSION",
            status="PAID",
            event_date=dt.date(year, 1, 2),
            reported_by="OFFICER",
            submitted_on=dt.date(year, 1, 3),
            decision_due=due,
        )
        Award.objects.create(
            claim=claim,
            item="pension_monthly",
            label="pension",
            payer="FUND",
            periodic=True,
            amount_cents=amount,
            explanation={},
        )
    expected = one_by_one(2027)
    assert dict(expected)[retired.pk][-1] == 12000.0  # the claims' order: the decision due last, not the id
    assert rows() == expected


def test_the_same_queries_whatever_the_persons_and_records(records):
    world = records[0]
    few = queries()
    for n in range(6):
        person = person_register(
            actor=SYSTEM,
            resident_id=resident_id("440106", f"1990020{n + 1}", 40 + n),
            name="陈静",
            residence_region="440100",
        )
        employed = n % 2 == 0  # a labour relation; else platform work and their own contributions
        engagement_create(
            actor=SYSTEM,
            person=person,
            organisation=world.employer if employed else world.platform,
            category="LABOUR_RELATION" if employed else "MANAGED_NON_LABOUR",
            sector="MANUFACTURING" if employed else "RIDE_HAILING",
            work_region="440100" if employed else "440300",
            start_date=dt.date(2018 + n, 5, 1),
            end_date=dt.date(2025, 8, 31) if n == 0 else None,
        )
        if not employed:
            own_contribution_pay(
                actor=SYSTEM,
                person=person,
                scheme="EMPLOYEE_PENSION",
                declared_base_cents=800000 + n * 100000,
                period_start=dt.date(2026, n, 1),
                months=3,
                today=dt.date(2026, n, 2),
            )
    expected = one_by_one(2027)
    assert len(expected) == 4 + 6
    assert rows() == expected
    assert queries() == few
