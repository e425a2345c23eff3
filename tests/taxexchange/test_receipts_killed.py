"""A receipts file whose recording is killed (SIGKILL) half way - some receipts written, or everything
written but not committed - leaves nothing: no file, receipt or line recorded, no result changed, nothing
posted; fetched again, it completes, with the exact amounts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.contributions.test_ingest_killed import query

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocess tests run once")
MONTH = "2026-06"  # a month the demo did not hand over


def socsec(var: Path, *args: str, fault: str = "", unpaid: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SOCSEC_FAULT")}
    env |= {"SOCSEC_VAR_DIR": str(var), "SOCSEC_TAX_EXCHANGE_UNPAID": unpaid, "SOCSEC_TAX_EXCHANGE_RETRY_WAIT": "0"}
    env |= {"SOCSEC_FAULT": fault} if fault else {}
    return subprocess.run([sys.executable, "-m", "socsec.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def recorded(var: Path) -> tuple[object, ...]:
    return (
        query(var, "SELECT count(*) FROM taxexchange_receiptfile")[0][0],
        query(var, "SELECT count(*) FROM taxexchange_collectionreceipt")[0][0],
        query(var, "SELECT count(*) FROM taxexchange_collectionreceiptline")[0][0],
        query(var, "SELECT count(*) FROM ledger_ledgertransaction WHERE source LIKE 'employer-receipt:%'")[0][0],
        query(var, "SELECT status, sum(paid_cents) FROM taxexchange_collectionresult WHERE month = ?"
                   " GROUP BY status ORDER BY status", MONTH),
    )  # fmt: skip


@pytest.mark.parametrize("fault", ["taxexchange.receipts.batch", "taxexchange.receipts.commit"])
def test_a_receipts_file_killed_half_way_leaves_nothing_and_its_fetch_again_completes(tmp_path, demo_var, fault):
    var = demo_var.copy_to(tmp_path / "var")
    employees = [p for (p,) in query(
        var,
        "SELECT e.person_id FROM registry_engagement e JOIN registry_organisation o ON o.id = e.organisation_id"
        " WHERE o.code = 'kuaida-station' ORDER BY e.id LIMIT 2",
    )]  # fmt: skip
    lines = tmp_path / "lines.csv"
    lines.write_text(
        "employer,person_id,month,scheme,base_cents,employer_cents,employee_cents\n"
        + "".join(f"kuaida-station,{p},{MONTH},{s},800000,{er},{ee}\n" for p in employees
                  for s, er, ee in (("PENSION", 128000, 64000), ("WORK_INJURY", 3200, 0)))
    )  # fmt: skip
    unpaid = str(employees[1])
    assert socsec(var, "tax", "send", "--month", MONTH, "--lines", str(lines), unpaid=unpaid).returncode == 0
    assert socsec(var, "tax", "fetch", "--month", MONTH, unpaid=unpaid).returncode == 0
    document = f"SSX-kuaida-station-{MONTH}-1"
    receipts = [
        {"receipt_id": f"K-{n}", "document_id": document, "paid_on": "2026-08-0" + str(n),
         "lines": [{"person_id": employees[1], "scheme": scheme, "paid_cents": cents}]}
        for n, (scheme, cents) in enumerate((("PENSION", 192000), ("WORK_INJURY", 3200)), start=1)
    ]  # fmt: skip
    box = var / "tax-exchange" / "receipts"
    box.mkdir(exist_ok=True)
    text = [json.dumps({"receipts_file": "2026-08-03"}), *(json.dumps(r) for r in receipts)]
    (box / "2026-08-03.jsonl").write_text("\n".join(text) + "\n")
    before = recorded(var)
    assert before[:4] == (1, 1, 5, 1)  # the demo's late payment: one receipt of the fleet's driver, 5 schemes due
    assert before[4] == [("PAID", 195200), ("UNPAID", 0)]

    killed = socsec(var, "tax", "fetch", fault=fault)
    assert killed.returncode == -9, killed.stderr
    assert recorded(var) == before

    again = socsec(var, "tax", "fetch")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "later payments: 1 receipts file(s) recorded (2 receipt(s)), 1 recorded before, 0 refused" in again.stdout
    assert recorded(var) == (2, 3, 7, 3, [("PAID", 195200 * 2)])
    posted = query(var, "SELECT sum(e.amount_cents) FROM ledger_ledgerentry e JOIN ledger_ledgertransaction t"
                        " ON t.id = e.transaction_id JOIN ledger_account a ON a.id = e.account_id"
                        " WHERE t.source LIKE 'employer-receipt:%' AND t.params LIKE '%K-%' AND a.code = ?",
                   "bank:collection")  # fmt: skip
    assert posted == [(195200,)]
