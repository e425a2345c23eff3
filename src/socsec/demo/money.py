"""Last month assessed and invoiced, the platforms' payments and the demo worker's own contribution."""

from __future__ import annotations

import contextlib
import datetime as dt

from socsec.registry.models import Organisation, Person

from .pilot import ACTOR


def demo_money(today: dt.date | None = None) -> None:
    """Last month assessed and invoiced; SwiftRide pays its invoices in full, FeastGo half; the demo
    worker pays this month's pension on the lowest base. Every step is idempotent (a run with nothing
    new records nothing, payments are once per bank reference, a month is paid once), so a re-run
    changes nothing."""
    from socsec.contributions.assessment.runs import assessment_run
    from socsec.contributions.collection.payments import payment_record
    from socsec.contributions.models import Invoice, OwnContribution
    from socsec.contributions.own.payments import own_contribution_pay
    from socsec.core.errors import DomainError

    today = today or dt.date.today()
    month = f"{today.replace(day=1) - dt.timedelta(days=1):%Y-%m}"
    assessment_run(actor=ACTOR, month=month, today=today)
    for code, halves in (("swiftride", 2), ("feastgo", 1)):
        owed = sum(Invoice.objects.filter(platform__code=code, month=month).values_list("amount_cents", flat=True))
        cents = owed * halves // 2
        if cents > 0:
            platform = Organisation.objects.get(code=code)
            reference = f"DEMO-{code.upper()}-{month}"
            payment_record(
                actor=ACTOR,
                platform=platform,
                amount_cents=cents,
                received_on=today,
                reference=reference,
                source="demo",
            )
    worker = Person.objects.filter(user__username="worker").first()
    start = today.replace(day=1)
    if worker is None or OwnContribution.objects.filter(person=worker, period_start=start).exists():
        return
    with contextlib.suppress(DomainError):  # not open to the worker on this date: only the platforms' part shows
        own_contribution_pay(
            actor=ACTOR,
            person=worker,
            scheme="EMPLOYEE_PENSION",
            period_start=start,
            months=1,
            declared_base_cents=1,  # raised to the floor by the rules
            today=today,
        )
