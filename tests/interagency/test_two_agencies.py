"""Two running SocSec agencies, Shenzhen (GD-SZ) and Chengdu (SC-CD), each a ``socsec serve`` with its own
database, registered as each other's peers from their published identities. Shenzhen issues 1,000 pension
transfers into its outbox; ``socsec agency deliver`` carries them while the Chengdu server is killed partway
through and started again. Every record arrives exactly once, both ledgers balance, and every amount is the
worked example of ``rules/scenarios/pension_transfer_agencies.yaml``."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from socsec.ledger.accounts import INDIVIDUAL_ACCOUNT_PREFIX
from socsec.rules.scenarios import SCENARIO_DIR
from tests.conftest import VarDir
from tests.interagency.agencies import Agency

pytestmark = [pytest.mark.two_agencies, pytest.mark.django_db]  # django_db: it runs in the PostgreSQL pass too

RECORDS = int(os.environ.get("SOCSEC_TEST_TRANSFERS", "1000"))
FAST_RETRIES = {"SOCSEC_INTERAGENCY_RETRY_FIRST": "0.2", "SOCSEC_INTERAGENCY_RETRY_LONGEST": "2"}
BATCH = max(10, RECORDS // 10)  # documents a request: ten requests at least, so that the kill falls between
SETUP = "tests.interagency.transfer_setup"


@pytest.fixture
def agencies(tmp_path: Path, migrated_var: VarDir, postgres_template: str | None) -> Iterator[tuple[Agency, Agency]]:
    made: list[Agency] = []
    try:
        for code, region in (("GD-SZ", "440300"), ("SC-CD", "510100")):
            var = tmp_path / code
            agency = Agency(
                code=code,
                region=region,
                var=var,
                extra_env=FAST_RETRIES | {"SOCSEC_INTERAGENCY_BATCH": str(BATCH)},
                template=postgres_template,
            )
            made.append(agency)
            if not agency.database_url:
                migrated_var.copy_to(var)
            agency.migrate()
            agency.start()
        register_each_other(made[0], made[1])
        yield made[0], made[1]
    finally:
        for agency in made:
            agency.drop()


def register_each_other(a: Agency, b: Agency) -> None:
    """Each reads the other's published identity and registers it with ``socsec agency peer-add``."""
    for here, there in ((a, b), (b, a)):
        identity = httpx.get(f"{there.base_url}/api/interagency/agency", timeout=60).json()
        assert (identity["code"], identity["region"]) == (there.code, there.region)
        assert "pension.transfer" in identity["kinds"]
        here.run(
            "agency",
            "peer-add",
            identity["code"],
            "--region",
            identity["region"],
            "--base-url",
            identity["base_url"],
            "--public-key",
            identity["public_key"],
        )


def deliver_killing_the_receiver(sender: Agency, receiver: Agency, *, count: int, kill_after: int) -> dict[str, float]:
    """``socsec agency deliver --until-done`` on the sender; once ``kill_after`` documents are acknowledged
    the receiving server is killed (SIGKILL), then started again. The deliverer's summary line."""
    deliverer = sender.popen("agency", "deliver", "--until-done", "--max-seconds", "600")
    killed_at = None
    try:
        while deliverer.poll() is None:
            done = sender.one("SELECT count(*) FROM interagency_outbounddocument WHERE state <> 'PENDING'")
            if killed_at is None and done >= kill_after:
                receiver.kill()
                killed_at = done
                time.sleep(1.0)  # down for a while: the deliverer fails and puts its documents off
                receiver.start()
            time.sleep(0.05)
        out, err = deliverer.communicate(timeout=60)
    finally:
        if deliverer.poll() is None:
            deliverer.kill()
    assert deliverer.returncode == 0, err
    assert killed_at is not None and killed_at < 2 * count, "the receiver was not killed partway through"
    summary: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    summary["acknowledged_when_killed"] = killed_at
    return summary


def worked_example() -> dict[str, int]:
    path = SCENARIO_DIR / "pension_transfer_agencies.yaml"
    cases = yaml.safe_load(path.read_text())
    pooled = sum(c["output"]["pension_transfer_pooled_amount"] for c in cases if "year_base_total" in c["input"])
    (account,) = [c["output"]["pension_transfer_individual_account"] for c in cases if "account_balance" in c["input"]]
    return {"pooled": pooled, "account": account}


def ledger(agency: Agency) -> dict[str, int]:
    """The balance of every account, and the total of all entries under ``""``."""
    rows = agency.sql(
        "SELECT a.code, SUM(e.amount_cents) FROM ledger_ledgerentry e JOIN ledger_account a ON a.id = e.account_id"
        " GROUP BY a.code"
    )
    balances = {code: int(total) for code, total in rows}
    return {**balances, "": sum(balances.values())}


def unbalanced_transactions(agency: Agency) -> int:
    return int(
        agency.one(
            "SELECT count(*) FROM (SELECT transaction_id FROM ledger_ledgerentry GROUP BY transaction_id"
            " HAVING SUM(amount_cents) <> 0) t"
        )
    )


def test_a_thousand_transfers_between_two_running_agencies_arrive_once_through_a_killed_receiver(agencies):
    sender, receiver = agencies
    started = time.monotonic()
    receiver.module(SETUP, "receiving", str(RECORDS))
    setup = json.loads(sender.module(SETUP, "sending", str(RECORDS), receiver.code).strip().splitlines()[-1])
    assert sender.one("SELECT count(*) FROM interagency_outbounddocument WHERE state = 'PENDING'") == RECORDS
    prepared = time.monotonic()

    summary = deliver_killing_the_receiver(sender, receiver, count=RECORDS, kill_after=RECORDS // 3)
    delivered = time.monotonic()

    # every record transferred exactly once, both sides agree on each document
    outbox = sender.sql("SELECT kind, state, count(*) FROM interagency_outbounddocument GROUP BY kind, state")
    assert sorted(outbox) == [
        ("pension.transfer", "ACKNOWLEDGED", RECORDS),
        ("pension.transfer.completed", "ACKNOWLEDGED", RECORDS),
    ]
    assert sender.sql("SELECT status, count(*) FROM transfers_outgoingtransfer GROUP BY status") == [
        ("COMPLETED", RECORDS)
    ]
    assert receiver.sql("SELECT status, count(*) FROM transfers_incomingtransfer GROUP BY status") == [
        ("COMPLETED", RECORDS)
    ]
    sent = set(sender.sql("SELECT document_id FROM transfers_outgoingtransfer"))
    received = receiver.sql("SELECT document_id FROM transfers_incomingtransfer")
    assert len(received) == RECORDS and set(received) == sent
    assert receiver.one("SELECT count(*) FROM interagency_inbounddocument") == 2 * RECORDS
    assert receiver.one("SELECT count(*) FROM transfers_transferredperiod") == 2 * RECORDS
    replays = int(receiver.one("SELECT COALESCE(SUM(replays), 0) FROM interagency_inbounddocument"))

    # the amounts are the worked example's, for each transfer and in total
    example = worked_example()
    amounts = receiver.sql(
        "SELECT individual_account_cents, pooled_cents, count(*) FROM transfers_incomingtransfer"
        " GROUP BY individual_account_cents, pooled_cents"
    )
    assert amounts == [(example["account"], example["pooled"], RECORDS)]
    assert (example["account"], example["pooled"]) == (1_440_000, 2_160_000)
    total = RECORDS * (example["account"] + example["pooled"])

    # both ledgers balance: every transaction, and in total; the money out of Guangdong is the money into
    # Sichuan, in transit between the two until each agency's transit account is settled between them
    out_of, into = ledger(sender), ledger(receiver)
    assert unbalanced_transactions(sender) == unbalanced_transactions(receiver) == 0
    assert out_of[""] == into[""] == 0
    assert out_of["bank:pension-transfer"] == -total and into["bank:pension-transfer"] == total
    assert into["fund:EMPLOYEE_PENSION:510000"] == -RECORDS * example["pooled"]
    moved_in = sum(v for k, v in into.items() if k.startswith(INDIVIDUAL_ACCOUNT_PREFIX))
    assert moved_in == -RECORDS * example["account"]

    figures = {
        "records": RECORDS,
        "setup_records_s": setup["records_s"],
        "request_s": setup["request_s"],
        "issue_s": setup["issue_s"],
        "deliver_s": summary["seconds"],
        "prepare_s": round(prepared - started, 2),
        "deliver_wall_s": round(delivered - prepared, 2),
        "requests_failed": summary["failed_requests"],
        "documents_retried": summary["retried"],
        "documents_flagged": summary["flagged"],
        "documents_sent": summary["sent"],
        "acknowledged_when_killed": summary["acknowledged_when_killed"],
        "answered_again_unchanged": replays,
        "database": "postgresql" if sender.database_url else "sqlite",
    }
    print("\n" + json.dumps(figures))
    assert summary["failed_requests"] >= 1 and summary["retried"] >= 1 and summary["flagged"] == 0
