"""The screening over the database and the order store: each person-level rule hits its planted case and
not its near miss; cases are kept once across runs; outcomes give each rule's precision."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.core.errors import Conflict, ValidationFailed
from socsec.registry.models import Engagement
from socsec.risk.models import RiskCase, ScreeningRun
from socsec.risk.selectors import case_queue, rule_standings
from socsec.risk.services import risk_case_decide, risk_screen

from . import rows

ON = dt.date(2026, 4, 1)
SYSTEM = Actor.system("test")
OCC, UNEMP, PENSION = "OCCUPATIONAL_INJURY", "UNEMPLOYMENT", "PENSION"


@pytest.fixture
def planted(world, data_dir):
    rider, employee, freelancer = world.rider, world.employee, world.freelancer
    on_platform = world.rider_eng_platform
    on_courier = world.rider_eng_courier
    employee_rides = Engagement.objects.get(person=employee, organisation=world.platform)
    # the same injury through two platforms a day apart, with orders both days (no "claim without orders")
    first = rows.claim(rider, OCC, dt.date(2026, 3, 10), on_platform)
    second = rows.claim(rider, OCC, dt.date(2026, 3, 11), on_courier)
    # near miss: the employee's injuries 10 days apart on one platform; the second on a day without orders
    rows.claim(employee, OCC, dt.date(2026, 3, 1), employee_rides)
    silent = rows.claim(employee, OCC, dt.date(2026, 3, 11), employee_rides)
    ride = [
        ("r1", rider.pk, "440300", "RIDE_HAILING", dt.date(2026, 3, 10)),
        ("r2", rider.pk, "440300", "RIDE_HAILING", dt.date(2026, 3, 11)),
        ("e1", employee.pk, "440100", "RIDE_HAILING", dt.date(2026, 3, 1)),
    ]
    # three orders in Guangdong and three in Beijing on 5 March; two and three on 6 March (near miss)
    ride += [(f"g{i}", rider.pk, "440300", "RIDE_HAILING", dt.date(2026, 3, 5)) for i in range(3)]
    ride += [(f"h{i}", rider.pk, "440300", "RIDE_HAILING", dt.date(2026, 3, 6)) for i in range(2)]
    rows.orders(world.platform, ride, "ride")
    courier = [(f"b{i}", rider.pk, "110100", "INSTANT_DELIVERY", dt.date(2026, 3, 5)) for i in range(3)]
    courier += [(f"c{i}", rider.pk, "110100", "INSTANT_DELIVERY", dt.date(2026, 3, 6)) for i in range(3)]
    # unemployment benefit for February and March: ten orders in March (a hit), nine in February (near miss)
    job_loss = rows.claim(freelancer, UNEMP, dt.date(2026, 1, 5))
    dole = rows.paid(job_loss, ["2026-02", "2026-03"], 180000)
    courier += [(f"u{i}", freelancer.pk, "110100", "INSTANT_DELIVERY", dt.date(2026, 3, 2)) for i in range(10)]
    courier += [(f"v{i}", freelancer.pk, "110100", "INSTANT_DELIVERY", dt.date(2026, 2, 2)) for i in range(9)]
    rows.orders(world.courier, courier, "courier")
    # a pension paid for January to March, the pensioner dead on 20 January; the employee's paid alive
    retired = rows.claim(employee, PENSION, dt.date(2025, 12, 1))
    pension = rows.paid(retired, ["2026-01", "2026-02", "2026-03"], 250000)
    rows.died(rider, dt.date(2026, 1, 20))
    retired_rider = rows.claim(rider, PENSION, dt.date(2025, 12, 1))
    rider_pension = rows.paid(retired_rider, ["2026-01", "2026-02", "2026-03"], 250000)
    return {
        "first": first,
        "second": second,
        "silent": silent,
        "dole": dole,
        "pension": pension,
        "rider_pension": rider_pension,
    }


def test_each_rule_hits_its_planted_case_and_not_the_near_miss(world, planted):
    run = risk_screen(actor=SYSTEM, on=ON, trigger=ScreeningRun.Trigger.COMMAND)
    rider, freelancer = world.rider, world.freelancer
    got = {(c.rule, c.case_key): c for c in RiskCase.objects.all()}
    assert sorted(got) == [
        ("claim_without_orders", f"claim:{planted['silent'].pk}"),
        ("injury_claimed_twice", f"claims:{planted['first'].pk}-{planted['second'].pk}"),
        ("paid_after_death", f"award:{planted['rider_pension'].pk}"),
        ("two_provinces_same_day", f"person:{rider.pk}:2026-03-05"),
        ("unemployment_while_working", f"award:{planted['dole'].pk}"),
    ]
    assert (run.hits, run.cases_new, run.persons) == (5, 5, None)
    assert run.rules == sorted(run.rules) and len(run.rules) == 8
    death = got[("paid_after_death", f"award:{planted['rider_pension'].pk}")]
    assert (death.person_id, death.score) == (rider.pk, 87)
    assert death.evidence == {
        "award_id": planted["rider_pension"].pk,
        "claim_kind": "PENSION",
        "died_on": "2026-01-20",
        "death_source": "civil register",
        "months_paid_after_death": 2,
        "first_month_after_death": "2026-02-01",
        "last_month_after_death": "2026-03-01",
        "amount_cents_after_death": 500000,
    }
    assert death.parameters == {"grace_months": 0}
    dole = got[("unemployment_while_working", f"award:{planted['dole'].pk}")]
    assert (dole.person_id, dole.organisation_id, dole.score) == (freelancer.pk, world.courier.pk, 75)
    assert dole.evidence == {
        "award_id": planted["dole"].pk,
        "months_paid_while_working": 1,
        "months": ["2026-03"],
        "orders_in_those_months": 10,
    }
    twice = got[("two_provinces_same_day", f"person:{rider.pk}:2026-03-05")]
    assert twice.evidence == {
        "served_on": "2026-03-05",
        "provinces": ["110000", "440000"],
        "orders_per_province": [3, 3],
    }
    silent = got[("claim_without_orders", f"claim:{planted['silent'].pk}")]
    assert silent.evidence == {
        "claim_id": planted["silent"].pk,
        "injured_on": "2026-03-11",
        "orders_that_day": 0,
        "last_order_before": "2026-03-01",
        "orders_in_lookback": 1,
    }


def test_a_later_run_keeps_each_case_once_and_a_decided_case_keeps_its_outcome(world, planted):
    officer = world.users["officer"]
    first = risk_screen(actor=SYSTEM, on=ON, trigger=ScreeningRun.Trigger.COMMAND)
    case = RiskCase.objects.get(rule="paid_after_death")
    risk_case_decide(
        actor=Actor(label="officer", user_id=officer.pk), case=case, outcome="CONFIRMED", note="bank confirms"
    )
    second = risk_screen(actor=SYSTEM, on=ON, trigger=ScreeningRun.Trigger.SCHEDULE)
    assert (second.hits, second.cases_new, RiskCase.objects.count()) == (5, 0, 5)
    case.refresh_from_db()
    assert (case.status, case.times_seen, case.first_run_id, case.last_run_id) == ("CONFIRMED", 2, first.pk, second.pk)
    assert list(case_queue().values_list("rule", flat=True)) == [
        "injury_claimed_twice",
        "unemployment_while_working",
        "two_provinces_same_day",
        "claim_without_orders",
    ]


def test_outcomes_give_each_rule_its_precision_and_are_audited(world, planted):
    officer = Actor(label="officer", user_id=world.users["officer"].pk)
    risk_screen(actor=SYSTEM, on=ON, trigger=ScreeningRun.Trigger.COMMAND)
    risk_case_decide(actor=officer, case=RiskCase.objects.get(rule="paid_after_death"), outcome="CONFIRMED", note="yes")
    risk_case_decide(
        actor=officer, case=RiskCase.objects.get(rule="two_provinces_same_day"), outcome="FALSE_POSITIVE", note="a trip"
    )
    standing = {s.rule.name: (s.open, s.confirmed, s.false_positive, s.precision) for s in rule_standings(ON)}
    assert standing["paid_after_death"] == (0, 1, 0, 1.0)
    assert standing["two_provinces_same_day"] == (0, 0, 1, 0.0)
    assert standing["claim_without_orders"] == (1, 0, 0, None)
    assert standing["orders_outlier"] == (0, 0, 0, None)
    entries = AuditEntry.objects.filter(action="risk.case_decided").order_by("id")
    assert [(e.after["status"], e.after["outcome_note"], e.before["status"]) for e in entries] == [
        ("CONFIRMED", "yes", "OPEN"),
        ("FALSE_POSITIVE", "a trip", "OPEN"),
    ]
    assert AuditEntry.objects.filter(action="risk.screened").count() == 1


def test_a_refused_outcome_changes_nothing(world, planted):
    officer = Actor(label="officer", user_id=world.users["officer"].pk)
    risk_screen(actor=SYSTEM, on=ON, trigger=ScreeningRun.Trigger.COMMAND)
    case = RiskCase.objects.get(rule="paid_after_death")
    with pytest.raises(ValidationFailed) as bad:
        risk_case_decide(actor=officer, case=case, outcome="MAYBE", note="?")
    assert (bad.value.code, bad.value.field) == ("risk_bad_outcome", "outcome")
    with pytest.raises(ValidationFailed) as empty:
        risk_case_decide(actor=officer, case=case, outcome="CONFIRMED", note="  ")
    assert (empty.value.code, empty.value.field) == ("risk_note_required", "note")
    audited = AuditEntry.objects.count()
    case.refresh_from_db()
    assert (case.status, case.outcome_note, case.decided_at) == ("OPEN", "", None)
    risk_case_decide(actor=officer, case=case, outcome="FALSE_POSITIVE", note="late notice")
    with pytest.raises(Conflict) as again:
        risk_case_decide(actor=officer, case=case, outcome="CONFIRMED", note="changed my mind")
    assert again.value.code == "risk_case_decided"
    case.refresh_from_db()
    assert (case.status, case.outcome_note, AuditEntry.objects.count()) == (
        "FALSE_POSITIVE",
        "late notice",
        audited + 1,
    )


def test_an_event_screens_only_the_persons_it_concerns_with_the_person_rules(world, planted):
    run = risk_screen(actor=SYSTEM, on=ON, trigger=ScreeningRun.Trigger.DEATH, persons=[world.rider.pk])
    assert run.persons == [world.rider.pk]
    assert "orders_outlier" not in run.rules and "paid_after_death" in run.rules
    assert sorted(RiskCase.objects.values_list("rule", flat=True)) == [
        "injury_claimed_twice",
        "paid_after_death",
        "two_provinces_same_day",
    ]


def test_a_death_recorded_queues_the_screening_of_that_person(world, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from socsec.benefits.payments import death_notice_record

    settings.SOCSEC_RISK_ON_EVENTS = True
    with django_capture_on_commit_callbacks(execute=True):
        death_notice_record(actor=SYSTEM, person_id=world.freelancer.pk, died_on=dt.date(2026, 1, 2), source="register")
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"]) == (
        "socsec.risk.tasks.screen_persons",
        [[world.freelancer.pk], "DEATH"],
    )


def test_a_claim_submitted_queues_the_screening_of_its_claimant(world, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from tests.web.test_claim_pages import injury

    settings.SOCSEC_RISK_ON_EVENTS = True
    with django_capture_on_commit_callbacks(execute=True):
        injury(world)
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.args_kwargs["args"]) == (
        "socsec.risk.tasks.screen_persons",
        [[world.rider.pk], "CLAIM"],
    )


def test_a_pay_run_queues_the_screening_of_the_persons_it_paid(
    world, data_dir, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from socsec.benefits.models import BenefitPayment
    from socsec.benefits.payments import pay_month
    from socsec.risk.tasks import screen_pay_run
    from tests.benefits.pensions import pension_in_payment

    pension_in_payment(world.freelancer, start_month="2026-03")
    pension_in_payment(world.employee, start_month="2026-03")
    settings.SOCSEC_RISK_ON_EVENTS = True
    with django_capture_on_commit_callbacks(execute=True):
        paid = pay_month(actor=SYSTEM, month="2026-03", today=ON)
    paid_persons = sorted(
        set(BenefitPayment.objects.filter(run=paid.run).values_list("award__claim__person_id", flat=True))
    )
    assert paid.new_payments > 0 and paid_persons == sorted([world.freelancer.pk, world.employee.pk])
    (task,) = DBTaskResult.objects.filter(task_path="socsec.risk.tasks.screen_pay_run")
    assert task.args_kwargs["args"] == [paid.run.pk]
    with django_capture_on_commit_callbacks(execute=True):  # the month again: nothing new paid, nothing queued
        again = pay_month(actor=SYSTEM, month="2026-03", today=ON)
    assert again.new_payments == 0
    assert DBTaskResult.objects.filter(task_path="socsec.risk.tasks.screen_pay_run").count() == 1
    outcome = screen_pay_run.call(paid.run.pk, ON.isoformat())  # what the worker runs
    run = ScreeningRun.objects.get()
    assert outcome["run"] == run.pk
    assert (run.trigger, run.persons) == ("PAY_RUN", paid_persons)
    assert "paid_after_death" in run.rules and "orders_outlier" not in run.rules  # the person rules only


def test_the_queued_screening_of_a_person_keeps_their_cases(world, planted):
    from socsec.risk.tasks import screen_persons

    outcome = screen_persons.call([world.freelancer.pk], "CLAIM", "2026-04-01")
    run = ScreeningRun.objects.get()
    assert outcome == {"run": run.pk, "hits": 1, "cases_new": 1, "rows": run.rows}
    assert (run.trigger, run.persons) == ("CLAIM", [world.freelancer.pk])
    assert list(RiskCase.objects.values_list("rule", "person_id")) == [
        ("unemployment_while_working", world.freelancer.pk)
    ]


def test_an_order_amended_twice_takes_its_latest_amendment(world, data_dir):
    import duckdb

    from socsec.risk.sources import orders_sql

    day = dt.date(2026, 3, 5)
    rows.orders(world.platform, [("x1", world.rider.pk, "440300", "RIDE_HAILING", day)], "o")
    rows.amend(world.platform, "x1", world.employee.pk, "440100", "a1")
    rows.amend(world.platform, "x1", world.freelancer.pk, None, "a2")  # the later one, keeping the region
    found = duckdb.sql(f"SELECT order_id, person_id, region FROM ({orders_sql()})").fetchall()
    assert found == [("x1", world.freelancer.pk, "440100")]
