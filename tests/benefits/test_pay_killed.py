"""A payment run killed in the middle (a real process, SIGKILL) leaves nothing; run again, it gives the
same payments, ledger and bank file as a run that was never interrupted; a third run pays nothing."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.contributions.test_ingest_killed import LAST_MONTH, SOCSEC, killed_at, query, row_counts, run

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="subprocesses on the embedded SQLite database; no database touched"
)

AWARDS = """
from socsec.benefits.models import Award, Claim
from socsec.registry.models import Person
import datetime as dt
# persons alive with no payment account on record: none of the 60 stopped by a death or held by a bank
people = list(Person.objects.filter(death_notice__isnull=True, payment_account__isnull=True).order_by("id")[:60])
claims = Claim.objects.bulk_create([
    Claim(person=p, kind="PENSION", status="AWARDED", event_date=dt.date(2018, 1, 1), reported_by="OFFICER",
          submitted_on=dt.date(2018, 1, 2), decision_due=dt.date(2018, 3, 3))
    for p in people
])
Award.objects.bulk_create([
    Award(claim=c, item="pension_monthly", label="pension", payer="FUND", periodic=True, amount_cents=300000 + i,
          start_month="2018-01", explanation={"note": "kill test"})
    for i, c in enumerate(claims)
])
"""


def paid(var: Path) -> dict[str, list[tuple]]:
    return {
        "payments": query(
            var, "SELECT id, award_id, month, kind, amount_cents FROM benefits_benefitpayment ORDER BY id"
        ),
        "balances": query(
            var,
            "SELECT c.code, sum(e.amount_cents) FROM ledger_ledgerentry e JOIN ledger_account c ON c.id = e.account_id"
            " GROUP BY c.code ORDER BY c.code",
        ),
        "claims": query(var, "SELECT id, status, version FROM benefits_claim ORDER BY id"),
    }


def test_killed_payment_run_leaves_nothing_and_the_rerun_equals_an_uninterrupted_one(tmp_path, demo_var):
    var = demo_var.copy_to(tmp_path / "var")  # the demo pilot pays last month's claims itself
    run(var, "manage", "shell", "-c", AWARDS)  # 60 pensions awarded from 2018: eight years of back pay each
    clean = tmp_path / "clean"
    shutil.copytree(var, clean)
    uninterrupted = run(clean, "pay", "--month", LAST_MONTH).stdout
    # the demo's retirees whom the death register (the partners' demo) and a late death notice (the risk
    # demo's) reported may be stopped by this run
    assert re.search(r"; [0-2] award\(s\) suspended;", uninterrupted), uninterrupted
    new = int(uninterrupted.split(": ")[1].split(" new")[0])
    back_pay = sum(len(range(2018 * 12, int(LAST_MONTH[:4]) * 12 + int(LAST_MONTH[5:]))) for _ in range(60))
    # and the three months the risk demo's pension was paid after its late death notice, recovered
    assert new == back_pay + 3

    before, state = row_counts(var), paid(var)
    # killed with every payment, posting and notice of the run written, inside its transaction
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}
    assert killed_at("pay.before_commit", [*SOCSEC, "pay", "--month", LAST_MONTH], env)
    assert row_counts(var) == before
    assert paid(var) == state

    run(var, "pay", "--month", LAST_MONTH)
    assert paid(var) == paid(clean)
    assert row_counts(var) == row_counts(clean)
    bank = f"data/payments/month={LAST_MONTH}/bank-instructions-001.csv"
    assert (var / bank).read_text() == (clean / bank).read_text()
    again = run(var, "pay", "--month", LAST_MONTH).stdout
    assert again.startswith(f"benefits {LAST_MONTH}: 0 new payment(s), 0.00 yuan;")
    assert paid(var) == paid(clean)
