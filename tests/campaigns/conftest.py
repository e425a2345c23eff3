"""A crowd of twenty delivery workers in Taiyuan (Shanxi), with fixed ids so a campaign's draw is known:
worker i (0-19) is born on 10 January 1980 + i, a man when i is even; works for the courier from 2025, as a
managed food-delivery rider, or (i % 5 == 4) for the agency as a self-employed shop worker; took orders in
May 2026 when i is even; joined the residents' pension in 2025 when i % 3 == 0."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from socsec.contributions.models import LastOrder, VoluntaryEnrolment
from socsec.registry.models import Person, Region
from socsec.registry.services import engagement_create, person_register
from tests.world import SYSTEM, World, resident_id

TODAY = dt.date(2026, 6, 1)
FIRST_ID = 900_000_000


@pytest.fixture
def crowd(world: World, monkeypatch: pytest.MonkeyPatch) -> list[Person]:
    ids: Iterator[int] = iter(range(FIRST_ID, FIRST_ID + 20))
    monkeypatch.setattr("socsec.registry.services.persons.new_person_id", lambda: next(ids))
    taiyuan = Region.objects.get(code="140100")
    people = []
    for i in range(20):
        person = person_register(
            actor=SYSTEM,
            resident_id=resident_id("140100", f"{1980 + i}0110", 2 * i + 1 if i % 2 == 0 else 2 * i + 2),
            name=f"工人{i}",
            residence_region="140100",
        )
        self_employed = i % 5 == 4
        engagement_create(
            actor=SYSTEM,
            person=person,
            organisation=world.agency if self_employed else world.courier,
            category="SELF_EMPLOYED" if self_employed else "MANAGED_NON_LABOUR",
            sector="RETAIL" if self_employed else "FOOD_DELIVERY",
            work_region="140100",
            start_date=dt.date(2025, 1, 1),
        )
        if i % 2 == 0:
            LastOrder.objects.create(platform=world.courier, person_id=person.pk, last_order_on=dt.date(2026, 5, 15))
        if i % 3 == 0:
            VoluntaryEnrolment.objects.create(
                person=person, scheme="RESIDENT_PENSION", region=taiyuan, joined_on=dt.date(2025, 3, 1)
            )
        people.append(person)
    return people
