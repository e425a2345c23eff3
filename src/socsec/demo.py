"""A realistic synthetic pilot, loaded through the same services and checks as real data.

Three provinces with their own average wages and pilot dates (Beijing and Guangdong from the 2022
first batch, Shanxi from the 2026 nationwide roll-out), four platforms for the four pilot sectors, an
intermediary agency, an ordinary employer, and a few thousand workers in all four categories: some on
several platforms, some working in another city than their registered residence, some also employed.
All names and companies are invented. Loading is deterministic (seeded) and safe to re-run."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from stdnum.cn import ric, uscc

from socsec.accounts.models import Role
from socsec.accounts.services import token_issue, user_create
from socsec.audit.services import Actor
from socsec.contributions.models import OrderBatch
from socsec.coverage.services import activation_create
from socsec.demo_benefits import load_demo_claims
from socsec.registry.models import Engagement, Organisation, Person, Region
from socsec.registry.services import engagements_import, organisation_create, persons_import, region_create
from socsec.registry.validation import is_valid_resident_id
from socsec.rules.coverage import Category, Sector

DEMO_PASSWORD = "socsec-demo-2026"  # printed by `socsec demo`; demo accounts only
ACTOR = Actor.system("demo-loader")

REGIONS = [
    ("110000", "Beijing", "北京市", None),
    ("110100", "Beijing city districts", "北京市市辖区", "110000"),
    ("440000", "Guangdong", "广东省", None),
    ("440100", "Guangzhou", "广州市", "440000"),
    ("440300", "Shenzhen", "深圳市", "440000"),
    ("140000", "Shanxi", "山西省", None),
    ("140100", "Taiyuan", "太原市", "140000"),
    ("140200", "Datong", "大同市", "140000"),
]
CITIES = ["110100", "440100", "440300", "140100", "140200"]
CITY_WEIGHTS = [30, 22, 25, 15, 8]

# code, English name, Chinese name, kind, sector, registered region (None: no local registration)
ORGANISATIONS = [
    (
        "swiftride",
        "SwiftRide Mobility",
        "迅行出行",
        Organisation.Kind.PLATFORM,
        Sector.RIDE_HAILING,
        "110100",
    ),
    (
        "feastgo",
        "FeastGo Food Delivery",
        "饭到外卖",
        Organisation.Kind.PLATFORM,
        Sector.FOOD_DELIVERY,
        "440300",
    ),
    (
        "dashdrop",
        "DashDrop Instant Delivery",
        "闪送达",
        Organisation.Kind.PLATFORM,
        Sector.INSTANT_DELIVERY,
        None,
    ),
    (
        "cityhaul",
        "CityHaul Freight",
        "城运货的",
        Organisation.Kind.PLATFORM,
        Sector.INTRA_CITY_FREIGHT,
        "440100",
    ),
    (
        "staffbridge",
        "StaffBridge Labour Services",
        "桥才人力资源",
        Organisation.Kind.INTERMEDIARY,
        Sector.LOGISTICS,
        "140100",
    ),
    (
        "huaxin-mfg",
        "Huaxin Precision Manufacturing",
        "华信精密制造",
        Organisation.Kind.EMPLOYER,
        Sector.MANUFACTURING,
        "440100",
    ),
]
PLATFORMS = ["swiftride", "feastgo", "dashdrop", "cityhaul"]

# (province, platform or None for all, start, local reference)
ACTIVATIONS = [
    ("110000", None, dt.date(2022, 7, 1), "Beijing OIP implementation notice (demo)"),
    ("440000", "feastgo", dt.date(2022, 7, 1), "Guangdong OIP implementation notice (demo)"),
    ("440000", "dashdrop", dt.date(2022, 7, 1), "Guangdong OIP implementation notice (demo)"),
    ("440000", "swiftride", dt.date(2023, 1, 1), "Guangdong OIP second wave (demo)"),
    ("440000", "cityhaul", dt.date(2023, 1, 1), "Guangdong OIP second wave (demo)"),
    ("140000", None, dt.date(2026, 1, 1), "Shanxi OIP roll-out (demo)"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰华建国志红玉梅文斌鹏飞宇浩然子轩欣怡晨阳思雨俊杰佳琪"


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    regions: int
    organisations: int
    persons: int
    engagements: int
    multi_platform: int
    cross_region: int
    by_category: dict[str, int]
    token: str | None


def _credit_code(rng: random.Random, region: str | None) -> str:
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


def load_demo(*, workers: int = 2400, seed: int = 2022, progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Load the demo pilot unless it is already there: the register in one transaction, then last
    month's orders (each platform's batch is idempotent, so a re-run completes what a broken one left)."""
    if Organisation.objects.filter(code="swiftride").exists():
        _demo_orders({o.code: o for o in Organisation.objects.filter(code__in=PLATFORMS)})
        _demo_money()
        load_demo_claims()
        return summarise(created=False, token=None)
    say = progress or (lambda _text: None)
    rng = random.Random(seed)
    say(f"loading the register ({workers} workers) in one transaction")
    with transaction.atomic():
        for code, name, name_zh, parent in REGIONS:
            if not Region.objects.filter(code=code).exists():
                region_create(actor=ACTOR, code=code, name=name, name_zh=name_zh, parent_code=parent)
        orgs: dict[str, Organisation] = {}
        for code, name, name_zh, kind, _sector, region in ORGANISATIONS:
            orgs[code] = organisation_create(
                actor=ACTOR,
                code=code,
                name=name,
                name_zh=name_zh,
                kind=kind,
                credit_code=_credit_code(rng, region) if region else None,
                registered_region_code=region,
            )
        for province, platform, start, reference in ACTIVATIONS:
            activation_create(
                actor=ACTOR,
                scheme="OIP",
                region_code=province,
                organisation_code=platform,
                start_date=start,
                reference=reference,
            )
        people = persons_import(actor=ACTOR, rows=build_people(rng, workers))
        people = list(Person.objects.select_related("residence_region").filter(pk__in=[p.pk for p in people]))
        engagements_import(actor=ACTOR, rows=build_engagements(rng, people, orgs))
        _demo_accounts(people)
        _token, key = token_issue(actor=ACTOR, organisation=orgs["swiftride"], name="demo")
    say("register loaded; reporting last month's orders of each platform")
    _demo_orders(orgs)
    say("assessing last month, invoicing it and recording payments")
    _demo_money()
    say("claims: injuries, a pension, unemployment, long-term care; paying last month")
    load_demo_claims()
    return summarise(created=True, token=key)


def _demo_orders(orgs: dict[str, Organisation], today: dt.date | None = None) -> None:
    """Last month's orders of every platform, reported as one CSV batch each, through the same
    ingestion as real reports. One row per platform is wrong on purpose, to show the error report.
    The content depends only on the register and the month, so a re-run replays the same batches."""
    from socsec.contributions.orders.ingest import orders_ingest

    today = today or dt.date.today()
    last_day = today.replace(day=1) - dt.timedelta(days=1)
    first_day = last_day.replace(day=1)
    month = f"{first_day:%Y-%m}"
    for code in PLATFORMS:
        done = OrderBatch.objects.filter(platform=orgs[code], idempotency_key=f"demo-{month}").exclude(
            status=OrderBatch.Status.WRITING
        )
        if done.exists():  # reported on an earlier run (the register may have changed since)
            continue
        rng = random.Random(f"demo-orders-{code}-{month}")
        engagements = (
            Engagement.objects.filter(organisation=orgs[code], start_date__lte=first_day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=last_day))
            .select_related("person", "work_region")
        )
        lines = ["order_id,resident_id,region,sector,order_date,fare_cents"]
        for e in engagements.order_by("id"):
            for n in range(rng.randint(5, 120)):
                day = first_day + dt.timedelta(days=rng.randrange(last_day.day))
                fare = rng.randint(800, 9000)
                lines.append(
                    f"{code}-{month}-{e.pk}-{n},{e.person.resident_id},{e.work_region.code},{e.sector},"
                    f"{day.isoformat()},{fare}"
                )
        first = engagements.first()
        if first is not None:
            lines.append(
                f"{code}-{month}-bad-1,{first.person.resident_id},000000,{first.sector},{first_day.isoformat()},100"
            )
        orders_ingest(
            actor=ACTOR,
            platform=orgs[code],
            content="\n".join(lines).encode(),
            fmt="csv",
            idempotency_key=f"demo-{month}",
            source=f"demo:{code}-{month}.csv",
            today=today,
        )


def _demo_money(today: dt.date | None = None) -> None:
    """Last month assessed and invoiced; SwiftRide pays its invoices in full, FeastGo half; the demo
    worker pays this month's pension on the lowest base. Every step is idempotent (a run with nothing
    new records nothing, payments are once per bank reference, a month is paid once), so a re-run
    changes nothing."""
    from socsec.contributions.assessment.runs import assessment_run
    from socsec.contributions.collection.payments import payment_record
    from socsec.contributions.models import Invoice, OwnContribution
    from socsec.contributions.own.payments import own_contribution_pay
    from socsec.core.errors import DomainError

    today = today or dt.date.today()
    month = f"{today.replace(day=1) - dt.timedelta(days=1):%Y-%m}"
    assessment_run(actor=ACTOR, month=month, today=today)
    for code, halves in (("swiftride", 2), ("feastgo", 1)):
        owed = sum(Invoice.objects.filter(platform__code=code, month=month).values_list("amount_cents", flat=True))
        cents = owed * halves // 2
        if cents > 0:
            platform = Organisation.objects.get(code=code)
            reference = f"DEMO-{code.upper()}-{month}"
            payment_record(
                actor=ACTOR,
                platform=platform,
                amount_cents=cents,
                received_on=today,
                reference=reference,
                source="demo",
            )
    worker = Person.objects.filter(user__username="worker").first()
    start = today.replace(day=1)
    if worker is None or OwnContribution.objects.filter(person=worker, period_start=start).exists():
        return
    with contextlib.suppress(DomainError):  # not open to the worker on this date: only the platforms' part shows
        own_contribution_pay(
            actor=ACTOR,
            person=worker,
            scheme="EMPLOYEE_PENSION",
            period_start=start,
            months=1,
            declared_base_cents=1,  # raised to the floor by the rules
            today=today,
        )


def _demo_accounts(people: list[Person]) -> None:
    for username, role in (
        ("officer", Role.OFFICER),
        ("supervisor", Role.SUPERVISOR),
        ("auditor", Role.AUDITOR),
    ):
        user_create(actor=ACTOR, username=username, password=DEMO_PASSWORD, role=role)
    # the demo worker: someone on two platforms, working away from home
    away_from_home = (
        Engagement.objects.filter(organisation__kind=Organisation.Kind.PLATFORM, person__in=people)
        .exclude(work_region=F("person__residence_region"))
        .values("person")
        .annotate(n=Count("organisation", distinct=True))
        .filter(n__gte=1)
        .values_list("person", flat=True)
    )
    two_platforms = set(
        Engagement.objects.filter(organisation__kind=Organisation.Kind.PLATFORM)
        .values("person")
        .annotate(n=Count("organisation", distinct=True))
        .filter(n__gte=2)
        .values_list("person", flat=True)
    )
    chosen = sorted(pk for pk in away_from_home if pk in two_platforms)
    worker = Person.objects.get(pk=chosen[0]) if chosen else people[0]
    user_create(actor=ACTOR, username="worker", password=DEMO_PASSWORD, role=Role.WORKER, person=worker)
    platform = Organisation.objects.get(code="swiftride")
    user_create(actor=ACTOR, username="swiftride", password=DEMO_PASSWORD, role=Role.PLATFORM, organisation=platform)


def summarise(*, created: bool, token: str | None) -> DemoSummary:
    multi = (
        Engagement.objects.filter(organisation__kind=Organisation.Kind.PLATFORM)
        .values("person")
        .annotate(n=Count("organisation", distinct=True))
        .filter(n__gte=2)
        .count()
    )
    cross = Engagement.objects.exclude(work_region=F("person__residence_region")).values("person").distinct().count()
    by_category = dict(Engagement.objects.values_list("category").annotate(n=Count("id")).order_by("category"))
    return DemoSummary(
        created=created,
        regions=Region.objects.count(),
        organisations=Organisation.objects.count(),
        persons=Person.objects.count(),
        engagements=Engagement.objects.count(),
        multi_platform=multi,
        cross_region=cross,
        by_category=by_category,
        token=token,
    )
