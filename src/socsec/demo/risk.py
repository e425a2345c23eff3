"""The demo's risk queue: the whole database screened once the demo's stories are loaded. The stories plant
the cases: an injury reported through SwiftRide on a day its data show no order of the rider, the
unemployed worker who rides for FeastGo while paid unemployment benefit, and the retired worker's death
three months ago, told late by a death notice after his pension was paid on (the notice goes through the
same service as any). One case is confirmed by the officer so that the rules page shows a precision.
Re-running screens again: the cases are kept once."""

from __future__ import annotations

import datetime as dt

from socsec.accounts.models import User
from socsec.audit.services import Actor

from .pilot import ACTOR


def demo_risk(today: dt.date | None = None) -> int:
    """Screen everything on ``today``; the open cases in the queue."""
    from socsec.benefits.models import BenefitPayment, DeathNotice
    from socsec.benefits.payments import death_notice_record
    from socsec.core.months import month_first_day, month_index
    from socsec.risk.models import RiskCase, ScreeningRun
    from socsec.risk.services import risk_case_decide, risk_screen

    today = today or dt.date.today()
    pensioner = (
        BenefitPayment.objects.filter(award__claim__kind="PENSION")
        .order_by("id")
        .values_list("award__claim__person_id", flat=True)
        .first()
    )
    if pensioner is not None and not DeathNotice.objects.filter(person_id=pensioner).exists():
        death_notice_record(
            actor=ACTOR,
            person_id=pensioner,
            died_on=month_first_day(month_index(today) - 4) + dt.timedelta(days=19),
            source="a death notice from the family, received late",
            today=today,
        )
    risk_screen(actor=ACTOR, on=today, trigger=ScreeningRun.Trigger.COMMAND)
    officer = User.objects.get(username="officer")
    first = (
        RiskCase.objects.filter(rule="unemployment_while_working", status=RiskCase.Status.OPEN).order_by("id").first()
    )
    if first is not None:
        risk_case_decide(
            actor=Actor(label="officer", user_id=officer.pk),
            case=first,
            outcome=RiskCase.Status.CONFIRMED,
            note="The platform's orders show him riding every week of a month paid by unemployment benefit.",
        )
    return RiskCase.objects.filter(status=RiskCase.Status.OPEN).count()
