"""Assessment runs, invoices and their ledger postings; late batches give adjustment invoices."""

from __future__ import annotations

import calendar

from socsec.batch.assess import assess_month
from socsec.contributions.assessment.coverage import oip_line_coverage
from socsec.contributions.assessment.runs import assessment_run
from socsec.contributions.models import AssessmentRun, Invoice, OrderBatch
from socsec.contributions.orders.selectors import accepted_files
from socsec.ledger.selectors import balance, trial_balance
from tests.contributions.test_ingest import MONTH, order, send
from tests.world import SYSTEM


def invoices():
    return [
        (i.run.sequence, i.run.kind, i.platform.code, i.province.code, i.order_count, i.amount_cents)
        for i in Invoice.objects.select_related("run", "platform", "province").order_by("id")
    ]


def test_first_run_invoices_and_posts_to_the_ledger(world, data_dir, platform):
    send(platform, [order(world, f"a{i}") for i in range(3)], "k1")
    result = assessment_run(actor=SYSTEM, month=MONTH)
    assert invoices() == [(1, "ORIGINAL", "ridego", "440000", 3, 3)]
    (invoice,) = result.invoices
    assert (invoice.due_on - invoice.issued_on).days == 15
    assert balance("receivable:platform:ridego") == 3
    assert balance("fund:OIP:440000") == -3
    assert sum(trial_balance().values()) == 0
    assert (data_dir / result.run.lines_path).exists()


def test_a_rerun_with_nothing_new_records_nothing(world, data_dir, platform):
    send(platform, [order(world, "a1")], "k1")
    assessment_run(actor=SYSTEM, month=MONTH)
    again = assessment_run(actor=SYSTEM, month=MONTH)
    assert (again.run, again.invoices) == (None, [])
    assert AssessmentRun.objects.count() == 1
    assert again.assessment.amount_cents == 1


def test_late_batches_and_corrections_give_adjustments_never_rewrites(world, data_dir, platform):
    send(platform, [order(world, f"a{i}") for i in range(3)], "k1")
    assessment_run(actor=SYSTEM, month=MONTH)
    send(
        platform,
        [
            order(world, "late1"),
            order(world, "late2"),
            {"order_id": "a0", "action": "VOID", "order_date": order(world, "x")["order_date"]},
        ],
        "k2",
    )
    assessment_run(actor=SYSTEM, month=MONTH)
    day = order(world, "x")["order_date"]
    send(platform, [{"order_id": oid, "action": "VOID", "order_date": day} for oid in ("a1", "a2", "late1")], "k3")
    last = assessment_run(actor=SYSTEM, month=MONTH)
    # the runs after the first read only the new batches; the result equals reading everything again
    orders, corrections = accepted_files(months=[MONTH])
    full = assess_month(
        data_dir,
        MONTH,
        files=([str(data_dir / p) for p in orders], [str(data_dir / p) for p in corrections]),
        coverage=oip_line_coverage,
    )
    assert last.assessment.lines.equals(full.lines)
    assert last.run.batches == sorted(b.pk for b in OrderBatch.objects.filter(status="ACCEPTED"))
    assert invoices() == [
        (1, "ORIGINAL", "ridego", "440000", 3, 3),
        (2, "ADJUSTMENT", "ridego", "440000", 1, 1),
        (3, "ADJUSTMENT", "ridego", "440000", -3, -3),  # a credit note
    ]
    assert balance("receivable:platform:ridego") == 1
    assert sum(trial_balance().values()) == 0


def test_platform_invoices_page_and_the_workers_record(world, data_dir, platform):
    from django.test import Client

    send(platform, [order(world, f"a{i}") for i in range(3)], "k1")
    assessment_run(actor=SYSTEM, month=MONTH)
    staff = Client()
    staff.force_login(world.users["platform"])
    page = staff.get("/platform/invoices/", headers={"Accept-Language": "en"}).content.decode()
    year, number = (int(x) for x in MONTH.split("-"))
    assert f" · {calendar.month_name[number]} {year} · Guangdong</h2>" in page and "<td>0.03</td>" in page
    worker = Client()
    worker.force_login(world.users["worker"])
    assert worker.get("/api/me/contributions").json()["items"] == [
        {
            "month": MONTH,
            "scheme": "OIP",
            "platform": "ridego",
            "paid_by": "RideGo",
            "province": "440000",
            "sector": "RIDE_HAILING",
            "order_count": 3,
            "amount_cents": 3,
            "covered": True,
        }
    ]


def test_a_run_reports_its_steps(world, data_dir, platform):
    send(platform, [order(world, "a1")], "k1")
    steps: list[str] = []
    assessment_run(actor=SYSTEM, month=MONTH, progress=steps.append)
    assert steps == ["read", "aggregate", "price", "write", "record"]
    send(platform, [order(world, "a2")], "k2")
    steps.clear()
    assessment_run(actor=SYSTEM, month=MONTH, progress=steps.append)  # an increment on the first run
    assert steps == ["read", "aggregate", "price", "write", "record"]
    steps.clear()
    assessment_run(actor=SYSTEM, month=MONTH, progress=steps.append)  # nothing new: nothing written
    assert steps == ["read", "aggregate", "price"]
