"""Pricing an assessment's lines with the rules layer: the per-order amount of every platform x
province x sector (``oip_per_order_amount``, with the platform's adjustment), each line's
``oip_contribution`` computed for all lines at once and rounded once per line, the coverage reason of
each line (only covered lines are charged), and the totals per platform x province."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
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
    counts = lines["order_count"]  # read chunk by chunk: a copy of it whole would be one more line-sized array
    amounts = groups.amounts(counts)
    return priced_assessment(lines, month, groups, amounts, reasons, counts)


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
        # the smallest integer that numbers the pairs: the array is line-sized
        index_type = np.int8 if len(pairs) <= 127 else np.int16 if len(pairs) <= 32767 else np.int32
        self.pair_of_line = np.repeat(np.array(pair_of_run, dtype=index_type), lengths)
        per_order = compute(
            "oip_per_order_amount",
            on=np.full(len(pairs), np.datetime64(on, "D")),
            sector=self.pair_sectors,
            adjustment_steps=self.pair_steps,
        )
        # each line's per-order amount as its pair's number in a dictionary of the pairs' amounts: the
        # numbers are ``pair_of_line`` itself, where a decimal per line would be 16 bytes of it
        values = pa.array([Decimal(f"{v:.6f}") for v in per_order], pa.decimal128(18, 6))
        self.per_order = pa.DictionaryArray.from_arrays(pa.array(self.pair_of_line), values)

    def amounts(self, counts: np.ndarray | pa.ChunkedArray, wanted: np.ndarray | None = None) -> np.ndarray:
        """The ``oip_contribution`` of the wanted lines (every line without ``wanted``; 0 elsewhere) of
        ``counts`` orders, by the rules layer. The formula is a function of a line's sector, adjustment
        steps and order count alone on one day, so lines of fewer than ``SMALL_COUNT`` orders (nearly
        all) take their amount from a table of it for every sector x steps and count up to the largest
        count; the others are priced by the formula itself. A slice of lines at a time (of each chunk of
        a chunked ``counts``): the temporaries (and the formula's inputs, a sector name per line) would
        otherwise cost a hundred-odd bytes per line at once."""
        rows = None if wanted is None else np.flatnonzero(wanted)
        size = len(counts) if rows is None else rows.size
        out = np.zeros(len(counts), dtype=np.int64)
        pairs = len(self.pair_steps)
        largest = int(counts.max() if isinstance(counts, np.ndarray) else pc.max(counts).as_py()) if size else 0
        top = max(min(SMALL_COUNT, largest + 1), 0) if pairs else 0
        if pairs * top > size:  # fewer lines than the table has cells (an increment's few): the formula alone
            top = 0
        table = np.zeros(pairs * top, dtype=np.int64)
        for start in range(0, table.size, PRICED_AT_ONCE):  # cell k: pair k // top, count k % top
            cells = np.arange(start, min(start + PRICED_AT_ONCE, table.size))
            table[cells] = self._contribution(cells // top, cells % top)
        for part, count in _slices(counts, rows):
            pair = self.pair_of_line[part]
            small = (count >= 0) & (count < top)
            if small.all():  # the usual slice: every line from the table
                cell = pair.astype(np.int64)
                cell *= top
                cell += count
                out[part] = table[cell]
                continue
            priced = np.empty(count.size, dtype=np.int64)
            priced[small] = table[pair[small].astype(np.int64) * top + count[small]]
            large = ~small
            priced[large] = self._contribution(pair[large], count[large])
            out[part] = priced
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


def _pieces(values: np.ndarray | pa.ChunkedArray) -> Iterator[np.ndarray]:
    """An array as itself, a chunked column chunk by chunk (each without a copy)."""
    if isinstance(values, np.ndarray):
        yield values
    else:
        yield from (chunk.to_numpy() for chunk in values.chunks)


def _slices(
    counts: np.ndarray | pa.ChunkedArray, rows: np.ndarray | None
) -> Iterator[tuple[slice | np.ndarray, np.ndarray]]:
    """``counts`` (a chunked column read chunk by chunk, or an array) in slices of at most
    ``PRICED_AT_ONCE`` lines, each with where its lines are (a slice, or the ``rows`` it holds)."""
    if rows is not None:
        whole = counts if isinstance(counts, np.ndarray) else counts.to_numpy()
        for start in range(0, rows.size, PRICED_AT_ONCE):
            part = rows[start : start + PRICED_AT_ONCE]
            yield part, whole[part]
        return
    at = 0
    for piece in _pieces(counts):
        for start in range(0, piece.size, PRICED_AT_ONCE):
            stop = min(start + PRICED_AT_ONCE, piece.size)
            yield slice(at + start, at + stop), piece[start:stop]
        at += piece.size


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
    lines: pa.Table,
    month: str,
    groups: Groups,
    amounts: np.ndarray,
    reasons: np.ndarray,
    counts: np.ndarray | pa.ChunkedArray | None = None,
) -> Assessment:
    """The priced lines and the totals per platform x province of the charged (covered) lines. The
    ``amounts`` of lines not covered are set to 0 in place. ``counts`` are the lines' order counts
    (read from ``lines`` without them)."""
    n = lines.num_rows
    covered = reasons == COVERED
    every = bool(covered.all())  # the usual month: nothing to leave out
    if not every:
        amounts[~covered] = 0
    reference = get_formula("oip_contribution").reference
    rule = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int8)), pa.array([reference]))
    priced = (
        lines.append_column("per_order_amount", groups.per_order)
        .append_column("amount_cents", pa.array(amounts, pa.int64()))
        .append_column("rule", rule)
        .append_column("coverage_reason", pa.array(reasons, pa.int16()))
    )
    sums: dict[tuple[str, str], list[int]] = {}
    if n:
        starts = np.asarray(groups.starts, dtype=np.int64)
        per_run = zip(
            _run_sums(lines["order_count"] if counts is None else counts, starts, None if every else covered).tolist(),
            np.add.reduceat(amounts, starts).tolist(),
            (np.diff(np.append(starts, n)) if every else np.add.reduceat(covered, starts, dtype=np.int64)).tolist(),
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


def _run_sums(values: np.ndarray | pa.ChunkedArray, starts: np.ndarray, wanted: np.ndarray | None) -> np.ndarray:
    """The sum of each run's ``values`` (the wanted ones only, with ``wanted``), runs starting at
    ``starts`` (the first at 0), a chunk of a chunked column at a time."""
    sums = np.zeros(starts.size, dtype=np.int64)
    at = 0
    for piece in _pieces(values):
        if piece.size:
            if wanted is not None:
                piece = np.where(wanted[at : at + piece.size], piece, 0)
            first = int(np.searchsorted(starts, at, side="right")) - 1  # the run the piece starts in
            last = int(np.searchsorted(starts, at + piece.size))  # the runs that start in it end before
            sums[first:last] += np.add.reduceat(piece, np.maximum(starts[first:last] - at, 0))
        at += piece.size
    return sums
