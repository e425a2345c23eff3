"""Where a month's assessed amounts come from: by default the employers' assessed payroll declarations
(``due_lines_assessed``); a callable the settings name instead (``SOCSEC_TAX_EXCHANGE["due_lines"]``, a
dotted path to ``f(month) -> Iterable[DueLine]``); or a CSV file (employer code, person id, month, scheme
and the cents) for the command line."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from socsec.core.errors import Reason, ValidationFailed
from socsec.employers.selectors import month_assessed_lines
from socsec.registry.models import Organisation
from socsec.rules.texts import N_

from .documents import DueLine
from .errors import TaxExchangeErrorCode

CSV_COLUMNS = ("employer", "person_id", "month", "scheme", "base_cents", "employer_cents", "employee_cents")


def due_lines_assessed(month: str) -> Iterator[DueLine]:
    """The month's amounts as the employers' payroll declarations were assessed (a correction, once
    re-assessed, is what is read): every employer's lines in one streamed query."""
    for row in month_assessed_lines(month=month):
        yield DueLine(**row)


def due_lines_configured(month: str) -> Iterable[DueLine]:
    """The month's assessed amounts from the source the settings name, else the assessed declarations."""
    path = settings.SOCSEC_TAX_EXCHANGE.get("due_lines") or ""
    if not path:
        return due_lines_assessed(month)
    source: Callable[[str], Iterable[DueLine]] = import_string(path)
    return source(month)


def due_lines_csv(path: Path) -> list[DueLine]:
    """The lines of a CSV file, every row checked first: a row that cannot be read refuses the file,
    naming the row and the field."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(_rows(csv.DictReader(handle)))
    codes = {code for _n, code, _rest in rows}
    employers = dict(Organisation.objects.filter(code__in=codes).values_list("code", "id"))
    out = []
    for number, code, rest in rows:
        if code not in employers:
            raise _bad(number, "employer", Reason(N_("unknown employer %(code)s"), code=repr(code)))
        out.append(DueLine(employers[code], *rest))
    return out


def _bad(row: int, field: str, reason: str) -> ValidationFailed:
    return ValidationFailed(
        "lines, row %(row)s, %(field)s: %(reason)s",
        field="lines",
        code=TaxExchangeErrorCode.LINES_INVALID,
        params={"row": row, "field": field, "reason": reason},
    )


def _rows(reader: csv.DictReader[str]) -> Iterator[tuple[int, str, tuple[int, str, str, int, int, int]]]:
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise _bad(1, missing[0], Reason(N_("the column is missing")))
    for number, raw in enumerate(reader, start=2):
        numbers = {}
        for name in ("person_id", "base_cents", "employer_cents", "employee_cents"):
            value = (raw.get(name) or "").strip()
            if not (value.isascii() and value.isdigit()):
                raise _bad(number, name, Reason(N_("%(value)s is not a whole number, 0 or more"), value=repr(value)))
            numbers[name] = int(value)
        month, scheme = (raw.get("month") or "").strip(), (raw.get("scheme") or "").strip()
        rest = (numbers["person_id"], month, scheme, numbers["base_cents"])
        yield number, (raw.get("employer") or "").strip(), (*rest, numbers["employer_cents"], numbers["employee_cents"])
