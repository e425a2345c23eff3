"""Pricing an assessment's lines with the rules layer: the per-order amount of every platform x
province x sector (``oip_per_order_amount``, with the platform's adjustment), each line's
``oip_contribution`` computed for all lines at once and rounded once per line, the coverage reason of
each line (only covered lines are charged), and the totals per platform x province."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from socsec.rules.engine import compute, get_formula

from .lines import Runs, line_runs
from .orders import month_start

# (platform, province) -> the platform's adjustment in 10% steps set by that province
Adjustments = Mapping[tuple[str, str], int]
# the OIP coverage reason code of every line (50 = covered: the orders are charged), from the domain
LineCoverage = Callable[[pa.Table, str], np.ndarray]
COVERED = 50
PRICED_AT_ONCE = 1 << 18  # lines priced per call of the rules layer: bounds its temporaries
SMALL_COUNT = 1 << 12  # lines of fewer orders are priced from a table of every sector x steps and count


@dataclass(frozen=True)
class Assessment:
    month: str
    lines: pa.Table  # platform, person_id, province, sector, order_count, per_order_amount, amount_cents, rule
    totals: pa.Table  # platform, province, order_count, amount_cents, lines

    @property
    def amount_cents(self) -> int:
        return int(pc.sum(self.totals["amount_cents"]).as_py() or 0)


def price(lines: pa.Table, month: str, adjustments: Adjustments, coverage: LineCoverage | None = None) -> Assessment:
    """Add the per-order amount and the amount in cents to every line, with the rules layer: the
    ``oip_contribution`` formula over all lines at once (rounded per line), and ``oip_per_order_amount``
    for each distinct sector x adjustment. With ``coverage``, a line whose worker is not covered by OIP
    (reason code other than 50, e.g. covered by work-injury insurance) is kept with its reason and
    charged nothing; totals count charged lines only."""
    on = month_start(month)
    groups = Groups(lines, on, adjustments)
    reasons = coverage_reasons(lines, month, coverage)
    amounts = groups.amounts(lines["order_count"].to_numpy())
    return priced_assessment(lines, month, groups, amounts, reasons)


class Groups:
    """The lines cut into runs of equal platform x province x sector (one run per combination when the
    lines are sorted, as the plan sorts them), each run's adjustment steps, and the per-order amount
    of each distinct sector x steps from the rules layer. Work per line is a few numpy passes; the
    look-ups are per run."""

    def __init__(
        self,
        lines: pa.Table,
        on: dt.date,
        adjustments: Adjustments,
        runs: Runs | None = None,
    ) -> None:
        self.on = on
        self.starts, self.run_keys = runs or line_runs(lines)
        pairs: dict[tuple[str, int], int] = {}
        pair_of_run = [
            pairs.setdefault((sector, adjustments.get((platform, province), 0)), len(pairs))
            for platform, province, sector in self.run_keys
        ]
        self.pair_sectors = np.array([sector for sector, _ in pairs], dtype=str)
        self.pair_steps = np.array([steps for _, steps in pairs], dtype=np.int64)
        lengths = np.diff(np.append(np.asarray(self.starts, dtype=np.int64), lines.num_rows))  # each run's lines
        self.pair_of_line = np.repeat(np.array(pair_of_run, dtype=np.int32), lengths)
        per_order = compute(
            "oip_per_order_amount",
            on=np.full(len(pairs), np.datetime64(on, "D")),
            sector=self.pair_sectors,
            adjustment_steps=self.pair_steps,
        )
        self.per_order = pa.array([Decimal(f"{v:.6f}") for v in per_order], pa.decimal128(18, 6)).take(
            pa.array(self.pair_of_line)
        )

    def amounts(self, counts: np.ndarray, wanted: np.ndarray | None = None) -> np.ndarray:
        """The ``oip_contribution`` of the wanted lines (every line without ``wanted``; 0 elsewhere), by
        the rules layer. The formula is a function of a line's sector, adjustment steps and order count
        alone on one day, so lines of fewer than ``SMALL_COUNT`` orders (nearly all) take their amount
        from a table of it for every sector x steps and count up to the largest count; the others are
        priced by the formula itself. A slice of lines at a time: the temporaries (and the formula's
        inputs, a sector name per line) would otherwise cost a hundred-odd bytes per line at once."""
        rows = None if wanted is None else np.flatnonzero(wanted)
        size = counts.size if rows is None else rows.size
        out = np.zeros(counts.size, dtype=np.int64)
        pairs = len(self.pair_steps)
        top = max(min(SMALL_COUNT, int(counts.max()) + 1), 0) if counts.size and pairs else 0
        if pairs * top > size:  # fewer lines than the table has cells (an increment's few): the formula alone
            top = 0
        table = np.zeros(pairs * top, dtype=np.int64)
        for start in range(0, table.size, PRICED_AT_ONCE):  # cell k: pair k // top, count k % top
            cells = np.arange(start, min(start + PRICED_AT_ONCE, table.size))
            table[cells] = self._contribution(cells // top, cells % top)
        for start in range(0, size, PRICED_AT_ONCE):  # a slice at a time: its temporaries stay small
            stop = min(start + PRICED_AT_ONCE, size)
            part = np.arange(start, stop) if rows is None else rows[start:stop]
            pair, count = self.pair_of_line[part], counts[part]
            small = (count >= 0) & (count < top)
            out[part[small]] = table[pair[small].astype(np.int64) * top + count[small]]
            if not small.all():
                large = ~small
                out[part[large]] = self._contribution(pair[large], count[large])
        return out

    def _contribution(self, pair: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """``oip_contribution`` of each (sector x steps, order count), by the rules layer."""
        result: np.ndarray = compute(
            "oip_contribution",
            on=np.full(pair.size, np.datetime64(self.on, "D")),
            order_count=counts,
            sector=self.pair_sectors[pair],
            adjustment_steps=self.pair_steps[pair],
        )
        return result


def coverage_reasons(lines: pa.Table, month: str, coverage: LineCoverage | None) -> np.ndarray:
    if coverage is None:
        return np.full(lines.num_rows, COVERED, dtype=np.int16)  # the type the lines keep: no copy
    return np.asarray(coverage(lines, month))


TOTALS_SCHEMA = pa.schema(
    [
        ("platform", pa.string()),
        ("province", pa.string()),
        ("order_count", pa.int64()),
        ("amount_cents", pa.int64()),
        ("lines", pa.int64()),
    ]
)


def priced_assessment(
    lines: pa.Table, month: str, groups: Groups, amounts: np.ndarray, reasons: np.ndarray
) -> Assessment:
    """The priced lines and the totals per platform x province of the charged (covered) lines."""
    n = lines.num_rows
    covered = reasons == COVERED
    every = bool(covered.all())  # the usual month: nothing to leave out
    amounts = amounts if every else np.where(covered, amounts, 0)
    reference = get_formula("oip_contribution").reference
    rule = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([reference]))
    priced = (
        lines.append_column("per_order_amount", groups.per_order)
        .append_column("amount_cents", pa.array(amounts, pa.int64()))
        .append_column("rule", rule)
        .append_column("coverage_reason", pa.array(reasons, pa.int16()))
    )
    sums: dict[tuple[str, str], list[int]] = {}
    if n:
        counts = lines["order_count"].to_numpy()
        counts = counts if every else np.where(covered, counts, 0)
        per_run = zip(
            np.add.reduceat(counts, groups.starts).tolist(),
            np.add.reduceat(amounts, groups.starts).tolist(),
            np.add.reduceat(covered.astype(np.int64), groups.starts).tolist(),
            strict=True,
        )
        for (platform, province, _sector), (count, cents, charged) in zip(groups.run_keys, per_run, strict=True):
            if charged:
                total = sums.setdefault((platform, province), [0, 0, 0])
                total[0] += count
                total[1] += cents
                total[2] += charged
    keys = sorted(sums)
    totals = pa.table(
        [
            pa.array([k[0] for k in keys], pa.string()),
            pa.array([k[1] for k in keys], pa.string()),
            pa.array([sums[k][0] for k in keys], pa.int64()),
            pa.array([sums[k][1] for k in keys], pa.int64()),
            pa.array([sums[k][2] for k in keys], pa.int64()),
        ],
        schema=TOTALS_SCHEMA,
    )
    return Assessment(month, priced, totals)
