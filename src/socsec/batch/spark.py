"""The assessment plan on Apache Spark (local mode here; a cluster by SPARK_MASTER). The same SQL as
on DuckDB runs over temporary views of the same Parquet files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:  # an optional part: imported when a run asks for Spark
    from pyspark.sql import SparkSession


class SparkFailure(RuntimeError):
    pass


_session: SparkSession | None = None


def session(threads: int | None = None) -> SparkSession:
    """One Spark session per process, local unless SPARK_MASTER names a cluster."""
    global _session
    if _session is None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:  # an optional part: pip install 'socsec[spark]'
            raise SparkFailure("pyspark is not installed (pip install 'socsec[spark]')") from exc
        master = os.environ.get("SPARK_MASTER", f"local[{threads or os.cpu_count() or 2}]")
        if master.startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # stay on loopback
        _session = (
            SparkSession.builder.master(master)
            .appName("socsec-assessment")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
        _session.sparkContext.setLogLevel("ERROR")
    return _session


def _base_path(files: list[str]) -> str:
    """The folder above the month=/platform= partitions, so that Spark finds both columns."""
    return str(Path(files[0]).parent.parent.parent)


def run_sql(sql: str, views: dict[str, list[str]], *, threads: int | None = None) -> pa.Table:
    spark = session(threads)
    try:
        for name, files in views.items():
            if files:
                spark.read.option("basePath", _base_path(files)).parquet(*files).createOrReplaceTempView(name)
        return spark.sql(sql).toArrow()
    except Exception as exc:  # Spark reports through Py4J and AnalysisException alike
        raise SparkFailure(str(exc).splitlines()[0]) from exc
