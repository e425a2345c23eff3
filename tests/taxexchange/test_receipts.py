"""Later payments: the tax authority's receipts for a document whose results are in update the results,
post exactly the difference under a key per receipt, and count the months; a receipt for no document, no
line, or more than is owed refuses its file whole, with nothing written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.db import connection

from socsec.core.errors import ValidationFailed
from socsec.ledger.models import LedgerEntry, LedgerTransaction
from socsec.ledger.selectors import balance, individual_account_balance
from socsec.registry.models import Person
from socsec.taxexchange.models import CollectionReceipt, CollectionReceiptLine, CollectionResult, ReceiptFile
from socsec.taxexchange.months_sql import employer_spans_sql
from socsec.taxexchange.receipts import receipts_fetch, receipts_file_apply
from socsec.taxexchange.selectors import employer_months_on_record, paid_employer_months
from socsec.taxexchange.standin import DropFolderExchange
from tests.world import World

from .helpers import SYSTEM, exchange, fetch, lines, send

MONTH = "2026-09"
DOCUMENT = "SSX-factory-2026-09-1"
LATE = dt.date(2026, 11, 20)
PENSION_FUND = "fund:EMPLOYEE_PENSION:440000"


@pytest.fixture
def collected(world: World, tmp_path: Path) -> DropFolderExchange:
    """September handed over and collected: the employee paid in full, the rider not at all, the
    freelancer half of each line."""
    ex = exchange(
        tmp_path, unpaid_persons=frozenset({world.rider.pk}), part_paid_persons=frozenset({world.freelancer.pk})
    )
    due = [
        line for p in (world.employee, world.rider, world.freelancer) for line in lines(world.employer.pk, p.pk, MONTH)
    ]
    send(MONTH, due, ex)
    assert fetch(ex).results_in == [DOCUMENT]
    return ex


def _file(folder: Path, name: str, *receipts: dict[str, object]) -> None:
    box = folder / "receipts"
    box.mkdir(exist_ok=True)
    text = [json.dumps({"receipts_file": name}), *(json.dumps(r) for r in receipts)]
    (box / f"{name}.jsonl").write_text("\n".join(text) + "\n")


def _state() -> tuple[int, ...]:
    """Every table a receipts file could change, counted, and the month's money paid."""
    paid = sum(CollectionResult.objects.values_list("paid_cents", flat=True))
    return (
        ReceiptFile.objects.count(),
        CollectionReceipt.objects.count(),
        CollectionReceiptLine.objects.count(),
        LedgerTransaction.objects.count(),
        LedgerEntry.objects.count(),
        paid,
    )


def _result(person: Person, scheme: str) -> tuple[str, int, int, dt.date | None]:
    r = CollectionResult.objects.get(person=person, month=MONTH, scheme=scheme)
    return r.status, r.paid_cents, r.late_paid_cents, r.late_paid_on


def test_an_unpaid_month_paid_late_is_recorded_posted_once_and_counts(
    world: World, collected: DropFolderExchange, tmp_path: Path
) -> None:
    rider = world.rider
    assert paid_employer_months(rider.pk) == []
    bank, fund = balance("bank:collection"), balance(PENSION_FUND)
    collected.pay_late(document_id=DOCUMENT, receipt_id="R-1", paid_on=LATE, person_id=rider.pk)
    report = receipts_fetch(actor=SYSTEM, exchange=collected)
    assert (report.applied, report.receipts, report.refused) == ([f"{LATE}-R-1"], 1, {})
    assert _result(rider, "PENSION") == ("PAID", 192_000, 192_000, LATE)
    assert _result(rider, "WORK_INJURY") == ("PAID", 3_200, 3_200, LATE)
    # the ledger: exactly what came in, the rider's 8% to his individual account, booked on the day paid
    assert balance("bank:collection") - bank == 283_200
    assert individual_account_balance(rider.pk) == 64_000
    assert balance(PENSION_FUND) - fund == -128_000
    tx = LedgerTransaction.objects.get(idempotency_key__startswith="employer-receipt:")
    assert (tx.booked_on, tx.params["receipt"]) == (LATE, "R-1")
    # the month now counts for every scheme
    assert paid_employer_months(rider.pk) == [MONTH]
    assert MONTH in employer_months_on_record(rider, scheme="UNEMPLOYMENT", until=dt.date(2026, 12, 1))
    sql, params = employer_spans_sql(until=dt.date(2026, 12, 1), postgres=connection.vendor == "postgresql")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT lo, hi FROM ({sql}) spans WHERE person_id = %(rider)s", {**params, "rider": rider.pk})
        assert (2026 * 12 + 8, 2026 * 12 + 8) in cursor.fetchall()  # the insured-records export reads it too
    # fetched again, or the same receipt in another file: nothing changes
    before = _state()
    again = receipts_fetch(actor=SYSTEM, exchange=collected)
    assert (again.applied, again.unchanged, again.receipts) == ([], [f"{LATE}-R-1"], 0)
    receipt = {"receipt_id": "R-1", "document_id": DOCUMENT, "paid_on": LATE.isoformat()}
    receipt["lines"] = [
        {"person_id": rider.pk, "scheme": s, "paid_cents": c}
        for s, c in (("MEDICAL", 80_000), ("PENSION", 192_000), ("UNEMPLOYMENT", 8_000), ("WORK_INJURY", 3_200))
    ]
    _file(tmp_path, "2026-11-21-copy", receipt)
    assert receipts_fetch(actor=SYSTEM, exchange=collected).receipts == 0
    assert _state()[1:] == before[1:]


def test_part_paid_lines_paid_late_in_parts_post_exactly_the_difference(
    world: World, collected: DropFolderExchange, tmp_path: Path
) -> None:
    freelancer = world.freelancer
    assert _result(freelancer, "PENSION") == ("PART_PAID", 96_000, 0, None)
    # the part paid: her 8% to her individual account first (the rule employee_pension_paid_to_account),
    # the rest to the pooled fund
    assert individual_account_balance(freelancer.pk) == 64_000
    assert -balance(PENSION_FUND) == 128_000 + 32_000
    bank = balance("bank:collection")
    first = {"receipt_id": "R-10", "document_id": DOCUMENT, "paid_on": "2026-11-02"}
    first["lines"] = [{"person_id": freelancer.pk, "scheme": "MEDICAL", "paid_cents": 10_000}]
    second = {"receipt_id": "R-11", "document_id": DOCUMENT, "paid_on": "2026-11-09"}
    second["lines"] = [{"person_id": freelancer.pk, "scheme": "PENSION", "paid_cents": 96_000}]
    _file(tmp_path, "2026-11-10", first, second)
    assert receipts_fetch(actor=SYSTEM, exchange=collected).receipts == 2
    assert _result(freelancer, "MEDICAL") == ("PART_PAID", 50_000, 10_000, dt.date(2026, 11, 2))
    assert _result(freelancer, "PENSION") == ("PAID", 192_000, 96_000, dt.date(2026, 11, 9))
    assert balance("bank:collection") - bank == 106_000
    # the pension line now paid in full: her account already had her 8%, the rest goes to the pooled fund
    assert individual_account_balance(freelancer.pk) == 64_000
    assert -balance(PENSION_FUND) == 128_000 + 128_000
    entries = dict(
        LedgerEntry.objects.filter(transaction__idempotency_key__endswith=":R-11").values_list(
            "account__code", "amount_cents"
        )
    )
    assert entries == {"bank:collection": 96_000, PENSION_FUND: -96_000}
    assert paid_employer_months(freelancer.pk) == [MONTH]
    assert paid_employer_months(freelancer.pk, scheme="MEDICAL") == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"document_id": "SSX-nobody-2026-09-1"}, "receipt R-9: no document SSX-nobody-2026-09-1"),
        (
            {"person": "employee", "paid_cents": 1},
            "pays 1 cents on the PENSION line of person {employee}, which owes 0",
        ),
        ({"paid_cents": 192_001}, "pays 192001 cents on the PENSION line of person {rider}, which owes 192000"),
        ({"scheme": "LONG_TERM_CARE"}, "has no LONG_TERM_CARE line of person {rider}"),
        ({"paid_on": "2099-01-01"}, "paid_on 2099-01-01 is in the future"),
    ],
)
def test_a_receipt_that_does_not_fit_refuses_its_file_and_writes_nothing(
    world: World, collected: DropFolderExchange, tmp_path: Path, change: dict[str, object], message: str
) -> None:
    people = {"employee": world.employee, "rider": world.rider}
    person = people[str(change.get("person", "rider"))]
    good = {"receipt_id": "R-8", "document_id": DOCUMENT, "paid_on": "2026-11-02"}
    good["lines"] = [{"person_id": world.rider.pk, "scheme": "MEDICAL", "paid_cents": 80_000}]
    bad = {"receipt_id": "R-9", "document_id": change.get("document_id", DOCUMENT)}
    bad["paid_on"] = change.get("paid_on", "2026-11-03")
    scheme, paid = change.get("scheme", "PENSION"), change.get("paid_cents", 192_000)
    bad["lines"] = [{"person_id": person.pk, "scheme": scheme, "paid_cents": paid}]
    _file(tmp_path, "2026-11-04", good, bad)
    before = _state()
    report = receipts_fetch(actor=SYSTEM, exchange=collected)
    assert report.receipts == 0
    assert message.format(**{k: p.pk for k, p in people.items()}) in report.refused["2026-11-04"]
    assert _state() == before
    assert _result(world.rider, "MEDICAL") == ("UNPAID", 0, 0, None)


def test_a_receipt_for_a_replaced_document_or_recorded_with_other_amounts_is_refused(
    world: World, collected: DropFolderExchange, tmp_path: Path
) -> None:
    rider = world.rider
    collected.pay_late(document_id=DOCUMENT, receipt_id="R-1", paid_on=LATE, person_id=rider.pk, cents={"MEDICAL": 5})
    assert receipts_fetch(actor=SYSTEM, exchange=collected).receipts == 1
    changed = {"receipt_id": "R-1", "document_id": DOCUMENT, "paid_on": LATE.isoformat()}
    changed["lines"] = [{"person_id": rider.pk, "scheme": "MEDICAL", "paid_cents": 6}]
    with pytest.raises(ValidationFailed, match="receipt R-1: recorded before with other amounts"):
        receipts_file_apply(actor=SYSTEM, name="other", raw=_raw("other", changed), today=LATE)
    # a corrected declaration replaces the document: its receipts are undone with it
    corrected = [*lines(world.employer.pk, rider.pk, MONTH, base=900_000)]
    everything_paid = exchange(tmp_path)
    send(MONTH, corrected, everything_paid)
    fetch(everything_paid, MONTH)
    late = {"receipt_id": "R-2", "document_id": DOCUMENT, "paid_on": LATE.isoformat()}
    late["lines"] = [{"person_id": rider.pk, "scheme": "MEDICAL", "paid_cents": 7}]
    with pytest.raises(ValidationFailed, match="document SSX-factory-2026-09-1 is REPLACED"):
        receipts_file_apply(actor=SYSTEM, name="late", raw=_raw("late", late), today=LATE)
    assert balance("bank:collection") == 318_600  # only the corrected document's results: 9,000 yuan x 35.4%


def _raw(name: str, *receipts: dict[str, object]) -> bytes:
    return ("\n".join([json.dumps({"receipts_file": name}), *(json.dumps(r) for r in receipts)]) + "\n").encode()


def test_a_malformed_receipts_file_is_refused_whole_naming_the_line(
    world: World, collected: DropFolderExchange
) -> None:
    with pytest.raises(ValidationFailed, match="receipts file, line 2: paid_cents is not a whole number of cents"):
        receipts_file_apply(
            actor=SYSTEM,
            name="x",
            raw=_raw("x", {"receipt_id": "R", "document_id": DOCUMENT, "paid_on": "2026-11-02", "lines": [
                {"person_id": world.rider.pk, "scheme": "PENSION", "paid_cents": 1.5}]}),
            today=LATE,
        )  # fmt: skip
    with pytest.raises(ValidationFailed, match="receipts file, line 1: names file 'y', not 'x'"):
        receipts_file_apply(actor=SYSTEM, name="x", raw=_raw("y"), today=LATE)
