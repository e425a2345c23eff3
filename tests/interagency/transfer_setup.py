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
    """The riders' records built in bulk from the services' own pieces: the first rider through the
    services (registered, engaged by the platform, two years paid: the quote, the record and its ledger
    posting), the others registered with ``persons_import`` and their engagements, payments and postings
    written a thousand at a time with the same amounts (every rider has the same record: the quote's
    amounts are the same for each) through ``copy_rows``/``post_many_keys``. Then each transfer is asked
    for and issued through the transfer services, as the pages do."""
    from django.db import transaction

    from socsec.audit.services import Actor
    from socsec.contributions.models import OwnContribution
    from socsec.contributions.own.amounts import own_contribution_posting
    from socsec.contributions.own.payments import own_contribution_pay, own_contribution_quote
    from socsec.core.bulk import copy_rows
    from socsec.interagency.pension_transfer import transfers_send
    from socsec.ledger.accounts import BANK_COLLECTION
    from socsec.ledger.services import post_many_keys
    from socsec.registry.models import Engagement
    from socsec.registry.services import engagement_create, organisation_create, person_register, persons_import
    from socsec.transfers.services import transfer_request

    actor = Actor.system("test:setup")
    started = time.monotonic()
    _regions(actor)
    platform = organisation_create(
        actor=actor, code="ridego", name="RideGo", kind="PLATFORM", registered_region_code=SENDING_REGION
    )
    ids = resident_ids(count)
    first = person_register(actor=actor, resident_id=ids[0], name="骑手0", residence_region=SENDING_REGION)
    engagement = engagement_create(
        actor=actor,
        person=first,
        organisation=platform,
        category="CIVIL_LAW",
        sector="RIDE_HAILING",
        work_region=SENDING_REGION,
        start_date=dt.date(2023, 6, 1),
    )
    paid = []  # (year, months, base, amounts) as the service quoted and booked them for the first rider
    for year, months, base in CONTRIBUTIONS:
        kwargs = {"scheme": "EMPLOYEE_PENSION", "period_start": dt.date(year, 1, 1), "months": months}
        amounts, _plan = own_contribution_quote(
            actor=actor, person=first, declared_base_cents=base, today=dt.date(year, 1, 10), **kwargs
        )
        own_contribution_pay(actor=actor, person=first, declared_base_cents=base, today=dt.date(year, 1, 10), **kwargs)
        paid.append((year, months, base, amounts))
    with transaction.atomic():
        others = persons_import(
            actor=actor,
            rows=[
                {"resident_id": rid, "name": f"骑手{n}", "residence_region": SENDING_REGION}
                for n, rid in enumerate(ids[1:], start=1)
            ],
        )
        fields = [f.attname for f in Engagement._meta.concrete_fields if f.attname not in ("id", "person_id")]
        copy_rows(
            Engagement,
            ["person_id", *fields],
            [(p.pk, *(getattr(engagement, f) for f in fields)) for p in others],
            returning=False,
        )
        region = first.residence_region
        for year, months, base, amounts in paid:
            records = OwnContribution.objects.bulk_create(
                OwnContribution(
                    person=p,
                    scheme="EMPLOYEE_PENSION",
                    region=region,
                    period_start=dt.date(year, 1, 1),
                    months=months,
                    declared_base_cents=base,
                    **amounts.record_fields(),
                    paid_on=dt.date(year, 1, 10),
                )
                for p in others
            )
            for start in range(0, len(records), 1000):
                post_many_keys(
                    [
                        own_contribution_posting(r, amounts, region.province_code, BANK_COLLECTION, r.paid_on)
                        for r in records[start : start + 1000]
                    ]
                )
    records_done = time.monotonic()
    transfers = []
    people = [first, *others]
    for start in range(0, len(people), 100):
        with transaction.atomic():
            transfers.extend(
                transfer_request(
                    actor=actor, person=p, to_region=RECEIVING_REGION, receiving_agency=receiving_agency, today=MOVED_ON
                )
                for p in people[start : start + 100]
            )
    requested = time.monotonic()
    report = transfers_send(actor=actor, transfers=transfers)
    assert not report.refused, report.refused
    print(
        json.dumps(
            {
                "records_s": round(records_done - started, 2),
                "request_s": round(requested - records_done, 2),
                "issue_s": round(time.monotonic() - requested, 2),
            }
        )
    )


def receiving_agency(count: int) -> None:
    from socsec.audit.services import Actor
    from socsec.registry.services import persons_import

    actor = Actor.system("test:setup")
    _regions(actor)
    persons_import(
        actor=actor,
        rows=[
            {"resident_id": rid, "name": f"骑手{n}", "residence_region": SENDING_REGION}
            for n, rid in enumerate(resident_ids(count))
        ],
    )


if __name__ == "__main__":
    import django

    django.setup()
    if sys.argv[1] == "sending":
        sending_agency(int(sys.argv[2]), sys.argv[3])
    else:
        receiving_agency(int(sys.argv[2]))
