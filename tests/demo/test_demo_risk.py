"""The demo's risk queue: the cases its stories planted, with their evidence, one confirmed by the officer."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

import pytest

from socsec.core.months import month_first_day, month_index, month_name

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocess tests run once")


def test_the_demo_queue_holds_the_planted_cases_with_their_evidence(demo_var) -> None:  # type: ignore[no-untyped-def]
    today = dt.date.today()
    last = month_index(today) - 1
    with sqlite3.connect(Path(demo_var.source) / "socsec.sqlite3") as conn:
        cases = conn.execute("SELECT rule, status, score, evidence FROM risk_riskcase ORDER BY rule").fetchall()
        runs = conn.execute("SELECT trigger, hits, cases_new FROM risk_screeningrun").fetchall()
    # (at the tests' 150 workers no SwiftRide rider without orders on the injury day is drawn: the full demo
    # adds an injury claimed on a day with no order)
    assert [(rule, status, score) for rule, status, score, _e in cases] == [
        ("paid_after_death", "OPEN", 88),
        ("unemployment_while_working", "CONFIRMED", 75),
    ]
    evidence = {rule: json.loads(e) for rule, _s, _score, e in cases}
    died = month_first_day(last - 3) + dt.timedelta(days=19)
    assert evidence["paid_after_death"]["died_on"] == died.isoformat()
    assert evidence["paid_after_death"]["months_paid_after_death"] == 3
    assert evidence["paid_after_death"]["last_month_after_death"] == month_first_day(last).isoformat()
    assert (
        evidence["unemployment_while_working"]["months"],
        evidence["unemployment_while_working"]["orders_in_those_months"],
    ) == (
        [month_name(last)],
        18,
    )
    assert runs == [("COMMAND", 2, 2)]
