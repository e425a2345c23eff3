"""The officer's review of the stops a payment run makes from registry data: each stop is recorded with its
evidence; lifting it with a reason pays the withheld months in the next run (what was recovered given back),
confirming keeps it, a review does not carry a lifted stop over, and the person is told."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.benefits.models import Award, PersonNotice, Suspension
from socsec.benefits.notices import notice_text
from socsec.benefits.payments import death_notice_record, pay_month
from socsec.benefits.suspensions import suspension_confirm, suspension_lift, suspensions_to_review
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.ledger.selectors import balance
from tests.benefits.test_awards_and_payments import (
    awarded,
    hired_while_paid,
    officer,
    reviewed,
    unemployment_assessed,
)
from tests.world import SYSTEM

MONTHLY = 360000  # grade 3: 80% of 4,500 yuan a month
GRANT = 10350000


def died_in_june(world):
    """The rider's grade-3 award, paid May to July; a death on 20 June is reported; August's run stops the
    allowance from July and recovers July."""
    claim = awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-07", today=dt.date(2026, 8, 1))
    death_notice_record(
        actor=SYSTEM, person_id=world.rider.pk, died_on=dt.date(2026, 6, 20), source="civil registry exchange"
    )
    august = pay_month(actor=SYSTEM, month="2026-08", today=dt.date(2026, 9, 1))
    assert [(p.month, p.kind, p.amount_cents) for p in august.run.payments.all()] == [("2026-07", "RECOVERY", -MONTHLY)]
    return claim


def test_a_stop_waits_for_an_officer_with_its_evidence(world, data_dir):
    claim = died_in_june(world)
    [stop] = suspensions_to_review()
    notice = world.rider.death_notice
    assert (stop.award.item, stop.person_id, stop.trigger, stop.trigger_key, stop.from_month, stop.run_month) == (
        "oip_disability_allowance_monthly",
        world.rider.pk,
        "DEATH",
        f"death:{notice.pk}",
        "2026-07",
        "2026-08",
    )
    assert stop.evidence == {
        "notice": notice.pk,
        "died_on": "2026-06-20",
        "source": "civil registry exchange",
        "received_on": notice.received_on.isoformat(),
    }
    assert (stop.status, stop.reason) == ("PENDING", "death on 2026-06-20 (civil registry exchange)")
    assert stop.award.claim_id == claim.pk
    # the next run neither stops it twice nor records it twice
    pay_month(actor=SYSTEM, month="2026-09", today=dt.date(2026, 10, 1))
    assert Suspension.objects.count() == 1


def test_lifting_pays_the_withheld_months_in_the_next_run(world, data_dir):
    died_in_june(world)
    [stop] = suspensions_to_review()
    before = AuditEntry.objects.count()
    lifted = suspension_lift(
        actor=officer(world),
        suspension=stop,
        reason="The notice named another person of the same name.",
        today=dt.date(2026, 9, 3),
    )
    assert (lifted.status, lifted.decided_by_id, lifted.decided_on, lifted.decision_reason) == (
        "LIFTED",
        world.users["officer"].pk,
        dt.date(2026, 9, 3),
        "The notice named another person of the same name.",
    )
    award = Award.objects.get(item="oip_disability_allowance_monthly")
    assert (award.suspended_from, award.suspended_reason) == ("", "")
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[before:]) == [
        "benefit.award.resume",
        "benefit.suspension.lift",
    ]
    september = pay_month(actor=SYSTEM, month="2026-09", today=dt.date(2026, 10, 1))
    assert [(p.month, p.kind, p.amount_cents) for p in september.run.payments.order_by("month", "kind")] == [
        ("2026-07", "RESTORATION", MONTHLY),  # the recovery given back
        ("2026-08", "PAYMENT", MONTHLY),  # withheld in August's run
        ("2026-09", "PAYMENT", MONTHLY),
    ]
    assert (september.new_payments, september.new_cents, september.suspended) == (3, 3 * MONTHLY, [])
    assert balance("fund:OIP:440000") == GRANT + 5 * MONTHLY  # May to September, each once
    again = pay_month(actor=SYSTEM, month="2026-09", today=dt.date(2026, 10, 2))
    assert again.new_payments == 0  # nothing twice, and the stop is not made again for the same notice
    assert Suspension.objects.count() == 1


def test_confirming_keeps_the_stop(world, data_dir):
    died_in_june(world)
    [stop] = suspensions_to_review()
    suspension_confirm(
        actor=officer(world), suspension=stop, reason="Death certificate seen.", today=dt.date(2026, 9, 3)
    )
    stop.refresh_from_db()
    assert (stop.status, stop.decision_reason) == ("CONFIRMED", "Death certificate seen.")
    assert Award.objects.get(item="oip_disability_allowance_monthly").suspended_from == "2026-07"
    september = pay_month(actor=SYSTEM, month="2026-09", today=dt.date(2026, 10, 1))
    assert (september.new_payments, september.new_cents) == (0, 0)
    assert list(suspensions_to_review()) == []
    with pytest.raises(Conflict):  # decided once: a second decision is refused
        suspension_lift(actor=officer(world), suspension=stop, reason="changed my mind")


def test_a_decision_needs_a_reason_and_an_officer_and_changes_nothing_otherwise(world, data_dir):
    died_in_june(world)
    [stop] = suspensions_to_review()
    with pytest.raises(ValidationFailed, match="reason: is required"):
        suspension_lift(actor=officer(world), suspension=stop, reason="  ")
    platform = Actor(label="platform", organisation_id=world.platform.pk)
    with pytest.raises(Forbidden):
        suspension_lift(actor=platform, suspension=stop, reason="no")
    stop.refresh_from_db()
    assert (stop.status, Award.objects.get(item="oip_disability_allowance_monthly").suspended_from) == (
        "PENDING",
        "2026-07",
    )
    assert PersonNotice.objects.count() == 0


def test_a_review_does_not_carry_a_lifted_stop_over(world, data_dir):
    claim = died_in_june(world)
    [stop] = suspensions_to_review()
    suspension_lift(actor=officer(world), suspension=stop, reason="wrong person", today=dt.date(2026, 9, 3))
    claim.refresh_from_db()
    from socsec.benefits.decisions import claim_approve

    claim = reviewed(world, claim, 2, dt.date(2026, 9, 10))
    claim = claim_approve(actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version)
    new = claim.awards.get(status="ACTIVE", item="oip_disability_allowance_monthly")
    assert (new.amount_cents, new.suspended_from, new.suspended_reason) == (382500, "", "")
    september = pay_month(actor=SYSTEM, month="2026-09", today=dt.date(2026, 10, 1))
    assert september.suspended == []  # the death notice lifted does not stop the new award either
    assert not september.run.payments.filter(award__status="SUPERSEDED").exists()  # replaced: nothing back
    grant = september.run.payments.get(award__item="oip_disability_grant")
    assert (grant.month, grant.amount_cents) == ("2026-05", 900000)  # 112,500 less 103,500 paid
    monthly = september.run.payments.filter(award=new).order_by("month")
    assert [(p.month, p.kind, p.amount_cents) for p in monthly] == [
        ("2026-05", "PAYMENT", 22500),  # the raise for the months paid before the review
        ("2026-06", "PAYMENT", 22500),
        ("2026-07", "PAYMENT", 382500),  # in full: the replaced award's July was recovered, netting nothing
        ("2026-08", "PAYMENT", 382500),
        ("2026-09", "PAYMENT", 382500),
    ]


def test_the_person_is_told_in_their_language(world, data_dir):
    from django.utils import translation

    died_in_june(world)
    [stop] = suspensions_to_review()
    suspension_lift(actor=officer(world), suspension=stop, reason="wrong person", today=dt.date(2026, 9, 3))
    [notice] = PersonNotice.objects.filter(person=world.rider)
    assert (notice.kind, notice.claim_id, notice.params) == (
        "suspension_lifted",
        stop.award.claim_id,
        {"month": "2026-07", "reason": "wrong person"},
    )
    with translation.override("en"):
        assert notice_text(notice) == (
            "Your benefit is paid again from 2026-07; what was held back is paid in the next payment run. "
            "An officer checked it: wrong person"
        )
    with translation.override("zh-hans"):
        assert (
            notice_text(notice)
            == "您的待遇自2026-07起恢复发放，暂停期间未发的款项将在下一次发放时补发。经办人员的核查意见：wrong person"
        )


def unemployed_then_hired(world):
    """The employee's unemployment benefit from March 2026, paid for March; a labour contract with Zipper
    Courier from 10 April appears (re-employment): April's run stops the benefit from April."""
    new_job, april = hired_while_paid(world, unemployment_assessed(world))
    assert april.new_payments == 0
    return new_job


def test_a_stop_from_a_new_engagement_shows_it_and_once_lifted_is_not_made_again(world, data_dir):
    new_job = unemployed_then_hired(world)
    [stop] = suspensions_to_review()
    assert (stop.trigger, stop.trigger_key, stop.from_month, stop.run_month) == (
        "ENGAGEMENT",
        f"engagement:{new_job.pk}",
        "2026-04",
        "2026-04",
    )
    assert stop.evidence == {
        "engagement": new_job.pk,
        "organisation": world.courier.code,
        "organisation_name": "Zipper Courier",
        "category": "LABOUR_RELATION",
        "sector": "INSTANT_DELIVERY",
        "start_date": "2026-04-10",
        "end_date": "",
    }
    monthly = 180000  # the unemployment benefit's monthly amount in this world
    assert (stop.award.item, stop.award.amount_cents) == ("unemployment_benefit_monthly", monthly)
    suspension_lift(actor=officer(world), suspension=stop, reason="A few hours a week, under the earnings limit.")
    may = pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 1))
    assert may.suspended == []  # the same engagement does not stop it again
    assert [(p.month, p.kind, p.amount_cents) for p in may.run.payments.order_by("month")] == [
        ("2026-04", "PAYMENT", monthly),
        ("2026-05", "PAYMENT", monthly),
    ]
