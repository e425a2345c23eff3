"""The demo's transfer story: 赵磊, a ride-hailing driver registered in Shenzhen, paid his own employee
pension there from July 2023 to June 2025 (the worked example of ``rules/scenarios/pension_transfer.yaml``:
bases of 6,500.00, 7,000.00 and 7,500.00 yuan a month), then moved to Beijing and asked online to take his
pension with him. The sending side checks and issues the transfer document; Beijing credits it; the transfer
is completed: 20,160.00 yuan of pooled fund out of Guangdong into Beijing, his individual account of
13,440.00 yuan in full, 24 months of record. Idempotent."""

from __future__ import annotations

import datetime as dt

from socsec.registry.models import Engagement, Organisation
from socsec.registry.services import engagement_create
from socsec.rules.coverage import Category, Sector

from .people import story_person
from .pilot import ACTOR

DRIVER = ("44030419900708005", "赵磊", "440300")
PLATFORM = "swiftride"
# (first month, months paid at once, monthly base in cents): the worked example's years
PAID = [
    (dt.date(2023, 7, 1), 3, 650_000),
    (dt.date(2023, 10, 1), 3, 650_000),
    (dt.date(2024, 1, 1), 12, 700_000),
    (dt.date(2025, 1, 1), 3, 750_000),
    (dt.date(2025, 4, 1), 3, 750_000),
]
MOVED_TO = "110100"


def demo_transfer(today: dt.date | None = None) -> None:
    from socsec.contributions.models import OwnContribution
    from socsec.contributions.own.payments import own_contribution_pay
    from socsec.transfers.models import OutgoingTransfer
    from socsec.transfers.services import transfer_deliver_locally, transfer_request

    today = today or dt.date.today()
    person = story_person(*DRIVER)
    if OutgoingTransfer.objects.filter(person=person, status=OutgoingTransfer.Status.COMPLETED).exists():
        return
    platform = Organisation.objects.get(code=PLATFORM)
    if not Engagement.objects.filter(person=person, organisation=platform).exists():
        engagement_create(
            actor=ACTOR,
            person=person,
            organisation=platform,
            category=Category.MANAGED_NON_LABOUR,
            sector=Sector.RIDE_HAILING,
            work_region="440300",
            start_date=dt.date(2023, 6, 1),
        )
    for start, months, base in PAID:
        if not OwnContribution.objects.filter(person=person, scheme="EMPLOYEE_PENSION", period_start=start).exists():
            own_contribution_pay(
                actor=ACTOR,
                person=person,
                scheme="EMPLOYEE_PENSION",
                period_start=start,
                months=months,
                declared_base_cents=base,
                today=start + dt.timedelta(days=9),
            )
    transfer = OutgoingTransfer.objects.filter(person=person).exclude(status=OutgoingTransfer.Status.REFUSED).first()
    if transfer is None:
        transfer = transfer_request(actor=ACTOR, person=person, to_region=MOVED_TO, today=today)
    transfer_deliver_locally(actor=ACTOR, transfer=transfer, today=today)
