"""Effective coverage by dimension for a month: one query over everyone, exact counts, the same number of
queries at two sizes; small rows withheld with a complementary row so none can be worked out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.benefits.models import Award, BenefitPayment, Claim, PaymentRun
from socsec.contributions.models import LastOrder, OwnContribution
from socsec.registry.models import Region
from socsec.registry.services import engagement_create, person_register
from socsec.supervision.coverage_stats import Cell, coverage_cells
from socsec.supervision.suppression import publish
from tests.world import SYSTEM, resident_id

D = dt.date


def paid_benefit(person, month: str) -> None:
    claim = Claim.objects.create(
        person=person,
        kind="OCCUPATIONAL_INJURY",
        event_date=D(2026, 5, 1),
        reported_by="WORKER",
        submitted_on=D(2026, 5, 1),
        decision_due=D(2026, 6, 1),
    )
    award = Award.objects.create(
        claim=claim,
        item="oip_medical",
        label="x",
        payer="FUND",
        amount_cents=100,
        start_month=month,
        explanation={},
    )
    run, _ = PaymentRun.objects.get_or_create(month=month)
    BenefitPayment.objects.create(run=run, award=award, month=month, amount_cents=100)


@pytest.fixture
def active(world):
    """The rider took an order in June; the freelancer's own contribution covers April to June; the
    employee was paid a benefit for June."""
    LastOrder.objects.create(platform=world.platform, person_id=world.rider.pk, last_order_on=D(2026, 6, 10))
    OwnContribution.objects.create(
        person=world.freelancer,
        scheme="EMPLOYEE_PENSION",
        region=Region.objects.get(code="140000"),
        period_start=D(2026, 4, 1),
        months=3,
        paid_cents=1,
        individual_account_cents=0,
        pooled_cents=1,
        explanation={},
        paid_on=D(2026, 4, 1),
    )
    paid_benefit(world.employee, "2026-06")
    return world


def test_everyone_counted_once_under_their_first_engagement(active):
    assert sorted(coverage_cells("2026-06"), key=lambda c: c.key) == [
        Cell(("CIVIL_LAW", "ridego", "RIDE_HAILING", "440000", "F", "35-44"), 1, 1, 0, 1),
        Cell(("MANAGED_NON_LABOUR", "ridego", "RIDE_HAILING", "440000", "M", "35-44"), 1, 1, 1, 0),
        Cell(("SELF_EMPLOYED", "", "OTHER_SERVICES", "140000", "M", "45-54"), 1, 0, 1, 0),
    ]
    # July: the own contribution has ended, the order was before the month, no benefit for July
    assert [(c.contributing, c.receiving) for c in coverage_cells("2026-07")] == [(0, 0)] * 3
    # 2021: only the freelancer's engagement had started, at age 49 on 31 May 2021
    assert coverage_cells("2021-06") == [
        Cell(("SELF_EMPLOYED", "", "OTHER_SERVICES", "140000", "M", "45-54"), 1, 0, 0, 0)
    ]


def test_the_same_queries_whatever_the_number_of_persons(active):
    with CaptureQueriesContext(connection) as small:
        coverage_cells("2026-06")
    for n in range(40):
        person = person_register(
            actor=SYSTEM,
            resident_id=resident_id("440106", "19850704", 100 + n),
            name="测试",
            residence_region="440100",
        )
        engagement_create(
            actor=SYSTEM,
            person=person,
            organisation=active.courier,
            category="MANAGED_NON_LABOUR",
            sector="FOOD_DELIVERY",
            work_region="110100",
            start_date=D(2025, 1, 1),
        )
    with CaptureQueriesContext(connection) as large:
        cells = coverage_cells("2026-06")
    assert len(small.captured_queries) == len(large.captured_queries)
    assert sum(c.persons for c in cells) == 43
    assert sum(c.legal for c in cells if c.key[1] == "zipper") == 40  # mandatory in Beijing for Zipper


def cell(key: str, persons: int, legal: int = 0, contributing: int = 0, receiving: int = 0) -> Cell:
    return Cell((key, "p", "s", "440000", "M", "25-34"), persons, legal, contributing, receiving)


def test_small_rows_withheld_and_one_more_so_none_can_be_worked_out():
    cells = [cell("A", 50, 40, 30, 0), cell("B", 3, 3, 3, 0), cell("C", 20, 20, 10, 0), cell("D", 30, 30, 30, 0)]
    table = publish(cells, threshold=5)[0]
    assert table.dimension == "category"
    shown = {r.value: (r.persons, r.legal, r.contributing, r.suppressed, sorted(r.complementary)) for r in table.rows}
    assert shown == {
        "A": (50, 40, 30, False, []),
        "B": (None, None, None, True, []),  # 3 persons: below 5
        # the smallest other row, so that B is not the total less the rest
        "C": (None, None, None, True, ["contributing", "legal", "persons", "receiving"]),
        "D": (30, 30, 30, False, []),
    }
    assert (table.total.persons, table.total.legal, table.total.contributing) == (103, 93, 73)
    assert str(table.rows[0].ratio("legal")) == "80.0" and table.rows[1].ratio("legal") is None


def test_a_small_count_is_withheld_alone_with_its_complement():
    # 2 receiving in A is small: withheld, and the smallest other receiving figure (B's 0) with it
    table = publish([cell("A", 50, 50, 0, 2), cell("B", 60, 60, 0, 0), cell("C", 70, 70, 0, 9)], threshold=5)[0]
    assert [(r.persons, r.receiving, r.ratio("receiving")) for r in table.rows] == [
        (50, None, None),
        (60, None, None),
        (70, 9, Decimal("12.9")),
    ]
    assert (table.total.receiving, table.total.withheld) == (11, frozenset())
    small_total = publish([cell("A", 50, 50, 0, 2)], threshold=5)[0]
    assert small_total.total.receiving is None and small_total.total.persons == 50
    with pytest.raises(ValueError):
        publish([], threshold=0)
