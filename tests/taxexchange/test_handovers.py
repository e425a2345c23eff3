"""Handing a month's amounts to the tax authority: one document per employer and month, idempotent,
replaced by a corrected declaration, delivered with retries."""

from __future__ import annotations

from pathlib import Path

import pytest

from socsec.core.errors import ValidationFailed
from socsec.taxexchange.documents import document_read
from socsec.taxexchange.handovers import handover_document
from socsec.taxexchange.models import CollectionResult, Handover, HandoverLine
from tests.world import World

from .helpers import exchange, fetch, lines, send


def test_a_month_is_one_document_per_employer_with_a_checksum(world: World, tmp_path: Path) -> None:
    ex = exchange(tmp_path)
    due = lines(world.employer.pk, world.employee.pk, "2026-09") + lines(world.platform.pk, world.rider.pk, "2026-09")
    report = send("2026-09", due, ex)
    assert sorted(report.created) == ["SSX-factory-2026-09-1", "SSX-ridego-2026-09-1"]
    assert report.acknowledged == report.created and report.still_sent == []
    handover = Handover.objects.get(document_id="SSX-factory-2026-09-1")
    assert (handover.state, handover.line_count, handover.due_cents, handover.attempts) == (
        "ACKNOWLEDGED",
        4,
        283_200,
        1,
    )
    assert handover.receipt.startswith("RCPT-")
    document = document_read((tmp_path / "inbox" / "SSX-factory-2026-09-1.json").read_bytes())
    assert document["employer"] == {"code": "factory", "credit_code": ""}
    assert [(line["scheme"], line["employer_cents"], line["employee_cents"]) for line in document["lines"]] == [
        ("MEDICAL", 64_000, 16_000),
        ("PENSION", 128_000, 64_000),
        ("UNEMPLOYMENT", 4_000, 4_000),
        ("WORK_INJURY", 3_200, 0),
    ]
    assert handover_document(handover).as_bytes() == (tmp_path / "inbox" / "SSX-factory-2026-09-1.json").read_bytes()


def test_the_same_month_twice_is_one_document(world: World, tmp_path: Path) -> None:
    ex = exchange(tmp_path)
    due = lines(world.employer.pk, world.employee.pk, "2026-09")
    send("2026-09", due, ex)
    again = send("2026-09", list(reversed(due)), ex)
    assert again.created == [] and again.unchanged == ["SSX-factory-2026-09-1"]
    assert Handover.objects.count() == 1 and HandoverLine.objects.count() == 4


def test_a_corrected_declaration_is_a_replacement_document(world: World, tmp_path: Path) -> None:
    ex = exchange(tmp_path)
    send("2026-09", lines(world.employer.pk, world.employee.pk, "2026-09"), ex)
    assert fetch(ex).results_in == ["SSX-factory-2026-09-1"]
    corrected = send("2026-09", lines(world.employer.pk, world.employee.pk, "2026-09", base=900_000), ex)
    assert corrected.created == ["SSX-factory-2026-09-2"] and corrected.replaced == ["SSX-factory-2026-09-1"]
    new = Handover.objects.get(document_id="SSX-factory-2026-09-2")
    assert new.replaces is not None and new.replaces.state == "REPLACED"
    document = document_read((tmp_path / "inbox" / "SSX-factory-2026-09-2.json").read_bytes())
    assert document["replaces"] == "SSX-factory-2026-09-1"
    assert fetch(ex).results_in == ["SSX-factory-2026-09-2"]
    pension = CollectionResult.objects.get(person=world.employee, month="2026-09", scheme="PENSION")
    assert (pension.handover_id, pension.paid_cents) == (new.pk, 216_000)
    assert CollectionResult.objects.count() == 4
    # the first document's posting is undone: the account holds the corrected 8% once, of 9,000 yuan
    from socsec.ledger.selectors import balance, individual_account_balance

    assert individual_account_balance(world.employee.pk) == 72_000
    assert balance("bank:collection") == 9 * 283_200 // 8


def test_an_unreachable_exchange_is_retried_and_the_document_stays_sent(world: World, tmp_path: Path) -> None:
    gone = tmp_path / "not-mounted"
    waits: list[float] = []
    from socsec.taxexchange.handovers import handovers_send
    from socsec.taxexchange.standin import DropFolderExchange

    from .helpers import SYSTEM

    report = handovers_send(
        actor=SYSTEM,
        month="2026-09",
        lines=lines(world.employer.pk, world.employee.pk, "2026-09"),
        exchange=DropFolderExchange(gone),
        retries=3,
        wait_seconds=2,
        sleep=waits.append,
    )
    assert report.still_sent == ["SSX-factory-2026-09-1"] and waits == [2, 4]
    handover = Handover.objects.get()
    assert (handover.state, handover.attempts) == ("SENT", 3)
    assert "not there" in handover.last_error
    gone.mkdir()
    later = fetch(DropFolderExchange(gone))  # delivered again first, then its results fetched
    assert later.results_in == ["SSX-factory-2026-09-1"]
    handover.refresh_from_db()
    assert (handover.state, handover.attempts, handover.last_error) == ("RESULTS_IN", 4, "")


def test_lines_of_another_month_refuse_the_whole_handover(world: World, tmp_path: Path) -> None:
    due = lines(world.employer.pk, world.employee.pk, "2026-09") + lines(world.platform.pk, world.rider.pk, "2026-08")
    with pytest.raises(ValidationFailed, match="a line of 2026-08 in the handover of 2026-09"):
        send("2026-09", due, exchange(tmp_path))
    assert Handover.objects.count() == 0 and HandoverLine.objects.count() == 0


def test_a_line_of_a_person_not_in_the_register_refuses_the_whole_handover(world: World, tmp_path: Path) -> None:
    from socsec.taxexchange.documents import DueLine

    due = [
        *lines(world.platform.pk, world.rider.pk, "2026-09"),
        DueLine(world.employer.pk, 1, "2026-09", "PENSION", 1, 1, 1),
    ]
    with pytest.raises(ValidationFailed, match="unknown person 1"):
        send("2026-09", due, exchange(tmp_path))
    assert Handover.objects.count() == 0 and HandoverLine.objects.count() == 0
