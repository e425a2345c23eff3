"""The tax authority's files of later payments ("receipts"), as its system writes them: JSON Lines, the
first line naming the file (``{"receipts_file": NAME}``), every other line one receipt::

    {"receipt_id": "R-1", "document_id": "SSX-...", "paid_on": "YYYY-MM-DD",
     "lines": [{"person_id": 7, "scheme": "PENSION", "paid_cents": 192000}, ...]}

A receipt is a payment the tax authority collected after a document's results were in: its own id, the
day paid, and per employee line (person and scheme) the amount paid, the whole line still due or a part
of it. Line numbers count from 1; the first line that cannot be read refuses the whole file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from socsec.core.errors import Reason, ValidationFailed
from socsec.rules.texts import N_

from .documents import json_lines
from .errors import TaxExchangeErrorCode
from .models import SCHEMES

RECEIPT_ID_MAX = 80


@dataclass(frozen=True)
class ReceiptLine:
    person_id: int
    scheme: str
    paid_cents: int


@dataclass(frozen=True)
class Receipt:
    line: int  # the line of the file
    receipt_id: str
    document_id: str
    paid_on: dt.date
    lines: tuple[ReceiptLine, ...]

    @property
    def paid_cents(self) -> int:
        return sum(part.paid_cents for part in self.lines)


def _malformed(line: int, reason: str) -> ValidationFailed:
    return ValidationFailed(
        "receipts file, line %(line)s: %(reason)s",
        field="receipts",
        code=TaxExchangeErrorCode.RECEIPTS_MALFORMED,
        params={"line": line, "reason": reason},
        details={"line": line, "reason": str(reason)},
    )


def receipts_read(raw: bytes, *, name: str, today: dt.date) -> list[Receipt]:
    """Every receipt of a file, each checked (a payment is never dated after ``today``); the first line
    that cannot be read refuses the whole file, naming the line and why."""
    receipts: list[Receipt] = []
    seen: dict[str, int] = {}
    for number, item in json_lines(raw, _malformed):
        if number == 1:
            if item.get("receipts_file") != name:
                raise _malformed(
                    number,
                    Reason(
                        N_("names file %(named)s, not %(expected)s"),
                        named=repr(item.get("receipts_file")),
                        expected=repr(name),
                    ),
                )
            continue
        receipt = _receipt(number, item, today)
        if receipt.receipt_id in seen:
            raise _malformed(
                number,
                Reason(
                    N_("receipt %(receipt)s repeats line %(line)s"),
                    receipt=receipt.receipt_id,
                    line=seen[receipt.receipt_id],
                ),
            )
        seen[receipt.receipt_id] = number
        receipts.append(receipt)
    return receipts


def _receipt(number: int, item: dict[str, Any], today: dt.date) -> Receipt:
    receipt_id, document_id, day, parts = (item.get(k) for k in ("receipt_id", "document_id", "paid_on", "lines"))
    if not isinstance(receipt_id, str) or not 0 < len(receipt_id.strip()) <= RECEIPT_ID_MAX:
        raise _malformed(
            number, Reason(N_("receipt_id is not a text of 1 to %(most)s characters"), most=RECEIPT_ID_MAX)
        )
    if not isinstance(document_id, str) or not document_id:
        raise _malformed(number, Reason(N_("document_id is missing")))
    try:
        paid_on = dt.date.fromisoformat(str(day))
    except ValueError:
        raise _malformed(number, Reason(N_("paid_on %(day)s is not a date YYYY-MM-DD"), day=repr(day))) from None
    if paid_on > today:
        raise _malformed(number, Reason(N_("paid_on %(day)s is in the future"), day=paid_on.isoformat()))
    if not isinstance(parts, list) or not parts:
        raise _malformed(number, Reason(N_("a receipt without lines")))
    lines: list[ReceiptLine] = []
    for part in parts:
        if not isinstance(part, dict):
            raise _malformed(number, Reason(N_("a receipt line is not a JSON object")))
        person, scheme, paid = part.get("person_id"), part.get("scheme"), part.get("paid_cents")
        if not isinstance(person, int) or isinstance(person, bool):
            raise _malformed(number, Reason(N_("person_id is not a whole number")))
        if not isinstance(scheme, str) or scheme not in SCHEMES:
            raise _malformed(number, Reason(N_("unknown scheme %(scheme)s"), scheme=repr(scheme)))
        if not isinstance(paid, int) or isinstance(paid, bool) or paid <= 0:
            raise _malformed(number, Reason(N_("paid_cents is not a whole number of cents above 0")))
        if any(p.person_id == person and p.scheme == scheme for p in lines):
            raise _malformed(
                number,
                Reason(N_("person %(person)s has two %(scheme)s lines in the receipt"), person=person, scheme=scheme),
            )
        lines.append(ReceiptLine(person, scheme, paid))
    return Receipt(number, receipt_id.strip(), document_id, paid_on, tuple(lines))
