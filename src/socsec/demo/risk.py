"""The demo's risk queue: the whole database screened once the demo's stories are loaded. The stories plant
the cases: an injury reported through SwiftRide on a day its data show no order of the rider, the
unemployed worker who rides for FeastGo while paid unemployment benefit, and whatever the rules find in the
orders. One case is confirmed by the officer so that the rules page shows a precision. Re-running screens
again: the cases are kept once."""

from __future__ import annotations

import datetime as dt

from socsec.accounts.models import User
from socsec.audit.services import Actor

from .pilot import ACTOR


def demo_risk(today: dt.date | None = None) -> int:
    """Screen everything on ``today``; the open cases in the queue."""
    from socsec.risk.models import RiskCase, ScreeningRun
    from socsec.risk.services import risk_case_decide, risk_screen

    today = today or dt.date.today()
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
