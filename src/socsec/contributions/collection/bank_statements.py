"""A bank statement read into payments: a CSV of the agency's collection account (date, amount in
yuan, reference, payer). Every row is checked first (a malformed file or row refuses the file, naming
each row); then each line is booked on its own (``bank_lines.book_line``: a new payment, a replay, the
settlement of an officer-confirmed payment, or MISMATCHED for review, never refusing the other lines),
and the payments the platforms declared with those references are matched to them (booked on the bank's
date, not the one declared)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor
from socsec.core.db import lock
from socsec.core.errors import ValidationFailed
from socsec.core.faults import fault
from socsec.core.text import text_refusal
from socsec.registry.models import Organisation

from .bank_lines import LineResult, StatementRow, book_line
from .declarations import declarations_match, match_window_days
from .payments import OpenInvoices

MAX_PAYMENT_YUAN = 10**10  # a plausibility bound: ten billion yuan on one bank line is a data error
EARLIEST_DATE = dt.date(2000, 1, 1)  # a plausibility bound: the collection account holds no older lines


def bank_statement_import(*, actor: Actor, content: bytes, source: str) -> list[LineResult]:
    """A bank statement (CSV: date, amount in yuan, reference, payer = platform code or credit code).
    Every row is checked first; one malformed row and nothing is recorded. Then each line has its own
    outcome, in the order of the rows. Re-importing the same statement records nothing twice."""
    import csv
    import io
    from decimal import Decimal, InvalidOperation

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            "file: not UTF-8 text (byte %(start)s).", field="file", params={"start": exc.start}
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    expected = {"date", "amount", "reference", "payer"}
    if not reader.fieldnames or expected - set(reader.fieldnames):
        raise ValidationFailed(
            "file: the header must have the columns %(columns)s.",
            field="file",
            params={"columns": ", ".join(sorted(expected))},
        )
    payers = {o.code: o for o in Organisation.objects.filter(kind=Organisation.Kind.PLATFORM)}
    payers |= {o.credit_code: o for o in payers.values() if o.credit_code}
    rows: list[StatementRow] = []
    problems: list[dict[str, Any]] = []
    seen: dict[tuple[int, str], int] = {}
    number = 1  # row 1 is the header
    today = timezone.localdate()
    while True:
        number += 1
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field over the size limit, a NUL, an unclosed quote: the rest is unreadable
            problems.append({"row": number, "field": "file", "message": f"not readable as CSV: {exc}."})
            break
        try:
            received = dt.date.fromisoformat((raw.get("date") or "").strip())
        except ValueError:
            problems.append({"row": number, "field": "date", "message": f"{raw.get('date')!r} is not a date."})
            continue
        if not EARLIEST_DATE <= received <= today:
            problems.append(
                {
                    "row": number,
                    "field": "date",
                    "message": f"{received.isoformat()} is before {EARLIEST_DATE.isoformat()} or in the future.",
                }
            )
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
        refusal = text_refusal(reference)
        if refusal:
            problems.append({"row": number, "field": "reference", "message": refusal})
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
            "%(count)s bad row(s); first: row %(row)s %(field)s %(message)s",
            field=problems[0]["field"],
            details={"rows": problems},
            params={
                "count": len(problems),
                "row": problems[0]["row"],
                "field": problems[0]["field"],
                "message": problems[0]["message"],
            },
        )
    rows.sort(key=lambda r: (r.platform.pk, r.row))  # platforms locked in one order: no deadlock between imports
    window = match_window_days(today)
    results: dict[int, LineResult] = {}
    with transaction.atomic():
        for platform_id, lines in itertools.groupby(rows, key=lambda r: r.platform.pk):
            lock(Organisation.objects).filter(pk=platform_id).first()  # one allocation at a time
            platform_lines = list(lines)
            open_invoices = OpenInvoices(platform_lines[0].platform)
            for r in platform_lines:
                results[r.row] = book_line(actor, r, source, open_invoices, window)
            fault("payments.platform_booked")  # killed with a platform's payments written, not committed
        declarations_match(actor=actor, payments=[res.payment for res in results.values() if res.payment is not None])
    return [results[row] for row in sorted(results)]
