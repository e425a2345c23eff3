"""An officer's confirmation is provisional until the bank's line settles it (by reference, or by platform
and amount within the window), the bank's date winning through a correcting entry; a line that differs
in amount is MISMATCHED without refusing the others; the date an officer gives is bounded; the bank file's
malformed rows are refused with their row numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from socsec.accounts.permissions import Principal
from socsec.audit.services import Actor
from socsec.contributions.collection.bank_statements import bank_statement_import
from socsec.contributions.collection.declarations import payment_declaration_confirm, payment_declare
from socsec.contributions.models import Payment, PaymentDeclaration
from socsec.core.errors import ValidationFailed
from socsec.ledger.models import LedgerTransaction
from socsec.ledger.selectors import balance, trial_balance
from tests.world import SYSTEM

HEADER = "date,amount,reference,payer\n"
TODAY = timezone.localdate()  # the agency's day (the machine's may be the day before)
FIELD_LIMIT = "field larger than field limit (131072)"
NUL_AT_2 = "U+0000, at character 2; it is not accepted."


def day(n: int) -> dt.date:
    """``n`` days before today."""
    return TODAY - dt.timedelta(days=n)


def officer(world: Any, role: str = "officer") -> Actor:
    return Principal.of_user(world.users[role]).actor


def confirmed(world: Any, reference: str, cents: int, received: dt.date) -> PaymentDeclaration:
    declaration, _ = payment_declare(
        actor=SYSTEM, platform=world.platform, amount_cents=cents, declared_received_on=received, reference=reference
    )
    return payment_declaration_confirm(
        actor=officer(world), declaration=declaration, received_on=received, reason="bank slip seen"
    )


def statement(*lines: str) -> bytes:
    return (HEADER + "".join(f"{line}\n" for line in lines)).encode()


def test_a_bank_line_with_another_reference_settles_the_confirmation(world):
    d = confirmed(world, "MY-REF", 400, day(4))
    assert (d.status, balance("bank:collection")) == ("CONFIRMED", 400)
    results = bank_statement_import(actor=SYSTEM, content=statement(f"{day(3)},4.00,BANK-777,ridego"), source="b")
    assert [(r.row, r.outcome, r.payment.pk if r.payment else None) for r in results] == [(2, "settled", d.payment_id)]
    assert balance("bank:collection") == 400  # not 800: the same money once
    payment = Payment.objects.get()
    assert (payment.reference, payment.bank_reference, payment.received_on) == ("MY-REF", "BANK-777", day(3))
    again = bank_statement_import(actor=SYSTEM, content=statement(f"{day(3)},4.00,BANK-777,ridego"), source="b")
    assert [r.outcome for r in again] == ["replayed"]
    assert (Payment.objects.count(), balance("bank:collection"), sum(trial_balance().values())) == (1, 400, 0)


def test_the_banks_date_wins_and_other_lines_are_booked(world):
    d = confirmed(world, "SAME-1", 400, day(4))
    wrong = confirmed(world, "SAME-2", 500, day(4))
    results = bank_statement_import(
        actor=SYSTEM,
        content=statement(f"{day(3)},4.00,SAME-1,ridego", f"{day(3)},7.00,SAME-2,ridego", f"{day(2)},2.00,Z-1,zipper"),
        source="b",
    )
    assert [(r.row, r.reference, r.outcome) for r in results] == [
        (2, "SAME-1", "settled"),
        (3, "SAME-2", "mismatched"),
        (4, "Z-1", "new"),
    ]
    assert results[1].message == "the bank's line SAME-2 is 7.00 yuan; officers confirmed 5.00 yuan under SAME-2"
    d.refresh_from_db()
    wrong.refresh_from_db()
    assert (d.status, d.received_on, d.payment.received_on) == ("CONFIRMED", day(3), day(3))
    assert (wrong.status, wrong.mismatch) == ("MISMATCHED", results[1].message)
    # the officer's posting reversed on the officer's date and posted again on the bank's
    key = f"payment:{d.payment_id}"
    assert list(
        LedgerTransaction.objects.filter(source=key).order_by("id").values_list("idempotency_key", "booked_on")
    ) == [(key, day(4)), (f"{key}:officer-date-reversed", day(4)), (f"{key}:bank-date", day(3))]
    assert (balance("bank:collection"), sum(trial_balance().values())) == (400 + 500 + 200, 0)


def test_a_line_of_the_same_amount_outside_the_window_is_a_new_payment(world):
    confirmed(world, "MY-REF", 400, day(20))
    results = bank_statement_import(actor=SYSTEM, content=statement(f"{day(3)},4.00,BANK-9,ridego"), source="b")
    assert [r.outcome for r in results] == ["new"]
    assert balance("bank:collection") == 800


def test_the_date_an_officer_gives_is_bounded(world):
    declaration, _ = payment_declare(
        actor=SYSTEM, platform=world.platform, amount_cents=400, declared_received_on=day(40), reference="OLD"
    )
    with pytest.raises(ValidationFailed) as caught:
        payment_declaration_confirm(
            actor=officer(world), declaration=declaration, received_on=dt.date(1990, 1, 1), reason="slip"
        )
    assert caught.value.message == (
        f"received_on: 1990-01-01 is before {day(47)}, more than 7 days before the date declared ({day(40)})."
    )
    assert Payment.objects.count() == 0
    backdated = payment_declaration_confirm(
        actor=officer(world), declaration=declaration, received_on=day(31), reason="slip"
    )
    assert (backdated.status, backdated.payment_id, Payment.objects.count()) == ("AWAITING_APPROVAL", None, 0)


def test_a_recent_date_needs_one_officer(world):
    d = confirmed(world, "NEW", 400, day(30))
    assert (d.status, Payment.objects.get().received_on) == ("CONFIRMED", day(30))


def test_an_amount_far_from_the_declared_one_is_mismatched(world):
    payment_declare(
        actor=SYSTEM, platform=world.platform, amount_cents=100_000_000, declared_received_on=day(5), reference="M-1"
    )
    bank_statement_import(actor=SYSTEM, content=statement(f"{day(3)},0.01,M-1,ridego"), source="b")
    d = PaymentDeclaration.objects.get()
    assert (d.status, d.mismatch) == ("MISMATCHED", "declared 1,000,000.00 yuan; the bank's line M-1 is 0.01 yuan")


@pytest.mark.parametrize(
    ("line", "row", "field", "message"),
    [
        (f"{day(1)},1.00,{'x' * 140_000},ridego", 2, "file", f"not readable as CSV: {FIELD_LIMIT}."),
        (f"{day(1)},1.00,A\x00B,ridego", 2, "reference", f"holds a control character, {NUL_AT_2}"),
        ("0001-01-01,1.00,OLD-1,ridego", 2, "date", "0001-01-01 is before 2000-01-01 or in the future."),
    ],
)
def test_malformed_statement_rows_are_refused_with_their_row(world, line, row, field, message):
    content = (HEADER + line + "\n").encode()
    with pytest.raises(ValidationFailed) as caught:
        bank_statement_import(actor=SYSTEM, content=content, source="b")
    assert caught.value.details["rows"] == [{"row": row, "field": field, "message": message}]
    assert Payment.objects.count() == 0


def test_the_cli_names_the_unreadable_row_and_the_mismatched_lines(world, tmp_path, capsys):
    import argparse

    from socsec.cli.ingest import cmd_ingest_payments

    huge = tmp_path / "huge.csv"
    huge.write_text(f"{HEADER}{day(1)},1.00,{'x' * 140_000},ridego\n")
    assert cmd_ingest_payments(argparse.Namespace(file=str(huge))) == 2
    assert capsys.readouterr().err.splitlines()[1] == f"  row 2 file: not readable as CSV: {FIELD_LIMIT}."
    confirmed(world, "SAME-2", 500, day(4))
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(statement(f"{day(3)},7.00,SAME-2,ridego", f"{day(2)},2.00,Z-1,zipper"))
    assert cmd_ingest_payments(argparse.Namespace(file=str(mixed))) == 1
    assert capsys.readouterr().out.splitlines() == [
        "2 payment(s) in the statement, 1 new, 0 already recorded; 2.00 yuan recorded",
        "0 settled an officer's confirmation; 1 mismatched, not booked:",
        "  row 2 SAME-2: the bank's line SAME-2 is 7.00 yuan; officers confirmed 5.00 yuan under SAME-2",
    ]


def test_a_declared_reference_with_a_control_character_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        payment_declare(
            actor=SYSTEM, platform=world.platform, amount_cents=100, declared_received_on=day(1), reference="A\x00B"
        )
    assert caught.value.details == {"fields": {"reference": [f"holds a control character, {NUL_AT_2}"]}}
    assert PaymentDeclaration.objects.count() == 0
