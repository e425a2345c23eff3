"""The coverage tables as published: one table per dimension (the cells summed over the other
dimensions), each row with its numerators, denominator and ratios, small cells suppressed.

Suppression: a row is withheld when its persons are fewer than the threshold, or any of its counts is
above zero and below it (primary). Where a table then withholds exactly one row, the smallest other row is
withheld too (complementary), so that no withheld row can be worked out as the total less the rows shown.
The total row is published unless it is itself small. A withheld row shows no figure at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .coverage_stats import DIMENSIONS, Cell, cells_total

MEASURES = ("legal", "contributing", "receiving")


@dataclass(frozen=True)
class Row:
    value: str  # the dimension's value; "" for the total
    persons: int | None  # None: withheld
    legal: int | None
    contributing: int | None
    receiving: int | None
    suppressed: bool = False
    complementary: bool = False

    def ratio(self, measure: str) -> Decimal | None:
        """A count over the persons, as a percentage to one decimal (half up); None if withheld or empty."""
        count = getattr(self, measure)
        if count is None or not self.persons:
            return None
        return (Decimal(count) * 100 / Decimal(self.persons)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Table:
    dimension: str
    rows: list[Row]
    total: Row


def _small(cell: Cell, threshold: int) -> bool:
    counts = (cell.legal, cell.contributing, cell.receiving)
    return cell.persons < threshold or any(0 < n < threshold for n in counts)


def _shown(value: str, cell: Cell) -> Row:
    return Row(value, cell.persons, cell.legal, cell.contributing, cell.receiving)


def _withheld(value: str, *, complementary: bool = False) -> Row:
    return Row(value, None, None, None, None, suppressed=True, complementary=complementary)


def publish(cells: Sequence[Cell], *, threshold: int) -> list[Table]:
    """One table per dimension, rows by value, with small rows withheld (see the module's note)."""
    if threshold < 1:
        raise ValueError("the suppression threshold is a whole number of persons, at least 1")
    total = cells_total(cells)
    total_row = _withheld("") if _small(total, threshold) else _shown("", total)
    tables = []
    for n, dimension in enumerate(DIMENSIONS):
        groups: dict[str, list[Cell]] = {}
        for cell in cells:
            groups.setdefault(cell.key[n], []).append(cell)
        sums = {value: cells_total(group) for value, group in sorted(groups.items())}
        small = {value for value, c in sums.items() if _small(c, threshold)}
        extra: set[str] = set()
        if len(small) == 1 and len(sums) > 1:
            rest = sorted((c.persons, value) for value, c in sums.items() if value not in small)
            extra = {rest[0][1]}
        rows = [
            _withheld(value, complementary=value in extra) if value in small or value in extra else _shown(value, c)
            for value, c in sums.items()
        ]
        tables.append(Table(dimension, rows, total_row))
    return tables
