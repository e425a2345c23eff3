"""The supervisor's view of the demo: alert thresholds on the funds, checked against this month's figures
to date, so that the fund dashboard opens with the alerts the demo's money raises (the pilot's funds pay
the month's benefits out of a single month's contributions). Re-running sets the same thresholds and
raises nothing twice."""

from __future__ import annotations

import datetime as dt

from .pilot import ACTOR

THRESHOLDS = (
    # scheme, reserve below N months, arrears growing K months, claims up more than X%
    ("OIP", "3", 3, 50),
    ("EMPLOYEE_PENSION", "6", None, None),
    ("UNEMPLOYMENT", "6", None, 100),
)


def demo_supervision(today: dt.date | None = None) -> int:
    """Set the demo's thresholds and check this month's figures against them; the alerts raised now."""
    from socsec.core.months import month_of
    from socsec.supervision.alerts import fund_alerts_evaluate, fund_threshold_set

    today = today or dt.date.today()
    for scheme, reserve, growth, jump in THRESHOLDS:
        fund_threshold_set(
            actor=ACTOR,
            scheme=scheme,
            reserve_months=reserve,
            arrears_growth_months=growth,
            claims_jump_percent=jump,
        )
    return len(fund_alerts_evaluate(actor=ACTOR, month=month_of(today), today=today))
