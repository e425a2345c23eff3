"""What falls due with time: a platform told of each invoice past its due date with something unpaid (what
is unpaid as the collection reckons it), a worker of a month's own contribution neither paid nor withheld;
each once, however often the sweep runs."""

from __future__ import annotations

import datetime as dt

from socsec.contributions.collection.payments import payment_record
from socsec.contributions.models import VoluntaryEnrolment
from socsec.notifications import recipients
from socsec.notifications.models import Notice
from socsec.notifications.sweeps import contributions_due_notify, invoices_overdue_notify
from tests.contributions.invoices import two_invoices
from tests.world import SYSTEM


def told(event: str) -> list[tuple[str, dict, str]]:
    return list(Notice.objects.filter(event=event).order_by("id").values_list("recipient", "context", "dedupe_key"))


def test_each_overdue_invoice_is_told_once_with_what_is_left_to_pay(world):
    first, second = two_invoices(world)
    payment_record(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=400,
        received_on=dt.date(2026, 3, 20),
        reference="r1",
        source="test",
    )
    assert invoices_overdue_notify(on=dt.date(2026, 4, 1)) == 1  # the second is not due yet
    assert invoices_overdue_notify(on=dt.date(2026, 5, 1)) == 2  # both, the first told already
    platform = recipients.organisation(world.platform.pk)
    assert told("invoice.overdue") == [
        (
            platform,
            {"invoice": first.pk, "month": "2026-02", "due": "2026-03-15", "outstanding": "6.00"},
            str(first.pk),
        ),
        (
            platform,
            {"invoice": second.pk, "month": "2026-03", "due": "2026-04-15", "outstanding": "5.00"},
            str(second.pk),
        ),
    ]


def test_a_contribution_not_paid_for_the_month_is_told_once(world):
    for person in (world.rider, world.freelancer):
        VoluntaryEnrolment.objects.create(
            person=person, scheme="RESIDENT_PENSION", region=person.residence_region, joined_on=dt.date(2026, 1, 5)
        )
    from socsec.contributions.own.payments import own_contribution_pay

    own_contribution_pay(
        actor=SYSTEM,
        person=world.freelancer,
        scheme="EMPLOYEE_PENSION",
        declared_base_cents=1000000,
        period_start=dt.date(2026, 3, 1),
        today=dt.date(2026, 3, 2),
    )
    assert contributions_due_notify(on=dt.date(2026, 3, 10)) == 2
    contributions_due_notify(on=dt.date(2026, 3, 20))
    context = {"scheme": "residents' basic pension", "month": "2026-03"}
    assert told("contribution.due") == [
        (recipients.person(world.rider.pk), context, "RESIDENT_PENSION:2026-03"),
        (recipients.person(world.freelancer.pk), context, "RESIDENT_PENSION:2026-03"),
    ]
