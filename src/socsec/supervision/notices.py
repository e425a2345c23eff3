"""Fund alerts told to the supervisors through the notification outbox: the channel ``apps.ready``
registers with ``alerts.register_channel``. Each supervisor gets one notice per alert (its inbox, and email
or SMS as they chose); notices the law requires are not these, so a supervisor may switch them off."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import translation

from socsec.accounts.models import Role, User
from socsec.notifications.recipients import user
from socsec.notifications.services import notify_many

from .models import FundAlert

EVENT = "fund.alert"


def tell_supervisors(alerts: Sequence[FundAlert]) -> None:
    """One notice per alert and supervisor, written in one transaction (deduplicated per alert)."""
    supervisors = list(User.objects.filter(role=Role.SUPERVISOR, is_active=True).values_list("pk", flat=True))
    with translation.override("en"):  # the kind's msgid: each reader sees it in their own language
        kinds = {alert.pk: str(FundAlert.Kind(alert.kind).label) for alert in alerts}
    rows = [
        (
            user(user_id),
            {
                "kind": kinds[alert.pk],
                "scheme": alert.scheme,
                "province": alert.province,
                "month": alert.month,
            },
            f"fund-alert:{alert.pk}",
        )
        for alert in alerts
        for user_id in supervisors
    ]
    if rows:
        with transaction.atomic():
            notify_many(event=EVENT, rows=rows)
