"""The coverage tables as published: one table per dimension (the cells summed over the other
dimensions), each row with its numerators, denominator and ratios, small counts withheld.

Suppression, figure by figure (persons, legally covered, contributing, receiving):
- primary: a row whose persons are fewer than the threshold is withheld whole; in the other rows a count
  above zero and below the threshold is withheld;
- complementary: where a table then withholds a figure in exactly one row, the same figure is withheld in
  the row where it is smallest among the others, so that no withheld figure is the total less the figures
  shown. The total row follows the primary rule alone (it is what the rows add up to).
A withheld figure shows nothing, nor does a ratio built on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .coverage_stats import DIMENSIONS, Cell, cells_total

MEASURES = ("legal", "contributing", "receiving")
FIGURES = ("persons", *MEASURES)


@dataclass(frozen=True)
class Row:
    value: str  # the dimension's value; "" for the total
    persons: int | None  # None: withheld
    legal: int | None
    contributing: int | None
    receiving: int | None
    withheld: frozenset[str] = field(default_factory=frozenset)
    complementary: frozenset[str] = field(default_factory=frozenset)  # withheld to protect another row

    @property
    def suppressed(self) -> bool:
        """Withheld whole (too few persons, or the row chosen to protect another's persons)."""
        return "persons" in self.withheld

    def ratio(self, measure: str) -> Decimal | None:
        """A count over the persons, as a percentage to one decimal (half up); None if either is withheld or
        there is no one."""
        count = getattr(self, measure)
        if count is None or not self.persons:
            return None
        return (Decimal(count) * 100 / Decimal(self.persons)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Table:
    dimension: str
    rows: list[Row]
    total: Row


def _primary(cell: Cell, threshold: int) -> set[str]:
    if cell.persons < threshold:
        return set(FIGURES)
    return {m for m in MEASURES if 0 < getattr(cell, m) < threshold}


def _row(value: str, cell: Cell, withheld: set[str], complementary: set[str] | None = None) -> Row:
    shown = {f: None if f in withheld else int(getattr(cell, f)) for f in FIGURES}
    return Row(
        value,
        shown["persons"],
        shown["legal"],
        shown["contributing"],
        shown["receiving"],
        frozenset(withheld),
        frozenset(complementary or ()),
    )


def publish(cells: Sequence[Cell], *, threshold: int) -> list[Table]:
    """One table per dimension, rows by value, with small figures withheld (see the module's note)."""
    if threshold < 1:
        raise ValueError("the suppression threshold is a whole number of persons, at least 1")
    total = cells_total(cells)
    total_row = _row("", total, _primary(total, threshold))
    tables = []
    for n, dimension in enumerate(DIMENSIONS):
        groups: dict[str, list[Cell]] = {}
        for cell in cells:
            groups.setdefault(cell.key[n], []).append(cell)
        sums = {value: cells_total(group) for value, group in sorted(groups.items())}
        withheld = {value: _primary(c, threshold) for value, c in sums.items()}
        extra: dict[str, set[str]] = {value: set() for value in sums}
        for figure in FIGURES:
            hidden = [value for value in sums if figure in withheld[value]]
            if len(hidden) != 1:
                continue
            others = sorted((getattr(c, figure), value) for value, c in sums.items() if figure not in withheld[value])
            if others:
                pick = others[0][1]
                added = (set(FIGURES) if figure == "persons" else {figure}) - withheld[pick]
                extra[pick] |= added
                withheld[pick] |= added  # a row withheld whole protects its other figures too
        rows = [_row(value, c, withheld[value], extra[value]) for value, c in sums.items()]
        tables.append(Table(dimension, rows, total_row))
    return tables
