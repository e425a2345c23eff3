"""Pricing a slice of lines at a time gives the same amounts as all at once, also for an increment's
subset of lines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from socsec.batch import pricing
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
