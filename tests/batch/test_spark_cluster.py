"""The assessment on a real Spark cluster: a standalone master and two workers that scripts/test starts on
this machine (SOCSEC_TEST_SPARK_MASTER), the driver on another address than the master. The executors read
the order store and write the lines; the invoices are those of DuckDB."""

from __future__ import annotations

import os

import pytest

from socsec.batch.assess import assess_month
from socsec.batch.spark import SparkConfig
from socsec.contributions.assessment.coverage import oip_line_coverage
from socsec.contributions.assessment.runs import assessment_run
from socsec.contributions.models import Invoice
from socsec.contributions.orders.selectors import accepted_files
from tests.batch.test_assess import MONTH
from tests.batch.test_spark import ADJUSTMENTS, write_month
from tests.contributions.test_ingest import MONTH as INGEST_MONTH
from tests.contributions.test_ingest import order, send
from tests.world import SYSTEM

MASTER = os.environ.get("SOCSEC_TEST_SPARK_MASTER", "")
DRIVER = "127.0.0.1"  # the master listens on another loopback address (scripts/test)

pytestmark = [
    pytest.mark.spark_cluster,
    pytest.mark.xdist_group("spark"),  # with the local-mode tests, in one worker (see scripts/test)
    pytest.mark.skipif(not MASTER, reason="no Spark cluster (scripts/test starts one, SOCSEC_TEST_SPARK_MASTER)"),
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the engine's test: runs once per suite"),
]


def test_a_month_on_the_cluster_equals_duckdb(tmp_path):
    write_month(tmp_path)
    config = SparkConfig(master=MASTER, driver_host=DRIVER, store_root=tmp_path, store_uri=tmp_path.as_uri())
    on_cluster = assess_month(tmp_path, MONTH, ADJUSTMENTS, engine="spark", spark=config)
    on_duckdb = assess_month(tmp_path, MONTH, ADJUSTMENTS)
    assert on_duckdb.lines.num_rows > 1000
    assert on_cluster.lines.equals(on_duckdb.lines)
    assert on_cluster.totals.equals(on_duckdb.totals)


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
