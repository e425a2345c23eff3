"""The handover document and the results file, as the tax authority's system reads and writes them.

A handover document is JSON: the format, the document id, the employer (code and unified social credit
code), the month, the document it replaces (if any), the lines per employee and scheme, and a sha256
checksum of the canonical JSON of everything else (sorted keys, no spaces), so the receiver can tell a
document arrived whole.

A results file is JSON Lines: the first line names the document (``{"document_id": ..., "checksum":
...}``), every other line is one result ``{"person_id", "scheme", "status", "paid_cents", "paid_on"}``
(``paid_on``: YYYY-MM-DD, or null when nothing was paid). Line numbers count from 1."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from socsec.core.errors import Reason, ValidationFailed
from socsec.rules.texts import N_

from .errors import TaxExchangeErrorCode
from .models import SCHEMES, CollectionResult

FORMAT = "socsec-handover/1"
STATUSES = tuple(CollectionResult.Status.values)


@dataclass(frozen=True, order=True)
class DueLine:
    """One assessed amount to collect: an employer's and an employee's parts of one scheme for one
    employee and month (``YYYY-MM``), in cents."""

    employer_id: int
    person_id: int
    month: str
    scheme: str
    base_cents: int
    employer_cents: int
    employee_cents: int


@dataclass(frozen=True)
class HandoverDocument:
    document_id: str
    body: dict[str, Any]  # everything the checksum covers
    checksum: str

    def as_bytes(self) -> bytes:
        return canonical({**self.body, "checksum": self.checksum})


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def lines_checksum(lines: Iterable[DueLine]) -> str:
    """The sha256 of a month's lines (in canonical order): the same amounts give the same checksum."""
    rows = [[d.person_id, d.scheme, d.base_cents, d.employer_cents, d.employee_cents] for d in sorted(lines)]
    return hashlib.sha256(canonical(rows)).hexdigest()


def document_build(
    *,
    document_id: str,
    employer_code: str,
    credit_code: str,
    month: str,
    replaces: str | None,
    lines: Iterable[DueLine],
) -> HandoverDocument:
    body = {
        "format": FORMAT,
        "document_id": document_id,
        "employer": {"code": employer_code, "credit_code": credit_code},
        "month": month,
        "replaces": replaces,
        "lines": [
            {
                "person_id": d.person_id,
                "scheme": d.scheme,
                "base_cents": d.base_cents,
                "employer_cents": d.employer_cents,
                "employee_cents": d.employee_cents,
            }
            for d in sorted(lines)
        ],
    }
    return HandoverDocument(document_id, body, hashlib.sha256(canonical(body)).hexdigest())


def document_read(raw: bytes) -> dict[str, Any]:
    """A handover document as received, its checksum checked (the stand-in's side)."""
    document: dict[str, Any] = json.loads(raw)
    checksum = document.pop("checksum", "")
    if hashlib.sha256(canonical(document)).hexdigest() != checksum:
        raise ValueError(f"document {document.get('document_id')!r}: the checksum does not match")
    return document


@dataclass(frozen=True)
class ResultRow:
    line: int  # the line of the results file
    person_id: int
    scheme: str
    status: str
    paid_cents: int
    paid_on: dt.date | None


def _malformed(line: int, reason: str) -> ValidationFailed:
    return ValidationFailed(
        "results file, line %(line)s: %(reason)s",
        field="results",
        code=TaxExchangeErrorCode.RESULTS_MALFORMED,
        params={"line": line, "reason": reason},
        details={"line": line, "reason": str(reason)},
    )


def json_lines(raw: bytes, malformed: Callable[[int, str], ValidationFailed]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The objects of a JSON Lines file with their line numbers (from 1; blank lines skipped); a file that
    is not UTF-8, is empty, or has a line that is not a JSON object raises ``malformed(line, reason)``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise malformed(1, Reason(N_("not UTF-8 text"))) from None
    if not text.strip():
        raise malformed(1, Reason(N_("the file is empty")))
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise malformed(number, Reason(N_("not a JSON object"))) from None
        if not isinstance(item, dict):
            raise malformed(number, Reason(N_("not a JSON object")))
        yield number, item


def results_read(raw: bytes, *, document_id: str) -> list[ResultRow]:
    """Every result of a results file, each line checked; the first line that cannot be read refuses the
    whole file (``ValidationFailed`` naming the line and why), so nothing of it is kept."""
    rows: list[ResultRow] = []
    seen: dict[tuple[int, str], int] = {}
    for number, item in json_lines(raw, _malformed):
        if number == 1:
            if item.get("document_id") != document_id:
                raise _malformed(
                    number,
                    Reason(
                        N_("names document %(named)s, not %(expected)s"),
                        named=repr(item.get("document_id")),
                        expected=repr(document_id),
                    ),
                )
            continue
        rows.append(_result_row(number, item, seen))
    return rows


def _result_row(number: int, item: dict[str, Any], seen: dict[tuple[int, str], int]) -> ResultRow:
    person, scheme, status = item.get("person_id"), item.get("scheme"), item.get("status")
    paid, day = item.get("paid_cents"), item.get("paid_on")
    if not isinstance(person, int) or isinstance(person, bool):
        raise _malformed(number, Reason(N_("person_id is not a whole number")))
    if scheme not in SCHEMES:
        raise _malformed(number, Reason(N_("unknown scheme %(scheme)s"), scheme=repr(scheme)))
    if status not in STATUSES:
        raise _malformed(number, Reason(N_("unknown status %(status)s"), status=repr(status)))
    if not isinstance(paid, int) or isinstance(paid, bool) or paid < 0:
        raise _malformed(number, Reason(N_("paid_cents is not a whole number of cents, 0 or more")))
    paid_on: dt.date | None = None
    if day is not None:
        try:
            paid_on = dt.date.fromisoformat(str(day))
        except ValueError:
            raise _malformed(number, Reason(N_("paid_on %(day)s is not a date YYYY-MM-DD"), day=repr(day))) from None
    if status == "UNPAID" and paid:
        raise _malformed(number, Reason(N_("an UNPAID result with money paid")))
    if status != "UNPAID" and paid_on is None:
        raise _malformed(number, Reason(N_("a payment without its date")))
    if status == "PART_PAID" and not paid:
        raise _malformed(number, Reason(N_("PART_PAID without an amount paid")))
    if (person, scheme) in seen:
        raise _malformed(number, Reason(N_("repeats line %(line)s"), line=seen[(person, scheme)]))
    seen[(person, scheme)] = number
    return ResultRow(number, person, scheme, status, paid, paid_on)
