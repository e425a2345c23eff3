"""The demo's unemployed rider: 陈海, whose job at the Guangzhou manufacturer ended at the end of the month
before last (his unemployment claim is one of ``claims``), rides for FeastGo in Guangzhou since the first
of last month. His orders are reported by the platform as a batch of their own, so the payment run finds
them: they are reported to the officer on his claim and his benefit goes on being paid. Idempotent."""

from __future__ import annotations

import datetime as dt

from socsec.core.months import month_first_day, month_index, month_last_day, month_name
from socsec.registry.models import Engagement, Organisation
from socsec.registry.services import engagement_create
from socsec.rules.coverage import Category, Sector

from .people import story_person
from .pilot import ACTOR

RIDER = ("44010619880612003", "陈海", "440100")  # the unemployment story's person
PLATFORM = "feastgo"
ORDERS = 18


def demo_rider(today: dt.date | None = None) -> None:
    from socsec.contributions.models import OrderBatch
    from socsec.contributions.orders.ingest import orders_ingest

    today = today or dt.date.today()
    previous = month_index(today) - 1
    month, first, last = month_name(previous), month_first_day(previous), month_last_day(previous)
    platform = Organisation.objects.get(code=PLATFORM)
    key = f"demo-rider-{month}"
    if (
        OrderBatch.objects.filter(platform=platform, idempotency_key=key)
        .exclude(status=OrderBatch.Status.WRITING)
        .exists()
    ):
        return
    person = story_person(*RIDER)
    if not Engagement.objects.filter(person=person, organisation=platform).exists():
        engagement_create(
            actor=ACTOR,
            person=person,
            organisation=platform,
            category=Category.MANAGED_NON_LABOUR,
            sector=Sector.FOOD_DELIVERY,
            work_region=RIDER[2],
            start_date=first,
        )
    lines = ["order_id,resident_id,region,sector,order_date,fare_cents"]
    for n in range(ORDERS):  # evenings on most days of the month, fares of 12 to 46 yuan
        day = first + dt.timedelta(days=(n * 5 // 3) % last.day)
        lines.append(f"{key}-{n},{person.resident_id},{RIDER[2]},{Sector.FOOD_DELIVERY},{day},{1200 + 200 * n}")
    orders_ingest(
        actor=ACTOR,
        platform=platform,
        content=("\n".join(lines) + "\n").encode(),
        fmt="csv",
        idempotency_key=key,
        source=f"demo:{PLATFORM}-rider-{month}.csv",
        today=today,
    )
