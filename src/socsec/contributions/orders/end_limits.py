"""The limit orders put on an engagement's end: not before the last order the organisation reported
for the worker (registered with the registry by ``ContributionsConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from socsec.registry.errors import RegistryErrorCode
from socsec.registry.models import Engagement
from socsec.registry.services import EndLimit

from .selectors import last_order_after


def last_order_limit(engagement: Engagement, end_date: dt.date) -> EndLimit | None:
    """Broken when the organisation reported an order of the worker after ``end_date``."""
    last = last_order_after(platform=engagement.organisation, person_id=engagement.person_id, after=end_date)
    if last is None:
        return None
    return EndLimit(
        last,
        RegistryErrorCode.END_BEFORE_LAST_ORDER,
        "the engagement cannot end on %(end)s: %(organisation)s reported orders of this worker up to %(last)s",
        {"end": end_date.isoformat(), "organisation": engagement.organisation.code, "last": last.isoformat()},
    )
