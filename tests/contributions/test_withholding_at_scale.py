"""Withholding for many workers at once: each worker's month is what the rules give them one by one (a
relief group's subsidy included), and the number of statements does not grow with the workers."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from socsec.contributions.assessment import runs, withholding
from socsec.contributions.assessment.runs import assessment_run
from socsec.contributions.models import ContributionRelief, Invoice, OwnContribution
from socsec.contributions.own.amounts import own_amounts
from socsec.ledger.selectors import balance, trial_balance
from socsec.registry.services import engagement_create, person_register
from tests.contributions.test_ingest import MONTH, TODAY, order, send
from tests.contributions.test_withholding import START, mandate
from tests.world import SYSTEM, resident_id


def workers(world, count: int) -> list:
    """``count`` riders on RideGo living in Beijing, each with a withholding mandate and orders."""
    made = []
    for i in range(count):
        person = person_register(
            actor=SYSTEM,
            resident_id=resident_id("110105", f"1991{i % 12 + 1:02d}1{i % 9 + 1}", 11 + 2 * i),
            name=f"骑手{i}",
            residence_region="110100",
        )
        engagement_create(
            actor=SYSTEM,
            person=person,
            organisation=world.platform,
            category="MANAGED_NON_LABOUR",
            sector="RIDE_HAILING",
            work_region="440300",
            start_date=dt.date(2024, 1, 1),
        )
        mandate(world, person=person, declared_base_cents=900000 + 10000 * i)
        made.append(person)
    return made


def run_counting(monkeypatch) -> int:
    seen = {}
    original = runs.withhold_at_source

    def counted(*args, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            made = original(*args, **kwargs)
        seen["queries"] = len(queries)
        return made

    monkeypatch.setattr(runs, "withhold_at_source", counted)
    assessment_run(actor=SYSTEM, month=MONTH, today=TODAY)
    return seen["queries"]


def withheld(world, count: int, platform, monkeypatch) -> int:
    people = workers(world, count)
    ContributionRelief.objects.create(
        person=people[0], group="EMPLOYMENT_HARDSHIP", valid_from=dt.date(2024, 1, 1), reason="test"
    )
    expected = [
        own_amounts(p, "EMPLOYEE_PENSION", "110100", START, START, 1, 900000 + 10000 * i, "")
        for i, p in enumerate(people)
    ]
    rows = [order(world, f"o{i}-{k}", resident_id=p.resident_id) for i, p in enumerate(people) for k in range(i + 1)]
    send(platform, rows, "k1")
    queries = run_counting(monkeypatch)
    records = list(OwnContribution.objects.order_by("id"))  # in the mandates' order: by person
    assert [(r.person_id, r.paid_cents, r.subsidy_cents, r.relief_group) for r in records] == sorted(
        (p.pk, e.paid, e.subsidy, e.group) for p, e in zip(people, expected, strict=True)
    )
    assert expected[0].subsidy > 0 and expected[0].group == "EMPLOYMENT_HARDSHIP"
    orders = {p.pk: i + 1 for i, p in enumerate(people)}
    assert [r.explanation["withholding"]["orders"] for r in records] == [orders[r.person_id] for r in records]
    pension = Invoice.objects.get(province__code="110000")
    assert pension.amount_cents == pension.withheld_cents == sum(e.paid for e in expected)
    assert balance("receivable:platform:ridego") == sum(e.paid for e in expected) + len(rows)
    assert [balance(f"fund:individual-account:{p.pk}") for p in people] == [-e.account for e in expected]
    assert sum(trial_balance().values()) == 0
    return queries


def test_same_statements_for_three_workers_and_for_eight(world, settings, tmp_path, platform, monkeypatch):
    counts = []
    for count in (3, 8):
        settings.DATA_DIR = tmp_path / f"workers-{count}"
        with transaction.atomic():  # each size from the same start, undone after
            counts.append(withheld(world, count, platform, monkeypatch))
            transaction.set_rollback(True)
    assert counts[0] == counts[1]


def test_mandates_taken_a_few_at_a_time_give_the_same_records(world, data_dir, platform, monkeypatch):
    monkeypatch.setattr(withholding, "MANDATES_PER_BATCH", 2)
    withheld(world, 5, platform, monkeypatch)
