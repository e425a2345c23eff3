"""The index of stored order ids (pure: no Django): beside each order or correction file of a batch, a
small Parquet file of the ids it brought and the state it left each order in, so that a new batch's ids
are looked up there instead of in every stored order file::

    order_index/month=YYYY-MM/platform=CODE/batch-000000042-<attempt>-orders.index
    order_index/month=YYYY-MM/platform=CODE/batch-000000042-<attempt>-corrections.index

A row: the order id, whether the batch reported it (``new``) or corrected it (``fix``), and the order as
it then stood (worker, region, sector, voided). An order is stored when an accepted batch reported it;
its state is the one the latest accepted batch left (batch ids grow). Which index files count follows the
batch manifests (only accepted batches'), so a withdrawn batch's ids stop counting with it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

INDEX_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("batch", pa.int64()),
        ("kind", pa.string()),  # new or fix
        ("voided", pa.bool_()),
        ("person_id", pa.int64()),
        ("region", pa.string()),
        ("sector", pa.string()),
    ]
)
STATE_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("month", pa.string()),
        ("person_id", pa.int64()),
        ("region", pa.string()),
        ("sector", pa.string()),
        ("voided", pa.bool_()),
    ]
)
INDEX_ROW_GROUP = 64 * 1024  # small row groups: a look-up skips those whose id range misses


def index_path(data_file: Path, data_dir: Path) -> Path:
    """Where the index of a stored order or correction file lies."""
    relative = data_file.relative_to(data_dir)
    kind, month, platform, name = relative.parts[-4:]
    return data_dir / "order_index" / month / platform / f"{name.removesuffix('.parquet')}-{kind}.index"


def index_rows(kind: str, batch_id: int, table: pa.Table) -> pa.Table:
    """The index rows of a piece of an order (``kind`` orders) or correction file."""
    n = table.num_rows
    if kind == "orders":
        return pa.table(
            [
                table["order_id"],
                pa.repeat(pa.scalar(batch_id, pa.int64()), n),
                pa.repeat(pa.scalar("new", pa.string()), n),
                pa.repeat(pa.scalar(False, pa.bool_()), n),
                table["person_id"],
                table["region"],
                table["sector"],
            ],
            schema=INDEX_SCHEMA,
        )
    void = pc.equal(table["action"], "VOID")
    return pa.table(
        [
            table["order_id"],
            pa.repeat(pa.scalar(batch_id, pa.int64()), n),
            pa.repeat(pa.scalar("fix", pa.string()), n),
            void,
            pc.if_else(void, table["old_person_id"], table["new_person_id"]),
            pc.if_else(void, table["old_region"], table["new_region"]),
            pc.if_else(void, table["old_sector"], table["new_sector"]),
        ],
        schema=INDEX_SCHEMA,
    )


def index_of_file(kind: str, batch_id: int, data_file: Path) -> pa.Table:
    """The index of a whole stored file, rebuilt from it (when the index is missing or damaged)."""
    return index_rows(kind, batch_id, pq.read_table(data_file))


class StoredOrders:
    """Look-ups of order ids among the index files of stored batches: their current state (``STATE_SCHEMA``:
    the order's month, its worker, region and sector now, whether it is void). The id range of each row
    group of each file (its Parquet statistics) is read once: a look-up reads only the files with a row
    group whose range meets the range of the ids asked about, and none at all when no range meets it (a
    platform's new orders, whose ids mostly come after the stored ones)."""

    def __init__(self, index_files: list[str]) -> None:
        self.files = index_files
        self._con: duckdb.DuckDBPyConnection | None = None  # opened at the first look-up that needs it
        self._ranges: list[list[tuple[str, str] | None]] | None = None  # per file, per row group

    def lookup(self, order_ids: pa.Array) -> pa.Table:
        if not self.files or len(order_ids) == 0:
            return STATE_SCHEMA.empty_table()
        bounds = pc.min_max(order_ids)
        lo, hi = bounds["min"].as_py(), bounds["max"].as_py()
        if lo is None:
            return STATE_SCHEMA.empty_table()
        files = [f for f, groups in zip(self.files, self._row_group_ranges(), strict=True) if _meets(groups, lo, hi)]
        if not files:
            return STATE_SCHEMA.empty_table()
        if self._con is None:
            self._con = duckdb.connect()
            self._con.execute("SET enable_object_cache = true")  # the files' footers are read once
            self._con.execute("SET memory_limit = '256MB'")  # a look-up streams the index files
        # the ids as they come (a semi-join needs them neither distinct nor sorted); the range lets the
        # scan skip the row groups outside it
        self._con.register("wanted", pa.table({"order_id": order_ids}))
        try:
            found = self._con.sql(
                "WITH hits AS (SELECT s.order_id, s.batch, s.kind, s.voided, s.person_id, s.region, s.sector, s.month"
                " FROM read_parquet($files, hive_partitioning = true) s SEMI JOIN wanted USING (order_id)"
                " WHERE s.order_id BETWEEN $lo AND $hi)"
                " SELECT order_id, max(month) FILTER (WHERE kind = 'new') AS month,"
                " arg_max(person_id, batch) AS person_id, arg_max(region, batch) AS region,"
                " arg_max(sector, batch) AS sector, arg_max(voided, batch) AS voided"
                " FROM hits GROUP BY order_id HAVING bool_or(kind = 'new')",
                params={"files": files, "lo": lo, "hi": hi},
            ).to_arrow_table()
        finally:
            self._con.unregister("wanted")
        return found.cast(STATE_SCHEMA)

    def _row_group_ranges(self) -> list[list[tuple[str, str] | None]]:
        """The (least, greatest) order id of each row group of each file; None where a row group has no
        statistics (it is then always read)."""
        if self._ranges is None:
            self._ranges = []
            for path in self.files:
                metadata = pq.read_metadata(path)
                at = metadata.schema.to_arrow_schema().get_field_index("order_id")
                if at < 0:  # not an index file (one changed after it was checked): as the engine would say
                    raise pa.ArrowInvalid(f"{path}: no column order_id")
                groups: list[tuple[str, str] | None] = []
                for g in range(metadata.num_row_groups):
                    stats = metadata.row_group(g).column(at).statistics
                    known = stats is not None and stats.has_min_max and isinstance(stats.min, str)
                    groups.append((stats.min, stats.max) if known else None)
                self._ranges.append(groups)
        return self._ranges

    def close(self) -> None:
        if self._con is not None:
            self._con.close()


def _meets(groups: list[tuple[str, str] | None], lo: str, hi: str) -> bool:
    """Whether a file has a row group whose id range meets [lo, hi] (or one without a known range). Ids
    compare as their UTF-8 bytes do, as in Parquet's statistics (code point order)."""
    return any(g is None or (g[0] <= hi and lo <= g[1]) for g in groups)
