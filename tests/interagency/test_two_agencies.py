"""Two running SocSec agencies exchange documents over HTTP: registered as each other's peers from their
published identities, the sender's outbox delivered by ``socsec agency deliver`` while the receiving
server is killed partway through and started again; every document applied exactly once."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import VarDir
from tests.interagency.agencies import Agency

pytestmark = [pytest.mark.two_agencies, pytest.mark.django_db]  # django_db: it runs in the PostgreSQL pass too

NOTE_KIND = {"SOCSEC_INTERAGENCY_KINDS": "tests.interagency.helpers.NOTE"}
FAST_RETRIES = {"SOCSEC_INTERAGENCY_RETRY_FIRST": "0.2", "SOCSEC_INTERAGENCY_RETRY_LONGEST": "2"}


@pytest.fixture
def agencies(tmp_path: Path, migrated_var: VarDir) -> Iterator[tuple[Agency, Agency]]:
    made: list[Agency] = []
    try:
        for code, region, batch in (("GD-SZ", "440300", "50"), ("SC-CD", "510100", "200")):
            var = tmp_path / code
            agency = Agency(
                code=code, region=region, var=var, extra_env=NOTE_KIND | FAST_RETRIES | {"SOCSEC_INTERAGENCY_BATCH": batch}
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


def issue_notes(sender: Agency, receiver: Agency, count: int) -> None:
    sender.python(
        "from socsec.audit.services import Actor\n"
        "from socsec.interagency.outbox import Issue, documents_issue\n"
        f"documents_issue(actor=Actor.system('test'), peer_code={receiver.code!r}, "
        f"documents=[Issue(f'note-{{i}}', 'test.note', {{'n': i}}) for i in range({count})])\n"
    )


def deliver_killing_the_receiver(sender: Agency, receiver: Agency, *, count: int, kill_after: int) -> dict[str, float]:
    """``socsec agency deliver --until-done`` on the sender; once ``kill_after`` documents are acknowledged
    the receiving server is killed (SIGKILL), then started again. The deliverer's summary line."""
    started = time.monotonic()
    deliverer = sender.popen("agency", "deliver", "--until-done", "--max-seconds", "300")
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
    assert killed_at is not None and killed_at < count, "the receiver was not killed partway through"
    summary: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    summary["wall_seconds"] = round(time.monotonic() - started, 2)
    summary["acknowledged_when_killed"] = killed_at
    return summary


def test_two_agencies_deliver_every_document_once_through_a_receiver_killed_partway(agencies):
    sender, receiver = agencies
    count = 400
    issue_notes(sender, receiver, count)
    summary = deliver_killing_the_receiver(sender, receiver, count=count, kill_after=100)
    print(json.dumps({"documents": count, **summary}))
    states = dict(sender.sql("SELECT state, count(*) FROM interagency_outbounddocument GROUP BY state"))
    assert states == {"ACKNOWLEDGED": count}
    assert receiver.one("SELECT count(*) FROM interagency_inbounddocument") == count
    assert receiver.one("SELECT count(DISTINCT document_id) FROM interagency_inbounddocument") == count
    assert summary["failed_requests"] >= 1 and summary["retried"] >= 1
