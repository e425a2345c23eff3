"""The synthetic workers and their engagements, drawn from a seeded random generator: valid resident IDs
and credit codes, names, home cities, platforms and categories."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from typing import Any

from django.db.models import Min
from stdnum.cn import ric, uscc

from socsec.registry.models import Engagement, Organisation, Person
from socsec.registry.validation import is_valid_resident_id
from socsec.rules.coverage import Category, Sector

from .pilot import CITIES, CITY_WEIGHTS, GIVEN, ORGANISATIONS, PLATFORMS, SURNAMES


def in_drawn_order(person_ids: Iterable[int]) -> list[int]:
    """These persons in the order the demo drew them. Person ids are random, so their order means nothing;
    the loader registers each person's engagements in the order it drew the persons, so a person's first
    engagement id gives that order (persons without one come last, by id)."""
    first = dict(Engagement.objects.values("person").annotate(first=Min("id")).values_list("person", "first"))
    last = 1 + max(first.values(), default=0)
    return sorted(person_ids, key=lambda pk: (first.get(pk, last), pk))


def story_person(rid_body: str, name: str, region: str) -> Person:
    """A named person of the demo's stories (a resident ID of the 17 digits given and its check digit),
    registered once."""
    from socsec.audit.services import Actor
    from socsec.registry.services import person_register

    rid = rid_body + ric.calc_check_digit(rid_body + "0")
    found = Person.objects.with_resident_id(rid).first()
    return found or person_register(
        actor=Actor.system("demo-loader"), resident_id=rid, name=name, residence_region=region
    )


def credit_code(rng: random.Random, region: str | None) -> str:
    body = "91" + (region or "110000") + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _resident_id(rng: random.Random, city: str, birth: dt.date, male: bool, used: set[str]) -> str:
    for _attempt in range(10_000):
        district = city[:4] + f"{rng.randrange(0, 100):02d}"
        seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
        body = f"{district}{birth:%Y%m%d}{seq:03d}"
        rid = body + ric.calc_check_digit(body + "0")
        if rid not in used and is_valid_resident_id(rid):
            used.add(rid)
            return rid
    raise RuntimeError(f"no valid resident ID found for city {city}")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))


def _start(rng: random.Random, birth: dt.date) -> dt.date:
    earliest = max(dt.date(2020, 1, 1), dt.date(birth.year + 17, 1, 1))
    latest = dt.date(2026, 10, 1)
    return earliest + dt.timedelta(days=rng.randrange(max(1, (latest - earliest).days)))


def _other_city(rng: random.Random, home: str) -> str:
    return rng.choice([c for c in CITIES if c != home])


def build_people(rng: random.Random, n: int) -> list[dict[str, Any]]:
    used: set[str] = set()
    rows = []
    for _ in range(n):
        male = rng.random() < 0.78  # platform work is mostly done by men
        birth = dt.date(1963, 1, 1) + dt.timedelta(days=rng.randrange(365 * 43))
        city = rng.choices(CITIES, CITY_WEIGHTS)[0]
        rows.append(
            {
                "resident_id": _resident_id(rng, city, birth, male, used),
                "name": _name(rng),
                "residence_region": city,
            }
        )
    return rows


def build_engagements(rng: random.Random, people: list[Person], orgs: dict[str, Organisation]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    sector_of = {code: sector for code, _n, _z, _k, sector, _r in ORGANISATIONS}

    def add(
        person: Person,
        org: str,
        category: Category,
        sector: str,
        region: str,
        start: dt.date,
        end: dt.date | None = None,
    ) -> None:
        rows.append(
            {
                "person": person,
                "organisation": orgs[org],
                "category": category.value,
                "sector": sector,
                "work_region": region,
                "start_date": start,
                "end_date": end,
                "external_ref": f"{org[:3].upper()}-{person.pk:06d}",
            }
        )

    for person in people:
        home = person.residence_region.code
        draw = rng.random()
        region = home if rng.random() < 0.75 else _other_city(rng, home)
        start = _start(rng, person.birth_date)
        if draw < 0.62:  # platform workers
            platform = rng.choice(PLATFORMS)
            category = rng.choices(
                [
                    Category.MANAGED_NON_LABOUR,
                    Category.CIVIL_LAW,
                    Category.SELF_EMPLOYED,
                    Category.LABOUR_RELATION,
                ],
                [50, 30, 14 if platform == "cityhaul" else 6, 6],
            )[0]
            end = start + dt.timedelta(days=rng.randrange(90, 900)) if rng.random() < 0.12 else None
            if end and end > dt.date(2026, 11, 1):
                end = None
            add(person, platform, category, sector_of[platform].value, region, start, end)
            if rng.random() < 0.2:  # a second platform, often in the same city
                second = rng.choice([p for p in PLATFORMS if p != platform])
                add(
                    person,
                    second,
                    rng.choice([Category.CIVIL_LAW, Category.MANAGED_NON_LABOUR]),
                    sector_of[second].value,
                    region,
                    _start(rng, person.birth_date),
                )
        elif draw < 0.80:  # factory employees, a third of them riding in the evenings
            add(person, "huaxin-mfg", Category.LABOUR_RELATION, Sector.MANUFACTURING.value, "440100", start)
            if rng.random() < 0.33:
                add(
                    person,
                    rng.choice(["feastgo", "dashdrop"]),
                    Category.CIVIL_LAW,
                    Sector.INSTANT_DELIVERY.value,
                    "440100",
                    _start(rng, person.birth_date),
                )
        elif draw < 0.92:  # through the intermediary agency
            if rng.random() < 0.5:
                add(person, "staffbridge", Category.LABOUR_RELATION, Sector.LOGISTICS.value, region, start)
            else:
                add(person, "staffbridge", Category.CIVIL_LAW, Sector.DOMESTIC_SERVICES.value, region, start)
        else:  # self-employed drivers on the freight platform, or flexible workers on the agency's books
            org = "cityhaul" if rng.random() < 0.6 else "staffbridge"
            sector = Sector.INTRA_CITY_FREIGHT.value if org == "cityhaul" else Sector.OTHER_SERVICES.value
            add(person, org, Category.SELF_EMPLOYED, sector, region, start)
    return rows
