"""What the two-agency test runs inside each agency (``python -c`` with Django set up on its database),
through the services: the sending agency's riders with the worked example's record and their transfers
issued into the outbox; the receiving agency's register of the same riders."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time

from stdnum.cn import ric

SENDING_REGION, RECEIVING_REGION = "440300", "510100"
REGIONS = [
    ("440000", "Guangdong", "广东省", None),
    ("440300", "Shenzhen", "深圳市", "440000"),
    ("510000", "Sichuan", "四川省", None),
    ("510100", "Chengdu", "成都市", "510000"),
]
# the worked example (rules/scenarios/pension_transfer_agencies.yaml): year, months, monthly base in cents
CONTRIBUTIONS = [(2024, 12, 700_000), (2025, 12, 800_000)]
MOVED_ON = dt.date(2026, 3, 10)


def resident_ids(count: int) -> list[str]:
    """Men born in 1990 (no temporary account at 36), registered in Shenzhen."""
    out = []
    for i in range(count):
        body = f"440305{dt.date(1990, 1, 1) + dt.timedelta(days=i // 450):%Y%m%d}{1 + 2 * (i % 450):03d}"
        out.append(body + ric.calc_check_digit(body + "0"))
    return out


def _regions(actor: object) -> None:
    from socsec.registry.services import region_create

    for code, name, zh, parent in REGIONS:
        region_create(actor=actor, code=code, name=name, name_zh=zh, parent_code=parent)


def sending_agency(count: int, receiving_agency: str) -> None:
    from socsec.audit.services import Actor
    from socsec.contributions.own.payments import own_contribution_pay
    from socsec.interagency.pension_transfer import transfers_send
    from socsec.registry.services import engagement_create, organisation_create, person_register
    from socsec.transfers.services import transfer_request

    actor = Actor.system("test:setup")
    started = time.monotonic()
    _regions(actor)
    platform = organisation_create(
        actor=actor, code="ridego", name="RideGo", kind="PLATFORM", registered_region_code=SENDING_REGION
    )
    transfers = []
    for n, rid in enumerate(resident_ids(count)):
        person = person_register(actor=actor, resident_id=rid, name=f"骑手{n}", residence_region=SENDING_REGION)
        engagement_create(
            actor=actor,
            person=person,
            organisation=platform,
            category="CIVIL_LAW",
            sector="RIDE_HAILING",
            work_region=SENDING_REGION,
            start_date=dt.date(2023, 6, 1),
        )
        for year, months, base in CONTRIBUTIONS:
            own_contribution_pay(
                actor=actor,
                person=person,
                scheme="EMPLOYEE_PENSION",
                period_start=dt.date(year, 1, 1),
                months=months,
                declared_base_cents=base,
                today=dt.date(year, 1, 10),
            )
        transfers.append(
            transfer_request(
                actor=actor,
                person=person,
                to_region=RECEIVING_REGION,
                receiving_agency=receiving_agency,
                today=MOVED_ON,
            )
        )
    records = time.monotonic()
    report = transfers_send(actor=actor, transfers=transfers)
    assert not report.refused, report.refused
    print(json.dumps({"records_s": round(records - started, 2), "issue_s": round(time.monotonic() - records, 2)}))


def receiving_agency(count: int) -> None:
    from socsec.audit.services import Actor
    from socsec.registry.services import person_register

    actor = Actor.system("test:setup")
    _regions(actor)
    for n, rid in enumerate(resident_ids(count)):
        person_register(actor=actor, resident_id=rid, name=f"骑手{n}", residence_region=SENDING_REGION)


if __name__ == "__main__":
    import django

    django.setup()
    if sys.argv[1] == "sending":
        sending_agency(int(sys.argv[2]), sys.argv[3])
    else:
        receiving_agency(int(sys.argv[2]))
