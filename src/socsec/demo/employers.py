"""The demo's employers: a delivery station and a fleet company employing riders and drivers in a labour
relation, with their work-injury standing, an HR account each, and last month's payroll declared through the
same service as real declarations (and so assessed), then handed over to the tax authority through the
local stand-in (a drop folder in the var dir) and its results fetched: every contribution paid except
those of one fleet driver. One row of the station's file is wrong on purpose, to show the error report.
Idempotent: a re-run declares and hands over nothing twice."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from socsec.accounts.models import Role, User
from socsec.accounts.services import user_create
from socsec.employers.models import EmployerProfile, PayrollDeclaration
from socsec.registry.models import Engagement, Organisation, Person
from socsec.registry.services import engagements_import, organisation_create, persons_import
from socsec.rules.coverage import Category, Sector

from .people import build_people, credit_code
from .pilot import ACTOR, DEMO_PASSWORD

# code, English name, Chinese name, sector, region, industry risk class, floating step, employees
EMPLOYERS = [
    ("kuaida-station", "Kuaida Delivery Station", "快达配送站", Sector.INSTANT_DELIVERY, "440300", 2, 0, 14),
    ("yuntong-fleet", "Yuntong Fleet Company", "运通车队", Sector.RIDE_HAILING, "110100", 3, 1, 10),
]


def demo_employers(today: dt.date | None = None) -> None:
    """The employers, their employees and HR accounts (once), and last month's payrolls (once a month)."""
    today = today or dt.date.today()
    month = f"{today.replace(day=1) - dt.timedelta(days=1):%Y-%m}"
    if not Organisation.objects.filter(code=EMPLOYERS[0][0]).exists():
        _register()
    for code, *_rest in EMPLOYERS:
        _declare(Organisation.objects.get(code=code), month)
    _collect(month)


def unpaid_driver() -> int:
    """The person whose contributions the stand-in leaves unpaid: the fleet's first driver."""
    first = Engagement.objects.filter(organisation__code=EMPLOYERS[1][0]).order_by("id").first()
    assert first is not None
    return first.person_id


def _collect(month: str) -> None:
    """Hand the month's assessed amounts to the stand-in tax exchange and fetch its results (a month
    already handed over with the same amounts is left as it is)."""
    from pathlib import Path

    from django.conf import settings

    from socsec.taxexchange.runs import tax_exchange_run
    from socsec.taxexchange.standin import DropFolderExchange

    folder = Path(settings.SOCSEC_TAX_EXCHANGE["folder"])
    folder.mkdir(parents=True, exist_ok=True)
    exchange = DropFolderExchange(folder, unpaid_persons=frozenset({unpaid_driver()}))
    tax_exchange_run(actor=ACTOR, month=month, exchange=exchange)


def _register() -> None:
    rng = random.Random("demo-employers")
    with transaction.atomic():
        for code, name, name_zh, sector, region, risk, step, employees in EMPLOYERS:
            employer = organisation_create(
                actor=ACTOR,
                code=code,
                name=name,
                name_zh=name_zh,
                kind=Organisation.Kind.EMPLOYER,
                credit_code=credit_code(rng, region),
                registered_region_code=region,
            )
            EmployerProfile.objects.create(organisation=employer, industry_class=risk, injury_float_step=step)
            rows = [
                r
                for r in build_people(rng, employees)
                if not Person.objects.with_resident_id(r["resident_id"]).exists()
            ]
            for row in rows:
                row["residence_region"] = region
            people = persons_import(actor=ACTOR, rows=rows)
            start = dt.date(2024, 3, 1)
            engagements_import(
                actor=ACTOR,
                rows=[
                    {
                        "person": person,
                        "organisation": employer,
                        "category": Category.LABOUR_RELATION.value,
                        "sector": sector.value,
                        "work_region": region,
                        "start_date": start,
                        "end_date": None,
                        "external_ref": f"{code[:3].upper()}-{i:04d}",
                    }
                    for i, person in enumerate(people, start=1)
                ],
            )
            if not User.objects.filter(username=code).exists():
                user_create(
                    actor=ACTOR, username=code, password=DEMO_PASSWORD, role=Role.PLATFORM, organisation=employer
                )


def _declare(employer: Organisation, month: str) -> None:
    """Last month's payroll of the employer: its employees' wages (drawn from the month, so a re-run sends
    the same file), with one wage below the minimum in the station's file."""
    from socsec.employers.declarations import payroll_declare

    key = f"demo-payroll-{month}"
    if PayrollDeclaration.objects.filter(employer=employer, idempotency_key=key).exists():
        return
    rng = random.Random(f"demo-payroll-{employer.code}-{month}")
    people = Engagement.objects.filter(organisation=employer, category=Category.LABOUR_RELATION.value).order_by("id")
    lines = ["person_id,wage_cents,base_wage_cents"]
    for n, person_id in enumerate(people.values_list("person_id", flat=True)):
        wage = rng.randrange(560_000, 1_150_000, 100)
        base = rng.randrange(520_000, 1_050_000, 100) if rng.random() < 0.7 else ""
        if n == 3 and employer.code == EMPLOYERS[0][0]:
            wage = 120_000  # below Shenzhen's minimum wage: refused, shown in the error report
        lines.append(f"{person_id},{wage},{base}")
    payroll_declare(
        actor=ACTOR,
        employer=employer,
        month=month,
        content=("\n".join(lines) + "\n").encode(),
        fmt="csv",
        idempotency_key=key,
        source="demo",
    )
