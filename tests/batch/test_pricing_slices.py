"""Pricing a slice of lines at a time gives the same amounts as all at once, also for an increment's
subset of lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from socsec.batch import pricing
from socsec.batch.lines import LINES_FILE_OPTIONS
from socsec.batch.pricing import Groups


def lines(n: int) -> pa.Table:
    rng = np.random.default_rng(5)
    sectors = np.array(["RIDE_HAILING", "FOOD_DELIVERY", "INSTANT_DELIVERY", "INTRA_CITY_FREIGHT"])
    return pa.table(
        {
            "platform": pa.array(np.repeat(["p1", "p2"], n // 2)),
            "person_id": pa.array(np.arange(n, dtype=np.int64)),
            "province": pa.array(np.full(n, "440000")),
            "sector": pa.array(sectors[np.arange(n) * 4 // n]),
            "order_count": pa.array(rng.integers(1, 400, n)),
        }
    )


def test_slices_price_as_one(monkeypatch):
    table = lines(1000)
    groups = Groups(table, dt.date(2026, 4, 1), {("p2", "440000"): 2})
    counts = table["order_count"].to_numpy()
    wanted = np.arange(1000) % 3 == 0
    whole, subset = groups.amounts(counts), groups.amounts(counts, wanted)
    monkeypatch.setattr(pricing, "PRICED_AT_ONCE", 7)
    assert np.array_equal(groups.amounts(counts), whole)
    assert np.array_equal(groups.amounts(counts, wanted), subset)
    assert np.array_equal(subset, np.where(wanted, whole, 0)) and whole.sum() > 0


def test_lines_priced_from_the_table_of_small_counts_equal_the_formula_line_by_line(monkeypatch):
    monkeypatch.setattr(pricing, "SMALL_COUNT", 64)  # a table smaller than the lines: it is used
    table = lines(1000)
    counts = table["order_count"].to_numpy() % 80
    counts[:6] = [0, 1, 63, 64, 10**7, -3]  # both sides of the bound, and a count no line should have
    on = dt.date(2026, 4, 1)
    groups = Groups(table, on, {("p2", "440000"): 2})
    cells: list[int] = []
    real = Groups._contribution

    def spy(self, pair, count):  # type: ignore[no-untyped-def]
        cells.append(int(pair.size))
        return real(self, pair, count)

    monkeypatch.setattr(Groups, "_contribution", spy)
    wanted = np.arange(1000) % 4 != 1
    by_table, subset = groups.amounts(counts), groups.amounts(counts, wanted)
    assert cells[0] == cells[2] == len(groups.pair_steps) * 64  # the table, once per pricing
    one_by_one = [
        int(
            pricing.compute(
                "oip_contribution",
                on=np.array([np.datetime64(on, "D")]),
                order_count=np.array([count]),
                sector=groups.pair_sectors[[pair]],
                adjustment_steps=groups.pair_steps[[pair]],
            )[0]
        )
        for count, pair in zip(counts.tolist(), groups.pair_of_line.tolist(), strict=True)
    ]
    assert by_table.tolist() == one_by_one
    assert subset.tolist() == np.where(wanted, one_by_one, 0).tolist()
    few = np.arange(1000) < 10  # fewer lines than cells: priced by the formula alone
    cells.clear()
    assert groups.amounts(counts, few).tolist() == np.where(few, one_by_one, 0).tolist()
    assert cells == [10]
    monkeypatch.setattr(pricing, "SMALL_COUNT", 0)  # every line priced by slices
    assert np.array_equal(groups.amounts(counts), by_table)
    assert by_table[3] > by_table[2] > 0 and by_table[0] == 0


def _chunked(values: np.ndarray, cuts: list[int]) -> pa.ChunkedArray:
    edges = [0, *cuts, values.size]
    return pa.chunked_array([pa.array(values[a:b]) for a, b in zip(edges, edges[1:], strict=False)], pa.int64())


def test_counts_read_chunk_by_chunk_price_and_total_as_one_array(monkeypatch):
    table = lines(1000)
    counts = table["order_count"].to_numpy()
    groups = Groups(table, dt.date(2026, 4, 1), {("p2", "440000"): 2})
    whole = groups.amounts(counts)
    reasons = np.full(1000, pricing.COVERED, dtype=np.int16)
    reasons[::7] = 20  # not covered: kept, charged nothing
    expected: dict[tuple[str, str], list[int]] = {}
    for platform, province, count, cents, reason in zip(
        table["platform"].to_pylist(),
        table["province"].to_pylist(),
        counts.tolist(),
        whole.tolist(),
        reasons.tolist(),
        strict=True,
    ):
        if reason == pricing.COVERED:
            total = expected.setdefault((platform, province), [0, 0, 0])
            total[0], total[1], total[2] = total[0] + count, total[1] + cents, total[2] + 1
    for at_once in (pricing.PRICED_AT_ONCE, 7):
        monkeypatch.setattr(pricing, "PRICED_AT_ONCE", at_once)
        for cuts in ([], [0, 0, 499, 500, 1000], [1, 250, 251, 999], list(range(0, 1000, 33))):
            chunked = _chunked(counts, cuts)
            assert np.array_equal(groups.amounts(chunked), whole), cuts
            for given in (chunked, None):
                done = pricing.priced_assessment(table, "2026-04", groups, groups.amounts(chunked), reasons, given)
                totals = done.totals.to_pylist()
                assert [(t["platform"], t["province"]) for t in totals] == sorted(expected)
                assert [[t["order_count"], t["amount_cents"], t["lines"]] for t in totals] == [
                    expected[key] for key in sorted(expected)
                ]
                assert done.lines["amount_cents"].to_pylist() == np.where(reasons == pricing.COVERED, whole, 0).tolist()


def test_sums_of_runs_across_chunks_equal_sums_of_the_whole():
    rng = np.random.default_rng(11)
    for _ in range(200):
        n = int(rng.integers(1, 60))
        values = rng.integers(-5, 50, n)
        starts = np.flatnonzero(np.concatenate([[True], rng.random(n - 1) < 0.3]))
        cuts = sorted(rng.integers(0, n + 1, int(rng.integers(0, 6))).tolist())
        wanted = rng.random(n) < 0.7
        bounds = [*starts.tolist(), n]
        for mask in (None, wanted):
            kept = values if mask is None else np.where(mask, values, 0)
            expected = [int(kept[a:b].sum()) for a, b in zip(bounds, bounds[1:], strict=False)]
            assert pricing._run_sums(_chunked(values, cuts), starts, mask).tolist() == expected, (values, starts, cuts)
            assert pricing._run_sums(values, starts, mask).tolist() == expected


def test_the_per_order_amount_is_each_pairs_amount_and_is_stored_as_a_decimal(tmp_path):
    table = lines(1000)
    groups = Groups(table, dt.date(2026, 4, 1), {("p2", "440000"): 2})
    done = pricing.priced_assessment(
        table, "2026-04", groups, groups.amounts(table["order_count"]), np.full(1000, pricing.COVERED, np.int16)
    )
    per_order = done.lines["per_order_amount"]
    assert pa.types.is_dictionary(per_order.type) and per_order.type.value_type == pa.decimal128(18, 6)
    by_pair = [
        pricing.compute(
            "oip_per_order_amount",
            on=np.array([np.datetime64("2026-04-01")]),
            sector=groups.pair_sectors[[k]],
            adjustment_steps=groups.pair_steps[[k]],
        )[0]
        for k in range(len(groups.pair_steps))
    ]
    expected = [Decimal(f"{by_pair[k]:.6f}") for k in groups.pair_of_line.tolist()]
    assert per_order.to_pylist() == expected and len(set(expected)) == len(by_pair) > 1
    path = tmp_path / "lines.parquet"
    pq.write_table(done.lines, path, **LINES_FILE_OPTIONS)
    stored = pq.read_table(path)
    assert stored.schema.field("per_order_amount").type == pa.decimal128(18, 6)
    assert stored["per_order_amount"].to_pylist() == expected
    assert stored["rule"].to_pylist() == [pricing.get_formula("oip_contribution").reference] * 1000
