"""The error report of an order batch, bounded: every refused row is counted (per error code, and rows),
but only the first ``keep`` errors by row are kept to be stored and shown. A file of a million bad rows
thus stores a thousand errors and the counts, never a list the size of the file.

Each error keeps its row (the spreadsheet's number), the row's order id, the field, the code, and its
reason as an English template with its values (``template``, ``params``) beside the sentence they make
(``message``), so that a page and the downloaded report say it in the reader's language."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np


class RowErrors:
    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.counts: Counter[str] = Counter()
        self.invalid_rows = 0
        self._kept: list[dict[str, Any]] = []
        self._last_row = 0

    def add(
        self,
        row: int,
        field: str,
        code: StrEnum,
        template: str,
        params: dict[str, Any] | None = None,
        *,
        order_id: str = "",
    ) -> None:
        """One error of a row. The errors of a row are added together (all of one row, then the next)."""
        self.counts[str(code)] += 1
        if row != self._last_row:
            self.invalid_rows += 1
            self._last_row = row
        self._keep([entry(row, order_id, field, code, template, params or {})])

    def add_rows(
        self,
        rows: np.ndarray,
        field: str,
        code: StrEnum,
        message: Callable[[int], tuple[str, dict[str, Any]]],
        order_ids: Callable[[int], str],
    ) -> None:
        """The same error for many rows, none of which has another error; ``message(i)`` gives the template
        and values for the i-th of ``rows``, ``order_ids(i)`` its order id (only the kept ones are asked)."""
        self.counts[str(code)] += len(rows)
        self.invalid_rows += len(rows)
        order = np.argsort(rows, kind="stable")[: self.keep]
        self._keep([entry(int(rows[i]), order_ids(int(i)), field, code, *message(int(i))) for i in order])

    def report(self) -> list[dict[str, Any]]:
        """The kept errors, by row (a row's errors in the order they were found)."""
        return sorted(self._kept, key=lambda e: e["row"])[: self.keep]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def _keep(self, entries: list[dict[str, Any]]) -> None:
        self._kept.extend(entries)
        if len(self._kept) >= 2 * self.keep:
            self._kept = self.report()


def entry(row: int, order_id: str, field: str, code: StrEnum, template: str, params: dict[str, Any]) -> dict[str, Any]:
    """One stored error: the row's number and order id, the field, the code, the reason in English and
    as its template with the values."""
    message = template % params if params else template
    return {
        "row": row,
        "order_id": order_id,
        "field": field,
        "code": str(code),
        "message": message,
        "template": template,
        "params": params,
    }


@dataclass
class RowCheck:
    """One check's refusals among a chunk's rows: where it failed (``mask``), its place among a row's
    checks (``order``: a row's errors are reported in the order they are checked), and, for the rows whose
    errors are kept, the reason (template and values) and the row's order id."""

    code: StrEnum
    field: str
    order: int
    mask: np.ndarray
    message: Callable[[int], tuple[str, dict[str, Any]]]
    order_id: Callable[[int], str]


def add_checks(errors: RowErrors, numbers: np.ndarray, checks: list[RowCheck]) -> np.ndarray:
    """Count the refusals of a chunk's checks (per code, and the rows refused) and keep the first errors by
    row; returns which rows were refused."""
    refused = np.zeros(len(numbers), dtype=bool)
    rows, orders, which, places = [], [], [], []
    for k, check in enumerate(checks):
        count = int(check.mask.sum())
        if not count:
            continue
        errors.counts[str(check.code)] += count
        refused |= check.mask
        first = np.flatnonzero(check.mask)[: errors.keep]  # rows are in order: the first are the ones kept
        rows.append(numbers[first])
        orders.append(np.full(len(first), check.order))
        which.append(np.full(len(first), k))
        places.append(first)
    errors.invalid_rows += int(refused.sum())
    if rows:
        row, order, kind, place = (np.concatenate(a) for a in (rows, orders, which, places))
        chosen = np.lexsort((order, row))[: errors.keep]
        kept = []
        for i in chosen.tolist():
            check, at = checks[int(kind[i])], int(place[i])
            template, params = check.message(at)
            kept.append(entry(int(row[i]), check.order_id(at), check.field, check.code, template, params))
        errors._keep(kept)
    return refused
