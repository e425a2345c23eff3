"""The assessment's plan: count orders per platform x worker x province x sector after corrections, in
one SQL statement (:func:`plan_sql`) that DuckDB (default) and Spark SQL both run unchanged; and the
connections to DuckDB kept for the process."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import AssessmentError, UnreadableFiles
from .lines import LINE_SCHEMA
from .orders import month_start

if TYPE_CHECKING:
    from .spark import SparkConfig

# The plan, in SQL that DuckDB and Spark SQL both run unchanged, over two views: ``orders`` and
# ``corrections``, each with the Hive partition columns ``month`` and ``platform``. Every order is +1 on
# its line and every correction -1 on the old line (and +1 on the new for AMEND), all summed in one
# aggregation (a count per part and a second aggregation over the parts' counts cost 5-10% more).
# Orders are grouped by their region's first two characters, which the province's code is with
# '0000' after it: the same groups (a suffix is the same for all), but the code is made once per line,
# not once per order (3-6% of the plan).
_ORDERS = """
    SELECT platform, person_id, substr(region, 1, 2) AS prefix, sector, 1 AS n
    FROM orders WHERE month = '{month}'
"""
_CORRECTIONS = """
    SELECT platform, old_person_id AS person_id, substr(old_region, 1, 2) AS prefix, old_sector AS sector, -1 AS n
    FROM corrections WHERE month = '{month}'
    UNION ALL
    SELECT platform, new_person_id, substr(new_region, 1, 2), new_sector, 1
    FROM corrections WHERE month = '{month}' AND action = 'AMEND'
"""
_TOTAL = """
SELECT platform, person_id, prefix || '0000' AS province, sector, order_count
FROM (
    SELECT platform, person_id, prefix, sector, CAST(sum(n) AS BIGINT) AS order_count
    FROM ({parts}) AS deltas
    GROUP BY platform, person_id, prefix, sector
    HAVING sum(n) <> 0
) AS lines
ORDER BY platform, province, sector, person_id
"""


# Orders alone (no corrections to net): a plain count, which engines run faster than a sum of +1s.
_COUNT = """
SELECT platform, person_id, prefix || '0000' AS province, sector, order_count
FROM (
    SELECT platform, person_id, substr(region, 1, 2) AS prefix, sector, count(*) AS order_count
    FROM orders WHERE month = '{month}'
    GROUP BY platform, person_id, prefix, sector
) AS lines
ORDER BY platform, province, sector, person_id
"""


def plan_sql(month: str, *, with_orders: bool = True, with_corrections: bool) -> str:
    """The aggregation for one month (the month is checked as YYYY-MM before it is put in the text).
    A batch of corrections alone has no orders part."""
    month_start(month)
    if with_orders and not with_corrections:
        return _COUNT.format(month=month)
    parts = [p for p, wanted in ((_ORDERS, with_orders), (_CORRECTIONS, with_corrections)) if wanted]
    return _TOTAL.format(parts=" UNION ALL ".join(parts).format(month=month))


ENGINES = ("duckdb", "spark")


def aggregate(
    orders: list[str],
    corrections: list[str],
    month: str,
    *,
    engine: str = "duckdb",
    threads: int | None = None,
    spark: SparkConfig | None = None,
) -> pa.Table:
    """Orders per platform x worker x province x sector after corrections, on DuckDB (default) or Spark
    (local, or the cluster ``spark`` names), in the plan's order."""
    if engine not in ENGINES:
        raise AssessmentError(f"engine {engine!r}: use one of {', '.join(ENGINES)}")
    if not orders and not corrections:
        return LINE_SCHEMA.empty_table()
    sql = plan_sql(month, with_orders=bool(orders), with_corrections=bool(corrections))
    if engine == "spark":
        return _run_spark(orders, corrections, sql, month, threads, spark).cast(LINE_SCHEMA)
    return _run_duckdb(orders, corrections, sql, month, threads).cast(LINE_SCHEMA)


_databases: dict[int, duckdb.DuckDBPyConnection] = {}
_databases_lock = threading.Lock()


def duckdb_cursor(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A connection of its own (its views are its own) to an in-memory DuckDB database kept for the
    process, one per thread setting: opening a database costs tens of milliseconds, a cursor almost
    nothing. Close it after use."""
    key = int(threads or 0)
    with _databases_lock:
        database = _databases.get(key)
        if database is None:
            database = _databases[key] = duckdb.connect(config={"threads": key} if key else {})
    return database.cursor()


def _run_duckdb(orders: list[str], corrections: list[str], sql: str, month: str, threads: int | None) -> pa.Table:
    # the plan's two inputs as common table expressions over the files (bound once, with the query)
    sources = {name: files for name, files in (("orders", orders), ("corrections", corrections)) if files}
    inputs = ", ".join(f"{name} AS (SELECT * FROM read_parquet(${name}, hive_partitioning = true))" for name in sources)
    con = duckdb_cursor(threads)
    try:
        try:
            return con.sql(f"WITH {inputs} {sql}", params=sources).to_arrow_table()
        except duckdb.Error as exc:
            unreadable = unreadable_files([*orders, *corrections])
            if unreadable:
                raise UnreadableFiles(month, unreadable) from exc
            raise AssessmentError(f"cannot read the orders of {month}: {exc}") from exc
    finally:
        con.close()


def unreadable_files(paths: list[str]) -> list[str]:
    """The files among ``paths`` that are not whole Parquet files (each one read through, one at a time:
    called when a read has failed, to name the culprits)."""
    bad = []
    for path in paths:
        try:
            parquet = pq.ParquetFile(path)
            for group in range(parquet.metadata.num_row_groups):
                parquet.read_row_group(group)
        except (OSError, pa.ArrowException):
            bad.append(path)
    return bad


def _run_spark(
    orders: list[str], corrections: list[str], sql: str, month: str, threads: int | None, config: SparkConfig | None
) -> pa.Table:
    from . import spark

    try:
        return spark.run_sql(sql, {"orders": orders, "corrections": corrections}, threads=threads, config=config)
    except spark.SparkFailure as exc:
        raise AssessmentError(f"cannot read the orders of {month} on Spark: {exc}") from exc
