"""The tax authority's results: kept per employer, employee, month and scheme; a malformed file refused
whole naming the line, a result for no line of the document refused alone and logged; the money paid
posted to the funds and the employee's individual account."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest

from socsec.ledger.models import LedgerEntry, LedgerTransaction
from socsec.ledger.selectors import balance, individual_account_balance
from socsec.taxexchange.models import CollectionResult, Handover
from tests.world import World

from .helpers import exchange, fetch, lines, send


def _results(tmp_path: Path, document_id: str, *rows: dict[str, object]) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir(exist_ok=True)
    text = [json.dumps({"document_id": document_id, "checksum": ""}), *(json.dumps(r) for r in rows)]
    (outbox / f"{document_id}.results.jsonl").write_text("\n".join(text) + "\n")


def test_results_per_employee_and_scheme_paid_unpaid_and_part_paid(world: World, tmp_path: Path) -> None:
    ex = exchange(
        tmp_path, unpaid_persons=frozenset({world.rider.pk}), part_paid_persons=frozenset({world.freelancer.pk})
    )
    due = [
        *lines(world.employer.pk, world.employee.pk, "2026-09"),
        *lines(world.employer.pk, world.rider.pk, "2026-09"),
        *lines(world.employer.pk, world.freelancer.pk, "2026-09"),
    ]
    send("2026-09", due, ex)
    assert fetch(ex).results_in == ["SSX-factory-2026-09-1"]
    got = {
        (r.person_id, r.scheme): (r.status, r.paid_cents, r.paid_on)
        for r in CollectionResult.objects.filter(month="2026-09")
    }
    paid_on = dt.date(2026, 10, 15)
    assert got[(world.employee.pk, "PENSION")] == ("PAID", 192_000, paid_on)
    assert got[(world.rider.pk, "PENSION")] == ("UNPAID", 0, None)
    assert got[(world.freelancer.pk, "PENSION")] == ("PART_PAID", 96_000, paid_on)
    assert len(got) == 12
    assert Handover.objects.get().state == "RESULTS_IN"
    # the ledger: the collection account got what was paid; the employee's 8% went to her account, and of the
    # part-paid pension (960.00 of 1,920.00) the individual account took its 640.00 first (the rule
    # employee_pension_paid_to_account), the pooled fund the other 320.00
    assert balance("bank:collection") == 283_200 + 283_200 // 2
    assert individual_account_balance(world.employee.pk) == 64_000
    assert individual_account_balance(world.freelancer.pk) == 64_000
    assert individual_account_balance(world.rider.pk) == 0
    assert -balance("fund:EMPLOYEE_PENSION:440000") == 128_000 + 32_000
    assert fetch(ex).results_in == []  # nothing left to fetch


def test_a_malformed_results_file_is_refused_whole_naming_the_line(world: World, tmp_path: Path) -> None:
    ex = exchange(tmp_path)
    send("2026-09", lines(world.employer.pk, world.employee.pk, "2026-09"), ex)
    good = {"person_id": world.employee.pk, "scheme": "PENSION", "status": "PAID"}
    _results(
        tmp_path,
        "SSX-factory-2026-09-1",
        {**good, "paid_cents": 192_000, "paid_on": "2026-10-15"},
        {**good, "scheme": "MEDICAL", "status": "SETTLED", "paid_cents": 80_000, "paid_on": "2026-10-15"},
    )
    report = fetch(ex)
    assert report.refused == {"SSX-factory-2026-09-1": "results file, line 3: unknown status 'SETTLED'"}
    handover = Handover.objects.get()
    assert (handover.state, handover.last_error) == ("ACKNOWLEDGED", "results file, line 3: unknown status 'SETTLED'")
    assert CollectionResult.objects.count() == 0
    assert LedgerTransaction.objects.count() == 0 and LedgerEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "line 2: not a JSON object"),
        (
            '{"person_id": "x", "scheme": "PENSION", "status": "PAID", "paid_cents": 1, "paid_on": "2026-10-15"}',
            "line 2: person_id is not a whole number",
        ),
        (
            '{"person_id": 1, "scheme": "PENSION", "status": "PAID", "paid_cents": 1, "paid_on": "15.10.2026"}',
            "line 2: paid_on '15.10.2026' is not a date YYYY-MM-DD",
        ),
        (
            '{"person_id": 1, "scheme": "PENSION", "status": "UNPAID", "paid_cents": 5, "paid_on": null}',
            "line 2: an UNPAID result with money paid",
        ),
    ],
)
def test_malformed_lines(world: World, tmp_path: Path, line: str, reason: str) -> None:
    from socsec.core.errors import ValidationFailed
    from socsec.taxexchange.documents import results_read

    raw = json.dumps({"document_id": "D"}) + "\n" + line + "\n"
    with pytest.raises(ValidationFailed) as refused:
        results_read(raw.encode(), document_id="D")
    assert refused.value.message == f"results file, {reason}"
    assert refused.value.details == {"line": 2, "reason": reason.split(": ", 1)[1]}


def test_a_result_for_no_line_of_the_document_is_refused_and_logged(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ex = exchange(tmp_path)
    send("2026-09", lines(world.employer.pk, world.employee.pk, "2026-09"), ex)
    _results(
        tmp_path,
        "SSX-factory-2026-09-1",
        {
            "person_id": world.employee.pk,
            "scheme": "PENSION",
            "status": "PAID",
            "paid_cents": 192_000,
            "paid_on": "2026-10-12",
        },
        {
            "person_id": world.rider.pk,
            "scheme": "PENSION",
            "status": "PAID",
            "paid_cents": 192_000,
            "paid_on": "2026-10-12",
        },
        {
            "person_id": world.employee.pk,
            "scheme": "MEDICAL",
            "status": "PAID",
            "paid_cents": 1,
            "paid_on": "2026-10-12",
        },
    )
    with caplog.at_level(logging.WARNING, logger="socsec.taxexchange.results"):
        assert fetch(ex).results_in == ["SSX-factory-2026-09-1"]
    handover = Handover.objects.get()
    assert handover.refused == [
        {
            "line": 3,
            "person_id": world.rider.pk,
            "scheme": "PENSION",
            "reason": "no such line in the document",
            "template": "no such line in the document",
            "params": {},
        },
        {
            "line": 4,
            "person_id": world.employee.pk,
            "scheme": "MEDICAL",
            "reason": "PAID with 1 cents of the 80000 due",
            "template": "PAID with %(paid)s cents of the %(due)s due",
            "params": {"paid": 1, "due": 80000},
        },
    ]
    assert [(r.person_id, r.scheme) for r in CollectionResult.objects.all()] == [(world.employee.pk, "PENSION")]
    assert "no such line in the document" in caplog.text


def test_results_of_the_stand_in_are_deterministic(world: World, tmp_path: Path) -> None:
    first, second = exchange(tmp_path / "a"), exchange(tmp_path / "b")
    due = lines(world.employer.pk, world.employee.pk, "2026-09")
    from socsec.taxexchange.documents import document_build

    document = document_build(
        document_id="D-1", employer_code="factory", credit_code="", month="2026-09", replaces=None, lines=due
    )
    first.send(document)
    second.send(document)
    assert first.fetch_results("D-1") == second.fetch_results("D-1")
    assert first.fetch_results("D-2") is None
