"""A small registry built through the services, shared by the domain, API and page tests; and its copy,
written back row for row in later tests instead of built again."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from stdnum.cn import ric

from socsec.accounts.models import Role, User
from socsec.accounts.services import token_issue, user_create
from socsec.audit import chain
from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.coverage.services import activation_create
from socsec.registry.models import Engagement, Organisation, Person
from socsec.registry.services import engagement_create, organisation_create, person_register, region_create

SYSTEM = Actor.system("test")
M = TypeVar("M", bound=models.Model)
PASSWORD = "correct horse battery"


def resident_id(district: str, birth: str, seq: int) -> str:
    """A valid ID: district code, birth date YYYYMMDD, 3-digit sequence (odd = man), check digit."""
    body = f"{district}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class World:
    platform: Organisation  # ride-hailing, activated in Guangdong
    courier: Organisation  # instant delivery, activated in Beijing only
    employer: Organisation
    agency: Organisation
    rider: Person  # two platforms, lives in Beijing, rides in Shenzhen too
    employee: Person  # labour relation with the employer + evening deliveries
    freelancer: Person  # self-employed, no platform
    rider_eng_platform: Engagement
    rider_eng_courier: Engagement
    platform_token: str
    courier_token: str
    users: dict[str, User]


def build_world() -> World:
    for code, name, zh, parent in [
        ("110000", "Beijing", "北京市", None),
        ("110100", "Beijing city", "北京市市辖区", "110000"),
        ("440000", "Guangdong", "广东省", None),
        ("440300", "Shenzhen", "深圳市", "440000"),
        ("440100", "Guangzhou", "广州市", "440000"),
        ("140000", "Shanxi", "山西省", None),
        ("140100", "Taiyuan", "太原市", "140000"),
    ]:
        region_create(actor=SYSTEM, code=code, name=name, name_zh=zh, parent_code=parent)
    platform = organisation_create(
        actor=SYSTEM, code="ridego", name="RideGo", kind="PLATFORM", registered_region_code="440300"
    )
    courier = organisation_create(actor=SYSTEM, code="zipper", name="Zipper Courier", kind="PLATFORM")
    employer = organisation_create(
        actor=SYSTEM, code="factory", name="Factory Ltd", kind="EMPLOYER", registered_region_code="440100"
    )
    agency = organisation_create(actor=SYSTEM, code="agency", name="Temp Agency", kind="INTERMEDIARY")
    activation_create(
        actor=SYSTEM,
        scheme="OIP",
        region_code="440000",
        organisation_code="ridego",
        start_date=dt.date(2023, 1, 1),
    )
    activation_create(
        actor=SYSTEM,
        scheme="OIP",
        region_code="110000",
        organisation_code="zipper",
        start_date=dt.date(2022, 7, 1),
    )
    activation_create(actor=SYSTEM, scheme="OIP", region_code="140000", start_date=dt.date(2026, 1, 1))

    rider = person_register(
        actor=SYSTEM,
        resident_id=resident_id("110105", "19900315", 11),
        name="张伟",
        residence_region="110100",
    )
    employee = person_register(
        actor=SYSTEM,
        resident_id=resident_id("440106", "19850704", 22),
        name="李娜",
        residence_region="440100",
    )
    freelancer = person_register(
        actor=SYSTEM,
        resident_id=resident_id("140100", "19720101", 33),
        name="王强",
        residence_region="140100",
    )
    e1 = engagement_create(
        actor=SYSTEM,
        person=rider,
        organisation=platform,
        category="MANAGED_NON_LABOUR",
        sector="RIDE_HAILING",
        work_region="440300",
        start_date=dt.date(2022, 9, 1),
    )
    e2 = engagement_create(
        actor=SYSTEM,
        person=rider,
        organisation=courier,
        category="CIVIL_LAW",
        sector="INSTANT_DELIVERY",
        work_region="110100",
        start_date=dt.date(2024, 3, 1),
    )
    engagement_create(
        actor=SYSTEM,
        person=employee,
        organisation=employer,
        category="LABOUR_RELATION",
        sector="MANUFACTURING",
        work_region="440100",
        start_date=dt.date(2015, 3, 1),
    )
    engagement_create(
        actor=SYSTEM,
        person=employee,
        organisation=platform,
        category="CIVIL_LAW",
        sector="RIDE_HAILING",
        work_region="440100",
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2035, 12, 31),
    )
    engagement_create(
        actor=SYSTEM,
        person=freelancer,
        organisation=agency,
        category="SELF_EMPLOYED",
        sector="OTHER_SERVICES",
        work_region="140100",
        start_date=dt.date(2021, 6, 1),
    )
    _t1, platform_key = token_issue(actor=SYSTEM, organisation=platform, name="test")
    _t2, courier_key = token_issue(actor=SYSTEM, organisation=courier, name="test")
    users = {
        "worker": user_create(actor=SYSTEM, username="rider", password=PASSWORD, role=Role.WORKER, person=rider),
        "officer": user_create(actor=SYSTEM, username="officer", password=PASSWORD, role=Role.OFFICER),
        "supervisor": user_create(actor=SYSTEM, username="supervisor", password=PASSWORD, role=Role.SUPERVISOR),
        "auditor": user_create(actor=SYSTEM, username="auditor", password=PASSWORD, role=Role.AUDITOR),
        "platform": user_create(
            actor=SYSTEM, username="ridego-staff", password=PASSWORD, role=Role.PLATFORM, organisation=platform
        ),
    }
    return World(
        platform,
        courier,
        employer,
        agency,
        rider,
        employee,
        freelancer,
        e1,
        e2,
        platform_key,
        courier_key,
        users,
    )


def socsec_models() -> list[type[models.Model]]:
    """Every table of every SocSec app (many-to-many tables included)."""
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("socsec.")
        for model in config.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _socsec_tables_empty() -> bool:
    tables = [model._meta.db_table for model in socsec_models()]
    quote = connection.ops.quote_name
    sql = "SELECT " + " OR ".join(f"EXISTS (SELECT 1 FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return not (row and row[0])


def _json_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]


def _other_counts() -> dict[str, int]:
    socsec = set(socsec_models())
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model not in socsec and model._meta.managed and not model._meta.proxy
    }


@dataclass
class WorldCopy:
    """The rows one build_world wrote, and the world's own objects by primary key. Building the world
    through the services takes about 30 ms, and some 450 tests use it; writing the same rows back takes a
    few. The first build of a run is recorded; later tests on a database whose SocSec tables are all empty
    (as they were then) get the same rows, primary keys and token keys back, with their timestamps moved
    to now. Anywhere else (another fixture wrote first; the build wrote outside the SocSec tables) the
    world is built through the services."""

    rows: dict[type[models.Model], list[dict[str, Any]]] = field(default_factory=dict)
    recorded_at: dt.datetime | None = None
    world_keys: dict[str, Any] = field(default_factory=dict)
    usable: bool = True

    def world(self) -> World:
        if not self.usable or not _socsec_tables_empty():
            return build_world()
        if self.recorded_at is None:
            return self._record()
        return self._write_back()

    def _record(self) -> World:
        others = _other_counts()
        world = build_world()
        recorded_at = timezone.now()  # written back, the world's times end now, as when just built
        if _other_counts() != others:
            self.usable = False
            return world
        for model in socsec_models():
            names = [f.attname for f in model._meta.concrete_fields]
            if rows := list(model._base_manager.order_by("pk").values(*names)):
                for row in rows:  # kept as text: each write-back decodes values of its own
                    for name in _json_fields(model):
                        row[name] = json.dumps(row[name])
                self.rows[model] = rows
        self.world_keys = {
            "organisations": [world.platform.pk, world.courier.pk, world.employer.pk, world.agency.pk],
            "people": [world.rider.pk, world.employee.pk, world.freelancer.pk],
            "engagements": [world.rider_eng_platform.pk, world.rider_eng_courier.pk],
            "tokens": (world.platform_token, world.courier_token),
            "users": {role: user.pk for role, user in world.users.items()},
        }
        self.recorded_at = recorded_at
        return world

    def _write_back(self) -> World:
        assert self.recorded_at is not None
        moved = timezone.now() - self.recorded_at
        made: dict[type[models.Model], dict[Any, models.Model]] = {}
        with transaction.atomic():  # foreign keys are checked at the end
            for model, rows in self.rows.items():
                times = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]
                texts = _json_fields(model)
                objects = []
                for recorded in rows:
                    row = dict(recorded)
                    for name in times:
                        if row[name] is not None:
                            row[name] += moved
                    for name in texts:
                        row[name] = json.loads(row[name])
                    objects.append(model(**row))
                if model is AuditEntry:  # its times moved: chained again, after nothing (the tables were empty)
                    chain.link(objects, chain.GENESIS)
                model._base_manager.bulk_create(objects)  # created_at (auto_now_add) is set to now here
                made[model] = {obj.pk: obj for obj in objects}
            with connection.cursor() as cursor:  # PostgreSQL: sequences go on after the rows written
                for statement in connection.ops.sequence_reset_sql(no_style(), list(self.rows)):
                    cursor.execute(statement)
        for by_pk in made.values():  # related objects of the world are the world's own, as when built
            for obj in by_pk.values():
                for fk in obj._meta.concrete_fields:
                    if isinstance(fk, models.ForeignKey) and fk.related_model in made:
                        target = made[fk.related_model].get(getattr(obj, fk.attname))
                        if target is not None:
                            fk.set_cached_value(obj, target)
        keys = self.world_keys

        def get(model: type[M], pk: Any) -> M:
            obj = made[model][pk]
            assert isinstance(obj, model)
            return obj

        platform, courier, employer, agency = (get(Organisation, pk) for pk in keys["organisations"])
        rider, employee, freelancer = (get(Person, pk) for pk in keys["people"])
        on_platform, on_courier = (get(Engagement, pk) for pk in keys["engagements"])
        platform_token, courier_token = keys["tokens"]
        users = {role: get(User, pk) for role, pk in keys["users"].items()}
        return World(
            platform,
            courier,
            employer,
            agency,
            rider,
            employee,
            freelancer,
            on_platform,
            on_courier,
            platform_token,
            courier_token,
            users,
        )
