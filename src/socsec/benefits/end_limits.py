"""The limit claims put on an engagement's end: not before the event (the injury) of a claim on that
work that was not rejected or withdrawn (registered with the registry by ``BenefitsConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max

from socsec.registry.errors import RegistryErrorCode
from socsec.registry.models import Engagement
from socsec.registry.services import EndLimit

from .models import Claim


def claim_limit(engagement: Engagement, end_date: dt.date) -> EndLimit | None:
    """Broken when a live claim on the engagement has its event after ``end_date``."""
    latest = (
        Claim.objects.filter(engagement=engagement, event_date__gt=end_date)
        .exclude(status__in=[Claim.Status.REJECTED, Claim.Status.WITHDRAWN])
        .aggregate(day=Max("event_date"))["day"]
    )
    if latest is None:
        return None
    return EndLimit(
        latest,
        RegistryErrorCode.END_BEFORE_CLAIM,
        "the engagement cannot end on %(end)s: a claim on this work has its event on %(event)s",
        {"end": end_date.isoformat(), "event": latest.isoformat()},
    )
