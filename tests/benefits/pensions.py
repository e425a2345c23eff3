"""A pension in payment, as several tests need one: an old-age claim awarded in 2015 with its monthly award
(3,123.45 yuan, paid by the fund); ``award`` overrides the award's fields (its status, first month)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from socsec.benefits.models import Award, Claim
from socsec.registry.models import Person


def pension_in_payment(person: Person, **award: Any) -> Award:
    claim = Claim.objects.create(
        person=person,
        kind="PENSION",
        status="AWARDED",
        event_date=dt.date(2015, 1, 1),
        reported_by="OFFICER",
        submitted_on=dt.date(2015, 1, 2),
        decision_due=dt.date(2015, 3, 3),
    )
    fields: dict[str, Any] = {
        "item": "pension_monthly",
        "label": "pension",
        "payer": "FUND",
        "periodic": True,
        "amount_cents": 312345,
        "explanation": {},
    }
    return Award.objects.create(claim=claim, **(fields | award))
