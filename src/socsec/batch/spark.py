"""The assessment plan on Apache Spark: in local mode by default, or on a cluster (``SparkConfig``). The
same SQL as on DuckDB runs over views of the same Parquet files, named as the cluster reads them; the
executors write the counted lines to the order store themselves, and this process reads them back from
there (the store is shared), so nothing but a one-row check goes through Spark's result channel."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .lines import LINE_SCHEMA

if TYPE_CHECKING:  # an optional part: imported when a run asks for Spark
    from pyspark.sql import SparkSession


class SparkFailure(RuntimeError):
    """Spark could not run the plan; the message is Spark's whole report."""


@dataclass(frozen=True)
class SparkConfig:
    """Where the plan runs. Without ``master`` Spark runs in this process (local mode, on loopback).

    ``store_root`` is the order store (the data dir) as this process sees it and ``store_uri`` the
    same store as the cluster reads it (``file:/mnt/socsec``, ``hdfs://nn/socsec``, ``s3a://bucket/socsec``);
    without ``store_uri`` the cluster reads the same paths as this process. The executors write a run's
    counted lines under ``work_dir`` inside the store, where this process reads them back."""

    master: str | None = None
    driver_host: str | None = None
    driver_bind_address: str | None = None
    driver_port: int | None = None
    block_manager_port: int | None = None
    store_root: Path | None = None
    store_uri: str | None = None
    work_dir: str = "spark"

    def cluster_name(self, path: str) -> str:
        """A file of the store as the cluster names it."""
        if self.store_root is None or not self.store_uri:
            return path
        try:
            relative = Path(path).resolve().relative_to(self.store_root.resolve())
        except ValueError:
            raise SparkFailure(f"{path} is outside the order store {self.store_root}") from None
        return f"{self.store_uri.rstrip('/')}/{relative.as_posix()}"

    def work_folder(self) -> tuple[Path, str]:
        """A new folder for one plan's output: here, and as the cluster names it."""
        name = f"lines-{uuid.uuid4().hex}"
        if self.store_root is None:  # no store named: a folder of this machine (local mode)
            here = Path(tempfile.mkdtemp(prefix="socsec-spark-")) / name
            return here, str(here)
        here = self.store_root / self.work_dir / name
        here.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return here, self.cluster_name(str(here))


_session: SparkSession | None = None
_session_key: tuple[object, ...] | None = None


def session(config: SparkConfig | None = None, threads: int | None = None) -> SparkSession:
    """One Spark session per process, made again when the configuration changes or its context stopped
    (a cluster that went away)."""
    global _session, _session_key
    config = config or SparkConfig()
    key = (config.master, config.driver_host, config.driver_bind_address, config.driver_port,
           config.block_manager_port, None if config.master else threads)  # fmt: skip
    if _session is not None and (key != _session_key or _session.sparkContext._jsc is None):
        stop()
    if _session is None:
        _session = _build(config, threads)
        _session_key = key
    return _session


def stop() -> None:
    """Stop this process's Spark session, if any (the next plan starts a new one)."""
    global _session, _session_key
    if _session is not None:
        try:
            _session.stop()
        finally:
            _session, _session_key = None, None


def _build(config: SparkConfig, threads: int | None) -> SparkSession:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # an optional part: pip install 'socsec[spark]'
        raise SparkFailure("pyspark is not installed (pip install 'socsec[spark]')") from exc
    master = config.master or f"local[{threads or os.cpu_count() or 2}]"
    settings: dict[str, str] = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    }
    if config.master is None:  # in this process: stay on loopback, few partitions
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        settings |= {
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.sql.shuffle.partitions": "8",
        }
    for name, value in (
        ("spark.driver.host", config.driver_host),
        ("spark.driver.bindAddress", config.driver_bind_address or config.driver_host),
        ("spark.driver.port", config.driver_port),
        ("spark.blockManager.port", config.block_manager_port),
        ("spark.driver.blockManager.port", config.block_manager_port),
    ):
        if value is not None:
            settings[name] = str(value)
    builder = SparkSession.builder.master(master).appName("socsec-assessment")
    for name, value in settings.items():
        builder = builder.config(name, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no master at that address, a port taken, no Java
        raise SparkFailure(f"cannot start Spark on {master}: {exc}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _base_path(name: str) -> str:
    """The folder above the month=/platform= partitions, so that Spark finds both columns."""
    return name.rsplit("/", 3)[0]


def run_sql(
    sql: str,
    views: dict[str, list[str]],
    *,
    threads: int | None = None,
    config: SparkConfig | None = None,
) -> pa.Table:
    """The plan's lines: ``sql`` over the views (each a list of Parquet files of the store), written by
    the executors and read back here, in the plan's order."""
    config = config or SparkConfig()
    here, there = config.work_folder()
    try:
        spark = session(config, threads)
        try:
            for name, files in views.items():
                if files:
                    names = [config.cluster_name(f) for f in files]
                    spark.read.option("basePath", _base_path(names[0])).parquet(*names).createOrReplaceTempView(name)
            spark.sql(sql).write.mode("errorifexists").parquet(there)
            check = spark.read.parquet(there).selectExpr("count(*) AS n", "sum(order_count) AS orders").first()
        except Exception as exc:  # Spark reports through Py4J and AnalysisException alike: keep all of it
            raise SparkFailure(str(exc)) from exc
        lines = _read_back(here)
        expected = (int(check["n"]), int(check["orders"] or 0)) if check is not None else (0, 0)
        found = (lines.num_rows, int(pc.sum(lines["order_count"]).as_py() or 0))
        if found != expected:
            raise SparkFailure(
                f"the lines the cluster wrote to {there} read back here from {here} as {found[0]} lines and"
                f" {found[1]} orders, where the cluster counted {expected[0]} and {expected[1]}"
            )
        return lines
    finally:
        shutil.rmtree(here if config.store_root is not None else here.parent, ignore_errors=True)


def _read_back(folder: Path) -> pa.Table:
    """The part files of a finished write, in the order of their partitions (the plan's order)."""
    if not (folder / "_SUCCESS").exists():
        raise SparkFailure(f"the cluster's output is not at {folder}: is the order store shared with this machine?")
    parts = sorted(folder.glob("part-*.parquet"))
    tables = [pq.read_table(p).select(LINE_SCHEMA.names).cast(LINE_SCHEMA) for p in parts]
    return pa.concat_tables(tables) if tables else LINE_SCHEMA.empty_table()
