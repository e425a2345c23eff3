"""The limit orders put on an engagement's end: not before the last order the organisation reported
for the worker in any batch ever accepted, withdrawn or voided since (``LastOrder``, registered with the
registry by ``ContributionsConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from socsec.registry.errors import RegistryErrorCode
from socsec.registry.models import Engagement
from socsec.registry.services import EndLimit

from .last_orders import last_order_on


def last_order_limit(engagement: Engagement, end_date: dt.date) -> EndLimit | None:
    """Broken when the organisation reported an order of the worker after ``end_date``."""
    last = last_order_on(platform=engagement.organisation, person_id=engagement.person_id)
    if last is None or last <= end_date:
        return None
    return EndLimit(
        last,
        RegistryErrorCode.END_BEFORE_LAST_ORDER,
        "the engagement cannot end on %(end)s: %(organisation)s reported orders of this worker up to %(last)s",
        {"end": end_date.isoformat(), "organisation": engagement.organisation.code, "last": last.isoformat()},
    )
