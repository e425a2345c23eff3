"""The same assessment plan on Spark (local mode) gives the same lines and totals as on DuckDB."""

from __future__ import annotations

import os

import numpy as np
import pytest

from socsec.batch.assess import assess_increment, assess_month
from socsec.batch.orders import order_files
from tests.batch.test_assess import MONTH, write_corrections, write_orders

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="no database: runs once per suite")


def test_duckdb_and_spark_agree(tmp_path):
    rng = np.random.default_rng(5)
    regions = ["440300", "440100", "110100", "140100", "110105"]
    sectors = ["RIDE_HAILING", "INSTANT_DELIVERY", "INTRA_CITY_FREIGHT", "FOOD_DELIVERY"]
    for platform in ("p1", "p2", "p3"):
        for batch in range(3):
            rows = [
                (
                    f"{platform}-{batch}-{i}",
                    int(rng.integers(1, 400)),
                    regions[int(rng.integers(0, 5))],
                    sectors[int(rng.integers(0, 4))],
                )
                for i in range(3000)
            ]
            write_orders(tmp_path, platform, f"b{batch}", rows)
    write_corrections(
        tmp_path,
        "p1",
        "b9",
        [
            {
                "order_id": "p1-0-1",
                "action": "VOID",
                "old_person_id": 7,
                "old_region": "440300",
                "old_sector": "RIDE_HAILING",
            },
            {
                "order_id": "p1-0-2",
                "action": "AMEND",
                "old_person_id": 8,
                "old_region": "440100",
                "old_sector": "RIDE_HAILING",
                "new_person_id": 9,
                "new_region": "110100",
                "new_sector": "RIDE_HAILING",
            },
        ],
    )
    adjustments = {("p1", "440000"): 2, ("p3", "110000"): -5}
    on_duckdb = assess_month(tmp_path, MONTH, adjustments)
    on_spark = assess_month(tmp_path, MONTH, adjustments, engine="spark")
    assert on_duckdb.lines.num_rows > 1000
    assert on_spark.lines.equals(on_duckdb.lines)
    assert on_spark.totals.equals(on_duckdb.totals)


def test_increment_on_spark_equals_duckdb(tmp_path):
    first, late = tmp_path / "first", tmp_path / "late"
    write_orders(first, "p1", "b0", [(f"a{i}", i % 7, "440300", "RIDE_HAILING") for i in range(50)])
    write_orders(late, "p1", "b1", [(f"b{i}", i % 9, "440300", "RIDE_HAILING") for i in range(20)])
    write_orders(late, "p2", "b1", [("c1", 3, "110100", "INTRA_CITY_FREIGHT")])
    before = assess_month(first, MONTH).lines
    new = (order_files(late, MONTH), order_files(late, MONTH, "corrections"))
    on_duckdb = assess_increment(before, MONTH, new)
    on_spark = assess_increment(before, MONTH, new, engine="spark")
    assert on_duckdb.lines.num_rows == 10
    assert on_spark.lines.equals(on_duckdb.lines)
    assert on_spark.totals.equals(on_duckdb.totals)
