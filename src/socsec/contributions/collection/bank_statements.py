"""A bank statement read into payments: a CSV of the agency's collection account (date, amount in
yuan, reference, payer), every row checked before any is recorded, each line recorded and allocated
as a platform's payment, and the payments the platforms declared with those references matched to them
(booked on the bank's date, not the one declared)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor
from socsec.contributions.models import Payment
from socsec.core.db import lock
from socsec.core.errors import ValidationFailed
from socsec.registry.models import Organisation

from .declarations import declarations_match
from .payments import OpenInvoices, record_payment

MAX_PAYMENT_YUAN = 10**10  # a plausibility bound: ten billion yuan on one bank line is a data error


@dataclass(frozen=True)
class StatementRow:
    """One checked line of a bank statement: a platform's payment."""

    row: int
    platform: Organisation
    amount_cents: int
    received_on: dt.date
    reference: str


def bank_statement_import(*, actor: Actor, content: bytes, source: str) -> list[tuple[Payment, bool]]:
    """A bank statement (CSV: date, amount in yuan, reference, payer = platform code or credit code).
    Every row is checked first; one bad row and nothing is recorded. Re-importing the same statement
    records nothing twice (payments are unique by reference)."""
    import csv
    import io
    from decimal import Decimal, InvalidOperation

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(f"file: not UTF-8 text (byte {exc.start}).", field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    expected = {"date", "amount", "reference", "payer"}
    if not reader.fieldnames or expected - set(reader.fieldnames):
        raise ValidationFailed(f"file: the header must have the columns {', '.join(sorted(expected))}.", field="file")
    payers = {o.code: o for o in Organisation.objects.filter(kind=Organisation.Kind.PLATFORM)}
    payers |= {o.credit_code: o for o in payers.values() if o.credit_code}
    rows: list[StatementRow] = []
    problems: list[dict[str, Any]] = []
    seen: dict[tuple[int, str], int] = {}
    for number, raw in enumerate(reader, start=2):  # row 1 is the header
        try:
            received = dt.date.fromisoformat((raw.get("date") or "").strip())
        except ValueError:
            problems.append({"row": number, "field": "date", "message": f"{raw.get('date')!r} is not a date."})
            continue
        if received > timezone.localdate():
            problems.append({"row": number, "field": "date", "message": f"{received.isoformat()} is in the future."})
            continue
        try:
            yuan = Decimal((raw.get("amount") or "").strip())
        except InvalidOperation:
            problems.append({"row": number, "field": "amount", "message": f"{raw.get('amount')!r} is not an amount."})
            continue
        if not yuan.is_finite() or yuan <= 0 or yuan > MAX_PAYMENT_YUAN or yuan != yuan.quantize(Decimal("0.01")):
            problems.append(
                {
                    "row": number,
                    "field": "amount",
                    "message": f"{yuan} must be positive, at most {MAX_PAYMENT_YUAN}, with at most two decimals.",
                }
            )
            continue
        reference = (raw.get("reference") or "").strip()
        if not reference or len(reference) > 100:
            problems.append({"row": number, "field": "reference", "message": "is required (at most 100 characters)."})
            continue
        payer = payers.get((raw.get("payer") or "").strip())
        if payer is None:
            problems.append({"row": number, "field": "payer", "message": f"unknown payer {raw.get('payer')!r}."})
            continue
        if (payer.pk, reference) in seen:
            problems.append(
                {"row": number, "field": "reference", "message": f"repeats row {seen[(payer.pk, reference)]}."}
            )
            continue
        seen[(payer.pk, reference)] = number
        rows.append(StatementRow(number, payer, int(yuan * 100), received, reference))
    if problems:
        raise ValidationFailed(
            f"{len(problems)} bad row(s); first: row {problems[0]['row']} {problems[0]['field']} "
            f"{problems[0]['message']}",
            field=problems[0]["field"],
            details={"rows": problems},
        )
    rows.sort(key=lambda r: (r.platform.pk, r.row))  # platforms locked in one order: no deadlock between imports
    recorded: dict[int, tuple[Payment, bool]] = {}
    with transaction.atomic():
        for platform_id, lines in itertools.groupby(rows, key=lambda r: r.platform.pk):
            lock(Organisation.objects).filter(pk=platform_id).first()  # one allocation at a time
            platform_lines = list(lines)
            open_invoices = OpenInvoices(platform_lines[0].platform)
            for r in platform_lines:
                recorded[r.row] = record_payment(
                    actor, r.platform, r.amount_cents, r.received_on, r.reference, source, open_invoices
                )
        declarations_match(actor=actor, payments=[payment for payment, _replayed in recorded.values()])
    return [recorded[r.row] for r in rows]
