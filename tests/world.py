"""A small registry built through the services, shared by the domain, API and page tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stdnum.cn import ric

from socsec.accounts.models import Role, User
from socsec.accounts.services import token_issue, user_create
from socsec.audit.services import Actor
from socsec.coverage.services import activation_create
from socsec.registry.models import Engagement, Organisation, Person
from socsec.registry.services import engagement_create, organisation_create, person_register, region_create

SYSTEM = Actor.system("test")
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
