"""What the demo pilot holds of the employers' collection and of the unemployed rider: each employer's
month handed over to the stand-in tax exchange with its results in, one driver left unpaid and his month
paid late (a receipt recorded as a supplementary result), and the unemployed worker who took platform
orders reported to the officer and still paid for last month."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocess tests run once")

LAST_MONTH = f"{dt.date.today().replace(day=1) - dt.timedelta(days=1):%Y-%m}"


def _rows(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql, params).fetchall())


@pytest.fixture(scope="module")
def db(demo_var) -> Path:  # type: ignore[no-untyped-def]
    return Path(demo_var.source) / "socsec.sqlite3"


def test_every_demo_employer_has_its_month_handed_over_and_results_in(db: Path) -> None:
    handovers = _rows(
        db,
        "SELECT o.code, h.month, h.state FROM taxexchange_handover h JOIN registry_organisation o"
        " ON o.id = h.employer_id ORDER BY o.code",
    )
    assert handovers == [
        ("kuaida-station", LAST_MONTH, "RESULTS_IN"),
        ("yuntong-fleet", LAST_MONTH, "RESULTS_IN"),
    ]
    by_status = _rows(
        db,
        "SELECT status, count(DISTINCT person_id), count(*) FROM taxexchange_collectionresult WHERE month = ?"
        " GROUP BY status ORDER BY status",
        LAST_MONTH,
    )
    # the station's 14 employees less the one whose row was refused, and the fleet's 10: every month paid,
    # the first driver's late
    assert by_status == [("PAID", 23, 23 * 6)]
    (unpaid,) = _rows(db, "SELECT DISTINCT person_id FROM taxexchange_collectionresult WHERE late_paid_cents > 0")
    (first_driver,) = _rows(
        db,
        "SELECT e.person_id FROM registry_engagement e JOIN registry_organisation o ON o.id = e.organisation_id"
        " WHERE o.code = 'yuntong-fleet' ORDER BY e.id LIMIT 1",
    )
    assert unpaid == first_driver
    assert len(list((db.parent / "tax-exchange" / "outbox").glob("*.results.jsonl"))) == 2


def test_the_unpaid_drivers_month_was_paid_late_and_recorded_by_a_receipt(db: Path) -> None:
    receipts = _rows(
        db,
        "SELECT r.receipt_id, h.document_id, count(l.id), sum(l.paid_cents), min(l.status_before),"
        " min(l.status_after) FROM taxexchange_collectionreceipt r JOIN taxexchange_handover h"
        " ON h.id = r.handover_id JOIN taxexchange_collectionreceiptline l ON l.receipt_id = r.id GROUP BY r.id",
    )
    [(receipt, document, lines, cents, before, after)] = receipts
    assert (receipt, document, lines, before, after) == (
        f"SSX-yuntong-fleet-{LAST_MONTH}-1-LATE-1",
        f"SSX-yuntong-fleet-{LAST_MONTH}-1",
        5,  # every scheme with something due (long-term care is not levied in Beijing)
        "UNPAID",
        "PAID",
    )
    due = _rows(
        db,
        "SELECT sum(employer_cents + employee_cents) FROM taxexchange_collectionresult WHERE late_paid_cents > 0",
    )
    assert [(cents,)] == due
    posted = _rows(
        db,
        "SELECT sum(e.amount_cents) FROM ledger_ledgerentry e"
        " JOIN ledger_ledgertransaction t ON t.id = e.transaction_id"
        " JOIN ledger_account a ON a.id = e.account_id WHERE t.source LIKE 'employer-receipt:%' AND a.code = ?",
        "bank:collection",
    )
    assert posted == [(cents,)]


def test_the_unemployed_rider_took_orders_and_was_paid_for_last_month(db: Path) -> None:
    reports = _rows(
        db,
        "SELECT w.kind, w.month, w.orders, c.kind FROM benefits_workreport w JOIN benefits_award a"
        " ON a.id = w.award_id JOIN benefits_claim c ON c.id = a.claim_id ORDER BY w.kind",
    )
    assert reports == [
        ("ENGAGEMENT", LAST_MONTH, 0, "UNEMPLOYMENT"),
        ("ORDERS", LAST_MONTH, 18, "UNEMPLOYMENT"),
    ]
    paid = _rows(
        db,
        "SELECT p.month, p.amount_cents > 0 FROM benefits_benefitpayment p JOIN benefits_award a ON a.id = p.award_id"
        " JOIN benefits_claim c ON c.id = a.claim_id WHERE c.kind = 'UNEMPLOYMENT' AND a.status = 'ACTIVE'",
    )
    assert paid == [(LAST_MONTH, 1)]
