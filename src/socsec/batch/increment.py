"""The previous run's lines merged with a late batch's counts, for an increment (``assess_increment``):
the previous lines read and cut into runs, the new counts added where their lines are, new lines put
where the plan's order puts them, and what tells whether the previous amounts still hold."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from socsec.rules.engine import get_formula

from .lines import LINE_SCHEMA, Runs, line_runs
from .pricing import Groups

_ORDER = [("platform", "ascending"), ("province", "ascending"), ("sector", "ascending"), ("person_id", "ascending")]
_STRINGS = ["platform", "province", "sector"]


def _sorted_runs(table: pa.Table) -> tuple[pa.Table, Runs]:
    """The table in the plan's order (sorted only when it is not already) and its runs."""
    runs = line_runs(table)
    if not _in_plan_order(*runs, table["person_id"].to_numpy()):
        table = table.cast(pa.schema([f.with_type(_plain(f.type)) for f in table.schema])).sort_by(_ORDER)
        runs = line_runs(table)
    return table, runs


def _plain(kind: pa.DataType) -> pa.DataType:
    return kind.value_type if pa.types.is_dictionary(kind) else kind


class Previous:
    """The previous run's lines, read and cut into runs, with what the merge needs of them as numbers
    (in a worker thread while the engine counts the new batches: Arrow and numpy let go of the
    interpreter while they work)."""

    def __init__(self, lines: pa.Table | str | Path) -> None:
        self.stored = lines if isinstance(lines, pa.Table) else pq.read_table(lines, read_dictionary=_STRINGS)
        self.table, (self.starts, self.keys) = _sorted_runs(_with_pricing_columns(self.stored))
        table, size = self.table, self.table.num_rows
        self.size = size
        self.run_of_line = np.repeat(np.arange(len(self.keys), dtype=np.int64), _lengths(self.starts, size))
        self.persons = table["person_id"].to_numpy()
        self.counts = table["order_count"].to_numpy()
        self.amounts = pc.fill_null(table["amount_cents"], 0).to_numpy()
        self.reasons = pc.fill_null(table["coverage_reason"], -1).to_numpy()
        # the per-order amount of each run, where all its lines have the same one (None otherwise): a
        # run is uniform when each of its lines but the first equals the one before it
        per_order = table["per_order_amount"].combine_chunks()
        uniform = np.ones(len(self.keys), dtype=bool)
        if size > 1:
            differs = ~_true(pc.equal(per_order.slice(1), per_order.slice(0, size - 1)))
            differs[self.starts[1:] - 1] = False  # a run's first line is compared with nothing
            uniform[self.run_of_line[1:][differs]] = False
        at_starts = per_order.take(pa.array(self.starts)).to_pylist()
        self.per_order = {key: v if ok else None for key, v, ok in zip(self.keys, at_starts, uniform, strict=True)}
        self.current_rule = self.same_rule()
        # what the merge searches: each line as one number (its run, then its worker), where that fits
        self.run_number = {key: i for i, key in enumerate(self.keys)}
        self.line_numbers, self.base, self.span = _own_line_numbers(self.run_of_line, self.persons, len(self.keys))

    def same_rule(self) -> bool:
        """Whether every previous line was priced by the rule in force now."""
        if self.stored.num_rows == 0:
            return True
        if "rule" not in self.stored.column_names:
            return False
        used = pc.unique(self.stored["rule"])
        if pa.types.is_dictionary(used.type):
            used = used.dictionary_decode()
        return bool(used.to_pylist() == [get_formula("oip_contribution").reference])


@dataclass(frozen=True)
class Merged:
    lines: pa.Table  # in the plan's order
    runs: Runs
    touched: np.ndarray  # the new batches changed the line's count, or the line is new
    amounts: np.ndarray  # the previous run's amount (0 for a new line)
    reasons: np.ndarray  # the previous run's coverage reason (-1 for a new line)


def merge_counts(previous: Previous, delta: pa.Table) -> Merged:
    """The previous lines with the new counts (``delta``, in the plan's order) added: matched lines get
    the delta's count, new lines go where the plan's order puts them, lines that fall to zero orders go.
    Works on numbers: the platform x province x sector of a line is the number of its combination in
    plan order, and a line is its combination and worker as one number where that fits, so that the
    previous lines, being in the plan's order, are sorted by it, and so are the delta's lines: each is
    found by one binary search of them all, the searches walking the previous lines once."""
    size = previous.size
    delta_starts, delta_keys = line_runs(delta)
    delta_run = np.repeat(np.arange(len(delta_keys), dtype=np.int64), _lengths(delta_starts, delta.num_rows))
    delta_persons = delta["person_id"].to_numpy()
    delta_counts = delta["order_count"].to_numpy()
    persons = previous.persons
    if previous.line_numbers is not None and all(key in previous.run_number for key in delta_keys):
        # every new count is of a combination the previous lines have: their numbering serves, and a
        # worker outside their range is searched as one just outside it (found nowhere, placed right)
        combos, combo = previous.keys, previous.run_of_line
        delta_combo = np.array([previous.run_number[k] for k in delta_keys], np.int64)[delta_run]
        base, span = previous.base, previous.span
        delta_line = delta_combo * span + (np.clip(delta_persons, base, base + span - 1) - base)
        position = np.searchsorted(previous.line_numbers, delta_line)
        found = position < size
        found[found] = previous.line_numbers[position[found]] == delta_line[found]
        new = np.flatnonzero(~found)  # in the plan's order, as the delta is
    else:  # new combinations: numbered among all
        combos = sorted(set(previous.keys) | set(delta_keys))
        number = {key: i for i, key in enumerate(combos)}
        delta_combo = np.array([number[k] for k in delta_keys], np.int64)[delta_run]
        combo = np.array([number[k] for k in previous.keys], np.int64)[previous.run_of_line]
        every = np.concatenate([combo, delta_combo]), np.concatenate([persons, delta_persons])
        line = _line_numbers(*every, len(combos))
        if line is not None:
            previous_line, delta_line = line[:size], line[size:]
            # where each delta line is among the previous lines, or would go
            position = np.searchsorted(previous_line, delta_line)
            found = position < size
            found[found] = previous_line[position[found]] == delta_line[found]
        else:  # workers too far apart for one number: one search per combination
            position, found = _positions(previous, combos, delta_combo, delta_persons)
        new = np.flatnonzero(~found)
    counts = previous.counts.copy()
    counts[position[found]] += delta_counts[found]
    touched = previously_touched = np.zeros(size, dtype=bool)
    touched[position[found]] = True
    added = new.size
    if added:
        # the new lines' places among all: before the previous line at their position, those at the same
        # position in the plan's order; the previous lines fill the other places
        is_new = np.zeros(size + added, dtype=bool)
        is_new[position[new] + np.arange(added)] = True
        is_old = ~is_new
        counts = _spread(counts, delta_counts[new], is_old, is_new)
        combo = _spread(combo, delta_combo[new], is_old, is_new)
        persons = _spread(persons, delta_persons[new], is_old, is_new)
        touched = is_new.copy()
        touched[is_old] = previously_touched
        amounts = _spread(previous.amounts, 0, is_old, is_new)
        reasons = _spread(previous.reasons, -1, is_old, is_new)
    else:
        amounts, reasons = previous.amounts, previous.reasons
    keep = counts != 0
    if not keep.all():
        counts, combo, persons, touched = counts[keep], combo[keep], persons[keep], touched[keep]
        amounts, reasons = amounts[keep], reasons[keep]
    run_starts = _starts(combo)
    run_keys = [combos[c] for c in combo[run_starts].tolist()]
    run_ends = pa.array(_ends(run_starts, combo.size), pa.int64())
    strings = [  # one value per run, spread over its lines
        pc.run_end_decode(pa.RunEndEncodedArray.from_arrays(run_ends, pa.array([k[i] for k in run_keys], pa.string())))
        for i in range(3)
    ]
    lines = pa.table(
        [strings[0], pa.array(persons), strings[1], strings[2], pa.array(counts)],
        schema=LINE_SCHEMA,
    )
    runs = (run_starts, run_keys)
    return Merged(lines=lines, runs=runs, touched=touched, amounts=amounts, reasons=reasons)


def _spread(old: np.ndarray, new: np.ndarray | int, is_old: np.ndarray, is_new: np.ndarray) -> np.ndarray:
    """The old values at the old places and the new ones at the new places."""
    out = np.empty(is_old.size, dtype=old.dtype)
    out[is_old] = old
    out[is_new] = new
    return out


def _own_line_numbers(run_of_line: np.ndarray, persons: np.ndarray, runs: int) -> tuple[np.ndarray | None, int, int]:
    """Each line's run and worker as one number, rising in the plan's order, with room for a worker
    just below and just above the lines' range (None when that does not fit in 62 bits); and the worker
    that number 0 of a run stands for and the span of a run's numbers."""
    if not persons.size:
        return None, 0, 0
    low, high = int(persons.min()) - 1, int(persons.max()) + 1
    span = high - low + 1
    if low < np.iinfo(np.int64).min or high > np.iinfo(np.int64).max or runs * span >= 2**62:
        return None, 0, 0
    numbers: np.ndarray = run_of_line * span + (persons - low)
    return numbers, low, span


def _line_numbers(combo: np.ndarray, persons: np.ndarray, combos: int) -> np.ndarray | None:
    """Each line's combination and worker as one number that sorts as the plan does (None when the
    workers are too far apart for that)."""
    if not persons.size:
        return persons.astype(np.int64)
    low, high = int(persons.min()), int(persons.max())
    span = high - low + 1
    if combos * span >= 2**62:
        return None
    number: np.ndarray = combo * span + (persons - low)
    return number


def _positions(
    previous: Previous, combos: list[tuple[str, str, str]], delta_combo: np.ndarray, delta_persons: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Where each delta line (in plan order) is among the previous lines, or would go, and whether it is
    there: a search of its worker within the previous lines of its combination (a new combination goes
    before the first that sorts after it)."""
    size = previous.size
    ends = _ends(previous.starts, size).tolist()
    bounds = dict(zip(previous.keys, zip(previous.starts.tolist(), ends, strict=True), strict=True))
    delta_starts = np.flatnonzero(np.diff(delta_combo, prepend=-1) != 0)
    position = np.empty(delta_combo.size, dtype=np.int64)
    found = np.zeros(delta_combo.size, dtype=bool)
    persons = previous.persons
    for s, e in zip(delta_starts.tolist(), _ends(delta_starts, delta_combo.size).tolist(), strict=True):
        key = combos[int(delta_combo[s])]
        if key in bounds:
            lo, hi = bounds[key]
            at = lo + np.searchsorted(persons[lo:hi], delta_persons[s:e])
            position[s:e] = at
            inside = at < hi
            found[s:e] = inside & (persons[np.where(inside, at, lo)] == delta_persons[s:e])
        else:
            after = bisect.bisect_right(previous.keys, key)
            position[s:e] = previous.starts[after] if after < len(previous.keys) else size
    return position, found


def _starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts."""
    change = np.empty(values.size, dtype=bool)
    change[:1] = True
    np.not_equal(values[1:], values[:-1], out=change[1:])
    return np.flatnonzero(change)


def _lengths(starts: np.ndarray, size: int) -> np.ndarray:
    lengths: np.ndarray = _ends(starts, size) - starts
    return lengths


def _ends(starts: np.ndarray, size: int) -> np.ndarray:
    """Where each run ends, from where each starts."""
    return np.append(starts[1:], size) if size else starts


def _in_plan_order(starts: np.ndarray, keys: list[tuple[str, str, str]], persons: np.ndarray) -> bool:
    """Whether lines are sorted as the plan sorts them (each platform x province x sector once, in
    order, and its workers ascending)."""
    if any(a >= b for a, b in zip(keys, keys[1:], strict=False)):
        return False
    rising = np.diff(persons) > 0
    rising[starts[1:] - 1] = True  # across runs the worker may go down
    return bool(rising.all())


def same_per_order(previous: Previous, groups: Groups) -> bool:
    """Whether every platform x province x sector that was there before has the per-order amount now
    that all its lines had in the previous run."""
    now = groups.per_order.take(pa.array(groups.starts)).to_pylist()
    return all(previous.per_order.get(key, amount) == amount for key, amount in zip(groups.run_keys, now, strict=True))


def _true(mask: pa.ChunkedArray) -> np.ndarray:
    """A boolean column as numpy, null read as false."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _with_pricing_columns(previous: pa.Table) -> pa.Table:
    """The previous lines with the columns the merge reads: nulls for the amounts a bare table lacks
    (its lines are then all priced again)."""
    n = previous.num_rows
    columns = [  # the strings of a lines file stay dictionary-encoded: only their runs are looked at
        previous[c] if pa.types.is_dictionary(previous[c].type) else previous[c].cast(LINE_SCHEMA.field(c).type)
        for c in LINE_SCHEMA.names
    ]
    types = {"per_order_amount": pa.decimal128(18, 6), "amount_cents": pa.int64(), "coverage_reason": pa.int16()}
    for name, kind in types.items():
        columns.append(previous[name].cast(kind) if name in previous.column_names else pa.nulls(n, kind))
    return pa.table(columns, names=[*LINE_SCHEMA.names, *types])
