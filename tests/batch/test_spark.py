"""The same assessment plan on Spark gives the same lines and totals as on DuckDB: in local mode, and on a real
standalone cluster (a master and two workers that scripts/test starts on this machine,
SOCSEC_TEST_SPARK_MASTER, the driver on another address than the master; the executors read the order
store and write the lines, and a month's run invoices as on DuckDB). The store is named as the cluster reads
it, and Spark's failures are reported whole. The local and the cluster tests are in this one file so that a
parallel run (pytest-xdist, ``--dist loadfile``) gives them to one worker, one Spark session at a time."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from socsec.batch.assess import assess_increment, assess_month
from socsec.batch.errors import AssessmentError
from socsec.batch.orders import order_files
from socsec.batch.spark import SparkConfig
from socsec.contributions.assessment.coverage import oip_line_coverage
from socsec.contributions.assessment.runs import assessment_run
from socsec.contributions.models import Invoice
from socsec.contributions.orders.selectors import accepted_files
from tests.batch.test_assess import MONTH, write_corrections, write_orders
from tests.contributions.test_ingest import MONTH as INGEST_MONTH
from tests.contributions.test_ingest import order, send
from tests.world import SYSTEM

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="no database: runs once per suite")

MASTER = os.environ.get("SOCSEC_TEST_SPARK_MASTER", "")
DRIVER = "127.0.0.1"  # the master listens on another loopback address (scripts/test)
needs_the_cluster = pytest.mark.skipif(
    not MASTER, reason="no Spark cluster (scripts/test starts one, SOCSEC_TEST_SPARK_MASTER)"
)


ADJUSTMENTS = {("p1", "440000"): 2, ("p3", "110000"): -5}


def write_month(data: Path) -> None:
    """Three platforms' orders over five regions and four sectors (thousands of lines), with corrections."""
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
            write_orders(data, platform, f"b{batch}", rows)
    write_corrections(
        data,
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


def test_duckdb_and_spark_agree(tmp_path):
    write_month(tmp_path)
    on_duckdb = assess_month(tmp_path, MONTH, ADJUSTMENTS)
    on_spark = assess_month(tmp_path, MONTH, ADJUSTMENTS, engine="spark")
    assert on_duckdb.lines.num_rows > 1000
    assert on_spark.lines.equals(on_duckdb.lines)
    assert on_spark.totals.equals(on_duckdb.totals)


def test_the_store_as_the_cluster_names_it(tmp_path):
    """Files are named to Spark by the store's URI; the executors' lines are written inside the store and
    gone once read back."""
    write_orders(tmp_path, "p1", "b0", [(f"a{i}", i % 7, "440300", "RIDE_HAILING") for i in range(50)])
    write_orders(tmp_path, "p3", "b0", [(f"b{i}", i % 5, "110100", "FOOD_DELIVERY") for i in range(20)])
    config = SparkConfig(store_root=tmp_path, store_uri=tmp_path.as_uri())
    on_spark = assess_month(tmp_path, MONTH, ADJUSTMENTS, engine="spark", spark=config)
    assert on_spark.lines.num_rows == 12
    assert on_spark.lines.equals(assess_month(tmp_path, MONTH, ADJUSTMENTS).lines)
    assert list((tmp_path / "spark").iterdir()) == []


def test_a_store_not_shared_with_the_cluster_is_reported(tmp_path):
    """The cluster reads and writes a copy of the store that this process does not see: the lines are
    refused with where they were looked for, never taken as none."""
    here, there = tmp_path / "here", tmp_path / "there"
    write_orders(here, "p1", "b0", [(f"a{i}", i % 7, "440300", "RIDE_HAILING") for i in range(50)])
    shutil.copytree(here, there)
    config = SparkConfig(store_root=here, store_uri=there.as_uri())
    with pytest.raises(AssessmentError, match="is the order store shared with this machine"):
        assess_month(here, MONTH, engine="spark", spark=config)
    assert list((here / "spark").iterdir()) == []


def test_spark_errors_keep_their_whole_message(tmp_path):
    write_orders(tmp_path, "p1", "b0", [("a1", 1, "440300", "RIDE_HAILING")])
    broken = tmp_path / "orders" / f"month={MONTH}" / "platform=p1" / "b1.parquet"
    broken.write_bytes(b"PAR1 not a parquet file")
    with pytest.raises(AssessmentError) as failure:
        assess_month(tmp_path, MONTH, engine="spark", spark=SparkConfig(store_root=tmp_path))
    message = str(failure.value)
    assert message.startswith(f"cannot read the orders of {MONTH} on Spark: ")
    assert "b1.parquet" in message
    assert len(message.splitlines()) > 1  # Spark's report as it gave it, not its first line
    assert list((tmp_path / "spark").iterdir()) == []


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


@pytest.mark.spark_cluster
@needs_the_cluster
def test_a_month_on_the_cluster_equals_duckdb(tmp_path):
    write_month(tmp_path)
    config = SparkConfig(master=MASTER, driver_host=DRIVER, store_root=tmp_path, store_uri=tmp_path.as_uri())
    on_cluster = assess_month(tmp_path, MONTH, ADJUSTMENTS, engine="spark", spark=config)
    on_duckdb = assess_month(tmp_path, MONTH, ADJUSTMENTS)
    assert on_duckdb.lines.num_rows > 1000
    assert on_cluster.lines.equals(on_duckdb.lines)
    assert on_cluster.totals.equals(on_duckdb.totals)


@pytest.mark.spark_cluster
@needs_the_cluster
def test_the_run_invoices_through_the_cluster_as_on_duckdb(world, data_dir, platform, settings):
    """The run of a month on the cluster, from the settings: the invoices are DuckDB's totals."""
    settings.SOCSEC_SPARK = {**settings.SOCSEC_SPARK, "master": MASTER, "driver_host": DRIVER}
    send(platform, [order(world, f"a{i}") for i in range(5)], "k1")
    send(platform, [order(world, f"b{i}") for i in range(3)], "k2")
    result = assessment_run(actor=SYSTEM, month=INGEST_MONTH, engine="spark")
    orders, corrections = accepted_files(months=[INGEST_MONTH])
    on_duckdb = assess_month(
        data_dir,
        INGEST_MONTH,
        files=([str(data_dir / p) for p in orders], [str(data_dir / p) for p in corrections]),
        coverage=oip_line_coverage,
    )
    assert result.assessment.lines.equals(on_duckdb.lines)
    issued = Invoice.objects.order_by("platform__code", "province__code")
    assert [(i.platform.code, i.province.code, i.order_count, i.amount_cents) for i in issued] == [
        (r["platform"], r["province"], r["order_count"], r["amount_cents"]) for r in on_duckdb.totals.to_pylist()
    ]
    assert [(i.order_count, i.amount_cents) for i in issued] == [(8, 8)]
