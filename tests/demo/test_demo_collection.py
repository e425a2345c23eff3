"""What the demo pilot holds of the employers' collection and of the unemployed rider: each employer's
month handed over to the stand-in tax exchange with its results in, one driver left unpaid, and the
unemployed worker who took platform orders reported to the officer and still paid for last month."""

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
    # the station's 14 employees less the one whose row was refused, and the fleet's 10: one driver unpaid
    assert by_status == [("PAID", 22, 22 * 6), ("UNPAID", 1, 6)]
    (unpaid,) = _rows(db, "SELECT DISTINCT person_id FROM taxexchange_collectionresult WHERE status = 'UNPAID'")
    (first_driver,) = _rows(
        db,
        "SELECT e.person_id FROM registry_engagement e JOIN registry_organisation o ON o.id = e.organisation_id"
        " WHERE o.code = 'yuntong-fleet' ORDER BY e.id LIMIT 1",
    )
    assert unpaid == first_driver
    assert len(list((db.parent / "tax-exchange" / "outbox").glob("*.results.jsonl"))) == 2


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
