"""CSV that a spreadsheet opens as data, never as formulas: a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is written with a single quote in front (``'=HYPERLINK(...)``), so
Excel, LibreOffice and WPS show the text instead of running it. A number, or text that is only a number
(``-12.50``, a recovery in a bank file), is left as it is: it cannot be a formula.

Every CSV the application writes goes through ``csv_writer`` (or ``csv_cell`` for a ``DictWriter``). No
Django here: the actuarial report uses it too."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """``value`` as it may go into a CSV cell."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(row: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in row]


class SafeWriter:
    """``csv.writer`` with every cell made safe."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(csv_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: Any, **options: Any) -> SafeWriter:
    """Use in place of ``csv.writer(out, **options)``."""
    return SafeWriter(out, **options)
