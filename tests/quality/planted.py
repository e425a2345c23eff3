"""The small world with one planted finding per data-quality rule, as on ``ON``."""

from __future__ import annotations

import datetime as dt

from socsec.benefits.models import Award, Claim, DeathNotice
from socsec.contributions.models import LastOrder, OwnContribution
from socsec.notifications.models import Contact
from socsec.registry.models import Person, Region
from tests.world import World

D = dt.date
ON = D(2026, 5, 1)


def plant(world: World) -> None:
    """- the rider's ridego engagement took an order on 2026-04-20 (not idle); their zipper engagement
      (from 2024-03-01) and the employee's ridego engagement (from 2025-01-01) took none: 2 idle;
    - the freelancer's birth date was loaded as 1972-01-02 while the ID gives 1972-01-01;
    - zipper withheld the freelancer's contribution of 2026-03 without any engagement;
    - the employee died on 2026-02-01 with both engagements open (the employer's, ridego's to 2035);
    - the rider is paid a monthly benefit without phone or e-mail; the employee is too, with a phone."""
    LastOrder.objects.create(platform=world.platform, person_id=world.rider.pk, last_order_on=D(2026, 4, 20))
    Person.objects.filter(pk=world.freelancer.pk).update(birth_date=D(1972, 1, 2))
    OwnContribution.objects.create(
        person=world.freelancer,
        scheme="EMPLOYEE_PENSION",
        region=Region.objects.get(code="140000"),
        period_start=D(2026, 3, 1),
        months=1,
        paid_cents=100,
        individual_account_cents=40,
        pooled_cents=60,
        withheld_by=world.courier,
        explanation={},
        paid_on=D(2026, 4, 5),
    )
    DeathNotice.objects.create(person=world.employee, died_on=D(2026, 2, 1), source="civil register", received_on=ON)
    for person in (world.rider, world.employee):
        monthly_award(person)
    Contact.objects.create(recipient=f"person:{world.employee.pk}", phone="13800000000")


def monthly_award(person: Person) -> Award:
    claim = Claim.objects.create(
        person=person,
        kind="OCCUPATIONAL_INJURY",
        status="AWARDED",
        event_date=D(2025, 5, 1),
        reported_by="WORKER",
        submitted_on=D(2025, 5, 1),
        decision_due=D(2025, 6, 1),
    )
    return Award.objects.create(
        claim=claim,
        item="oip_disability_allowance",
        label="x",
        payer="FUND",
        periodic=True,
        amount_cents=100,
        start_month="2025-07",
        explanation={},
    )
