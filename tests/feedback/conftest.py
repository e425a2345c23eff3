"""Completed services of the small world: two claims decided (one within its limit, one late), the first
payment on the first, and an own contribution put on the record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from socsec.benefits.models import Award, BenefitPayment, Claim, PaymentRun
from socsec.contributions.models import OwnContribution
from socsec.registry.models import Region

TODAY = dt.date(2026, 6, 1)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def decided_claim(
    person, *, submitted: dt.date, due: dt.date, decided: dt.date, kind=Claim.Kind.OCCUPATIONAL_INJURY
) -> Claim:
    return Claim.objects.create(
        person=person,
        kind=kind,
        status=Claim.Status.AWARDED,
        event_date=submitted - dt.timedelta(days=1),
        reported_by=Claim.Reporter.WORKER,
        submitted_on=submitted,
        decision_due=due,
        decided_on=decided,
    )


def first_payment(claim: Claim, *, month: str, run_day: dt.date) -> BenefitPayment:
    award = Award.objects.create(
        claim=claim,
        item="oip_medical",
        label="medical",
        payer=Award.Payer.FUND,
        amount_cents=120_000,
        start_month=month,
        explanation={},
    )
    run, _ = PaymentRun.objects.get_or_create(month=month)
    PaymentRun.objects.filter(pk=run.pk).update(started_at=at(run_day))
    return BenefitPayment.objects.create(run=run, award=award, month=month, amount_cents=120_000)


def own_contribution(person, *, paid: dt.date, recorded: dt.date) -> OwnContribution:
    row = OwnContribution.objects.create(
        person=person,
        scheme=OwnContribution.Scheme.EMPLOYEE_PENSION,
        region=Region.objects.get(code="110100"),
        period_start=paid.replace(day=1),
        months=1,
        declared_base_cents=500_000,
        paid_cents=100_000,
        individual_account_cents=40_000,
        pooled_cents=60_000,
        explanation={},
        paid_on=paid,
    )
    OwnContribution.objects.filter(pk=row.pk).update(created_at=at(recorded))
    return row


@dataclass(frozen=True)
class Done:
    on_time: Claim  # the rider's, decided in 18 days (limit 60), first paid 21 days later
    late: Claim  # the employee's, decided in 70 days against a due date 60 days on
    contribution: OwnContribution  # the rider's, on the record 2 days after the payment


@pytest.fixture
def done(world) -> Done:
    on_time = decided_claim(
        world.rider, submitted=dt.date(2026, 3, 2), due=dt.date(2026, 5, 1), decided=dt.date(2026, 3, 20)
    )
    late = decided_claim(
        world.employee, submitted=dt.date(2026, 1, 5), due=dt.date(2026, 3, 6), decided=dt.date(2026, 3, 16)
    )
    first_payment(on_time, month="2026-04", run_day=dt.date(2026, 4, 10))
    contribution = own_contribution(world.rider, paid=dt.date(2026, 5, 10), recorded=dt.date(2026, 5, 12))
    return Done(on_time, late, contribution)


def transfer(person, *, source: str, target: str, requested: dt.date, completed: dt.date | None):
    """An outgoing pension transfer, completed on ``completed`` (None: issued, not completed yet)."""
    from socsec.transfers.models import Channel, OutgoingTransfer

    status = OutgoingTransfer.Status.COMPLETED if completed else OutgoingTransfer.Status.ISSUED
    return OutgoingTransfer.objects.create(
        person=person,
        from_region=Region.objects.get(code=source),
        to_region=Region.objects.get(code=target),
        channel=Channel.WORKER,
        receiving_agency="agency",
        status=status,
        document_id=f"doc-{person.pk}-{requested.isoformat()}",
        requested_at=at(requested),
        completed_at=at(completed) if completed else None,
    )


@dataclass(frozen=True)
class Moved:
    on_time: object  # the employee's, Beijing to Shenzhen, completed in 39 days (limit 42)
    late: object  # the freelancer's, Guangzhou to Taiyuan, completed in 77 days
    open: object  # the rider's, issued and not completed: nothing to rate


@pytest.fixture
def moved(world) -> Moved:
    return Moved(
        transfer(
            world.employee,
            source="110100",
            target="440300",
            requested=dt.date(2026, 3, 2),
            completed=dt.date(2026, 4, 10),
        ),
        transfer(
            world.freelancer,
            source="440100",
            target="140100",
            requested=dt.date(2026, 2, 2),
            completed=dt.date(2026, 4, 20),
        ),
        transfer(world.rider, source="440300", target="110100", requested=dt.date(2026, 5, 4), completed=None),
    )
