"""The demo's late payment: the fleet driver whose month the tax authority collected nothing of is paid
for afterwards. The stand-in exchange publishes the receipt (a file of later payments) as the tax
authority would, and SocSec's fetch records it as a supplementary result: the month is paid, counts on
the driver's record and in his individual account, and leaves the fleet's arrears from the day paid.
Idempotent: a re-run records nothing twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from socsec.taxexchange.models import CollectionReceipt, Handover
from socsec.taxexchange.runs import tax_fetch
from socsec.taxexchange.standin import DropFolderExchange

from .employers import EMPLOYERS, unpaid_driver
from .pilot import ACTOR


def demo_late_payment(today: dt.date | None = None) -> None:
    """The unpaid driver's month of last month paid today, and fetched."""
    today = today or timezone.localdate()
    month = f"{today.replace(day=1) - dt.timedelta(days=1):%Y-%m}"
    handover = Handover.objects.filter(
        employer__code=EMPLOYERS[1][0], month=month, state=Handover.State.RESULTS_IN
    ).first()
    if handover is None:
        return
    receipt_id = f"{handover.document_id}-LATE-1"
    if CollectionReceipt.objects.filter(receipt_id=receipt_id).exists():
        return
    exchange = DropFolderExchange(Path(settings.SOCSEC_TAX_EXCHANGE["folder"]))
    exchange.pay_late(document_id=handover.document_id, receipt_id=receipt_id, paid_on=today, person_id=unpaid_driver())
    tax_fetch(actor=ACTOR, exchange=exchange)
