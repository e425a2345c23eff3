"""The monthly OIP assessment over order files (pure: no Django): the whole month, or the month again
after late batches as an increment of the previous run.

The plan (``plan``): count orders per platform x worker x province x sector on DuckDB (one SQL
statement), then price every line (``pricing``) with the rules layer's ``oip_contribution`` formula for
the month, vectorised, rounding once per line. Re-running a month on the same files gives identical
output (lines are sorted; nothing depends on file order). The files read are described in ``orders``,
the lines in ``lines``, the merge of an increment in ``increment``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from .increment import Previous, merge_counts, same_per_order
from .orders import month_start, order_files
from .plan import aggregate
from .pricing import Adjustments, Assessment, Groups, LineCoverage, coverage_reasons, price, priced_assessment

if TYPE_CHECKING:
    from .spark import SparkConfig

# Steps reported to ``progress`` by the assessment, in order.
STEP_AGGREGATE = "aggregate"
STEP_PRICE = "price"


def assess_month(
    data_dir: Path,
    month: str,
    adjustments: Adjustments | None = None,
    *,
    files: tuple[list[str], list[str]] | None = None,
    coverage: LineCoverage | None = None,
    engine: str = "duckdb",
    progress: Callable[[str], None] | None = None,
    threads: int | None = None,
    spark: SparkConfig | None = None,
) -> Assessment:
    """The month's assessment: lines per platform x worker x province x sector and totals per platform x
    province. Identical output for identical files. ``files`` (orders, corrections) names the files
    that count; without it every file of the month under ``data_dir`` is read. ``progress`` is told
    each step (``STEP_AGGREGATE``, ``STEP_PRICE``) as it starts. ``spark`` says where Spark runs."""
    month_start(month)
    orders, corrections = files or (order_files(data_dir, month), order_files(data_dir, month, "corrections"))
    if progress:
        progress(STEP_AGGREGATE)
    lines = aggregate(orders, corrections, month, engine=engine, threads=threads, spark=spark)
    if progress:
        progress(STEP_PRICE)
    return price(lines, month, adjustments or {}, coverage)


def assess_increment(
    previous_lines: pa.Table | str | Path,
    month: str,
    new_files: tuple[list[str], list[str]],
    adjustments: Adjustments | None = None,
    *,
    coverage: LineCoverage | None = None,
    engine: str = "duckdb",
    progress: Callable[[str], None] | None = None,
    threads: int | None = None,
    spark: SparkConfig | None = None,
) -> Assessment:
    """The month again after late batches, without reading what was already counted: the previous
    run's lines (a table, or the path of its Parquet file) plus the new batches' counts (corrections
    are deltas, so the sum is exact). Gives the same lines as a full assessment of all the files.

    The previous lines and the new counts are both in the plan's order, so the new counts are merged
    into them (one binary search of numbers that stand for a line's platform x province x sector and
    worker) rather than everything sorted again; the previous lines are read, and made into those
    numbers, while the engine counts the new batches. Only the lines whose amount can have changed are priced
    again: those the new batches touched, new lines, and lines whose coverage reason changed. Every
    other line keeps its previous amount. That is exact because a line's amount is the
    ``oip_contribution`` of its order count at its per-order amount, as long as the rules inputs are
    unchanged; so when any line's per-order amount (parameters, the platform's adjustment) or the rule
    differs from the previous run's, or the previous lines carry no amounts, every line is priced again."""
    on = month_start(month)
    if progress:
        progress(STEP_AGGREGATE)
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(Previous, previous_lines)
        delta = aggregate(new_files[0], new_files[1], month, engine=engine, threads=threads, spark=spark)
        previous = reading.result()
    if progress:
        progress(STEP_PRICE)
    merged = merge_counts(previous, delta)
    lines = merged.lines
    groups = Groups(lines, on, adjustments or {}, merged.runs)
    reasons = coverage_reasons(lines, month, coverage)
    if same_per_order(previous, groups) and previous.current_rule:
        priced_again = merged.touched | (merged.reasons != reasons)
    else:
        priced_again = np.ones(lines.num_rows, dtype=bool)
    amounts = groups.amounts(lines["order_count"].to_numpy(), priced_again)
    kept = ~priced_again
    amounts[kept] = merged.amounts[kept]
    return priced_assessment(lines, month, groups, amounts, reasons)
