"""Withholding at source: a platform deducts a worker's own contribution from the earnings of the month's
orders and pays it with its invoice; never twice for a month, never for a month already paid."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from socsec.contributions.assessment.runs import assessment_run
from socsec.contributions.collection.outstanding import unpaid_invoices
from socsec.contributions.collection.payments import payment_record
from socsec.contributions.models import Invoice, OwnContribution, WithholdingMandate
from socsec.contributions.own.mandates import withholding_mandate_create, withholding_mandate_end
from socsec.contributions.own.payments import own_contribution_pay
from socsec.contributions.statements import contribution_record
from socsec.core.errors import Conflict, ValidationFailed
from socsec.ledger.selectors import balance, trial_balance
from tests.contributions.test_ingest import DAY, MONTH, TODAY, order, send
from tests.world import SYSTEM

START = DAY.replace(day=1)


def mandate(world, **kw):
    args = {
        "actor": SYSTEM,
        "person": world.rider,
        "platform": world.platform,
        "scheme": "EMPLOYEE_PENSION",
        "declared_base_cents": 1000000,
        "valid_from": START,
        "today": DAY,
        **kw,
    }
    return withholding_mandate_create(**args)


def invoices():
    rows = Invoice.objects.select_related("province").order_by("id")
    return [(i.province.code, i.order_count, i.amount_cents, i.withheld_cents) for i in rows]


def test_the_platform_withholds_the_month_and_pays_it_with_its_invoice(world, data_dir, platform):
    mandate(world)
    send(platform, [order(world, f"a{i}") for i in range(3)], "k1")  # rides in Shenzhen, lives in Beijing
    assessment_run(actor=SYSTEM, month=MONTH, today=TODAY)
    # OIP: 3 orders x 0.01 to Guangdong; the pension: 20% of 10,000 yuan to Beijing, on the same platform
    assert invoices() == [("440000", 3, 3, 0), ("110000", 0, 200000, 200000)]
    c = OwnContribution.objects.get()
    assert (c.withheld_by, c.period_start, c.paid_cents, c.individual_account_cents) == (
        world.platform,
        START,
        200000,
        80000,
    )
    assert c.explanation["withholding"]["per_order_cents"] == "66666.67"
    assert balance("receivable:platform:ridego") == 200003
    assert (balance(f"fund:individual-account:{world.rider.pk}"), balance("fund:EMPLOYEE_PENSION:110000")) == (
        -80000,
        -120000,
    )
    assert sum(trial_balance().values()) == 0
    pension = [r for r in contribution_record(person_id=world.rider.pk) if r.scheme == "EMPLOYEE_PENSION"]
    assert [(r.platform, r.paid_by, r.amount_cents) for r in pension] == [("RideGo", "self", 200000)]
    # a late order: only the OIP difference is invoiced; the month is not withheld twice
    send(platform, [order(world, "late")], "k2")
    assessment_run(actor=SYSTEM, month=MONTH, today=TODAY)
    assert invoices()[2:] == [("440000", 1, 1, 0)]
    assert OwnContribution.objects.count() == 1
    payment_record(
        actor=SYSTEM, platform=world.platform, amount_cents=200004, received_on=TODAY, reference="B-1", source="t"
    )
    assert unpaid_invoices(platform=world.platform) == []


def test_a_month_the_worker_paid_is_not_withheld(world, data_dir, platform):
    mandate(world)
    own_contribution_pay(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=START,
        months=1,
        declared_base_cents=800000,
        today=DAY,
    )
    send(platform, [order(world, "a1")], "k1")
    assessment_run(actor=SYSTEM, month=MONTH, today=TODAY)
    assert invoices() == [("440000", 1, 1, 0)]
    assert OwnContribution.objects.get().withheld_by is None


def test_no_orders_on_the_platform_no_withholding(world, data_dir, platform):
    mandate(world, platform=world.courier)  # orders only on ridego this month
    send(platform, [order(world, "a1")], "k1")
    assessment_run(actor=SYSTEM, month=MONTH, today=TODAY)
    assert invoices() == [("440000", 1, 1, 0)]
    assert OwnContribution.objects.count() == 0


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"valid_from": START - dt.timedelta(days=1)}, "valid_from", "first day of a month"),
        ({"today": START.replace(year=START.year + 1)}, "valid_from", "is a past month"),
        ({"scheme": "RESIDENT_PENSION"}, "scheme", "withholding is open to EMPLOYEE_PENSION, MEDICAL"),
        ({"platform": "employer"}, "platform", "factory is not a platform"),
        ({"declared_base_cents": 0}, "declared_base_cents", "0 is not a plausible monthly base"),
    ],
)
def test_bad_mandates_write_nothing(world, unchanged, kw, field, words):
    if kw.get("platform") == "employer":
        kw["platform"] = world.employer
    with pytest.raises(ValidationFailed) as caught:
        mandate(world, **kw)
    assert caught.value.field == field
    assert words in caught.value.message


def test_one_mandate_per_scheme_and_ending_it(world):
    first = mandate(world)
    with pytest.raises(Conflict, match="a withholding of EMPLOYEE_PENSION by ridego is in force"):
        mandate(world, platform=world.courier)
    medical = mandate(world, scheme="MEDICAL")
    withholding_mandate_end(actor=SYSTEM, mandate=first, today=DAY)
    first.refresh_from_db()
    assert first.valid_to == (START + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    with pytest.raises(Conflict, match="already ends"):
        withholding_mandate_end(actor=SYSTEM, mandate=first, today=DAY)
    later = mandate(world, platform=world.courier, valid_from=first.valid_to + dt.timedelta(days=1))
    assert WithholdingMandate.objects.filter(valid_to__isnull=True).count() == 2
    assert (medical.scheme, later.platform) == ("MEDICAL", world.courier)


def test_a_withholding_ended_before_it_starts_is_withdrawn(world, data_dir, platform):
    from socsec.audit.models import AuditEntry

    next_month = (START + dt.timedelta(days=32)).replace(day=1)
    ahead = mandate(world, valid_from=next_month)
    withholding_mandate_end(actor=SYSTEM, mandate=ahead, today=DAY)
    ahead.refresh_from_db()
    assert ahead.valid_to == next_month - dt.timedelta(days=1)  # no month withheld
    assert AuditEntry.objects.filter(action="contribution.withholding.withdraw").count() == 1
    with pytest.raises(Conflict, match="withdrawn before it started"):
        withholding_mandate_end(actor=SYSTEM, mandate=ahead, today=DAY)
    # it no longer stands in the way of another, from that very month
    again = mandate(world, platform=world.courier, valid_from=next_month)
    assert (again.valid_from, again.valid_to) == (next_month, None)


def test_withholding_through_the_api(world):
    worker = Client()
    worker.force_login(world.users["worker"])
    this_month = f"{dt.date.today():%Y-%m}-01"
    body = {"platform": "ridego", "scheme": "MEDICAL", "declared_base_cents": 900000, "valid_from": this_month}
    made = worker.post("/api/me/withholding", json.dumps(body), content_type="application/json")
    assert made.status_code == 201
    assert worker.get("/api/me/withholding").json()["items"] == [{**body, "id": made.json()["id"], "valid_to": None}]
    ended = worker.post(f"/api/me/withholding/{made.json()['id']}/end")
    assert ended.status_code == 200 and ended.json()["valid_to"] is not None
    assert worker.post("/api/me/withholding/999999/end").status_code == 404


def test_a_month_inside_a_quarter_paid_by_the_worker_is_not_withheld(world, data_dir, platform):
    quarter = (START - dt.timedelta(days=1)).replace(day=1)  # last month, this month and the next
    own_contribution_pay(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=quarter,
        months=3,
        declared_base_cents=800000,
        today=quarter,
    )
    mandate(world)  # from the same month
    send(platform, [order(world, "a1")], "k1")
    assessment_run(actor=SYSTEM, month=MONTH, today=TODAY)
    assert invoices() == [("440000", 1, 1, 0)]
    assert OwnContribution.objects.filter(withheld_by__isnull=False).count() == 0
