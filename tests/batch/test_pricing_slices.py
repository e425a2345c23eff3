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
