"""The registry as one order batch sees it, read once per batch in one streamed query and kept as Arrow
columns: the platform's engagements (worker, first and last day, sector) and each worker's resident-ID
index. A batch's rows are then matched against it in the engine: resident IDs to workers by a join on
their keyed index (computed by the engine, once per distinct ID), and each (worker, day) to the sectors
the worker was engaged in that day, with array operations; never a query per row, never a query whose
size grows with the batch, and no Python per row."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection

from socsec.core.crypto import normalise_identifier
from socsec.core.fields import column_context, keyring
from socsec.registry.models import Engagement, Person

OPEN_END = np.iinfo(np.int32).max
PAGE = 100_000  # rows fetched at a time
UNMET = -2  # a row whose resident ID the batch has not met yet
KEEP_MATCHED = 4_000_000  # resident IDs kept matched (with their worker) while a batch is checked
# printable ASCII without spaces or lower case letters: a resident ID that normalising leaves as it is
PLAIN = "^[\\x21-\\x60\\x7b-\\x7e]*$"


def _days_since_1970(column: str) -> str:
    """A date column as the text of its days since 1970 (empty for null), computed by the database."""
    if connection.vendor == "postgresql":
        days = f"({column} - DATE '1970-01-01')"
    else:
        days = f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"
    return f"coalesce(CAST({days} AS TEXT), '')"


def _page_query() -> str:
    """One page of the platform's engagements (after an engagement id, at most a number of them) as one text
    of comma-separated lines, and the page's last engagement id: the database builds the text, so no
    Python object is made per engagement. Sectors are codes and indexes hex digits: nothing to quote."""
    quote = connection.ops.quote_name
    e, p = quote(Engagement._meta.db_table), quote(Person._meta.db_table)
    index = quote(str(Person._meta.get_field("resident_id_index").column))
    joined = "string_agg(line, chr(10))" if connection.vendor == "postgresql" else "group_concat(line, char(10))"
    line = (
        f"coalesce(p.{index}, '') || ',' || CAST(e.person_id AS TEXT)"
        f" || ',' || {_days_since_1970('e.start_date')} || ',' || {_days_since_1970('e.end_date')} || ',' || e.sector"
    )
    return (
        f"SELECT max(id), {joined} FROM (SELECT e.id, {line} AS line FROM {e} e JOIN {p} p ON p.id = e.person_id"
        f" WHERE e.organisation_id = %s AND e.id > %s ORDER BY e.id LIMIT %s) page"
    )


COLUMNS = {
    "resident_id_index": pa.string(),
    "person_id": pa.int64(),
    "start": pa.int32(),
    "end": pa.int32(),
    "sector": pa.string(),
}


def _engagements(platform_id: int) -> pa.Table:
    """The platform's engagements with their workers' resident-ID indexes, read a page at a time."""
    pages: list[pa.Table] = []
    last = 0
    sql = _page_query()
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [platform_id, last, PAGE])
            last, text = cursor.fetchone()
            if last is None:
                break
            pages.append(
                pacsv.read_csv(
                    pa.BufferReader(text.encode()),
                    read_options=pacsv.ReadOptions(column_names=list(COLUMNS)),
                    parse_options=pacsv.ParseOptions(quote_char=False),
                    convert_options=pacsv.ConvertOptions(column_types=COLUMNS, strings_can_be_null=False),
                )
            )
    return pa.concat_tables(pages) if pages else pa.schema(list(COLUMNS.items())).empty_table()


class RegistrySnapshot:
    def __init__(self, platform_id: int) -> None:
        table = _engagements(platform_id)
        self.sector_names: list[str] = sorted(pc.unique(table["sector"]).to_pylist())
        sector_at = pc.index_in(table["sector"], value_set=pa.array(self.sector_names, pa.string()))
        order = np.argsort(table["person_id"].to_numpy(), kind="stable")  # by worker: look-ups by bisection
        self._person = table["person_id"].to_numpy()[order]
        self._start = table["start"].to_numpy().astype(np.int32)[order]
        self._end = pc.fill_null(table["end"], OPEN_END).to_numpy().astype(np.int32)[order]
        self._bit = np.left_shift(1, sector_at.to_numpy().astype(np.int64))[order]
        self._con = duckdb.connect()
        self._con.execute("SET memory_limit = '256MB'")
        # each worker once, by the index of the resident ID
        self._con.register("engaged", table.select(["resident_id_index", "person_id"]))
        self._con.execute(
            "CREATE TABLE workers AS SELECT resident_id_index, max(person_id) AS person_id FROM engaged"
            " GROUP BY resident_id_index"
        )
        self._con.unregister("engaged")
        self._pads = keyring().blind_index_pads(context=column_context(Person, "resident_id"))
        self._con.execute("CREATE TABLE matched (v VARCHAR, person_id BIGINT)")  # IDs met, with their worker
        self._matched = 0

    def close(self) -> None:
        self._con.close()

    def persons_of(self, resident_ids: pa.ChunkedArray | pa.Array) -> np.ndarray:
        """The worker of each resident ID (as written, trimmed and upper case), -1 where the platform
        engages no one by that ID. The chunk's rows meet the engine in one join with the IDs met before in
        the batch (``matched``, at most ``KEEP_MATCHED``): no hashing pass of our own over every row. Only
        the rows it leaves unmet are made distinct (by Arrow); their IDs get their keyed index computed
        (once each), joined with the snapshot's workers and kept. IDs that normalising would change (rare:
        inner spaces, other scripts) are normalised first."""
        ids = resident_ids.combine_chunks() if isinstance(resident_ids, pa.ChunkedArray) else resident_ids
        people = np.full(len(ids), UNMET, dtype=np.int64)
        if not len(ids):
            return people
        con = self._con
        con.register("chunk", pa.table({"r": pa.array(np.arange(len(ids), dtype=np.int64)), "v": ids}))
        try:
            found = con.execute("SELECT r, person_id FROM chunk JOIN matched USING (v)").fetchnumpy()
        finally:
            con.unregister("chunk")
        people[np.asarray(found["r"], dtype=np.int64)] = np.asarray(found["person_id"], dtype=np.int64)
        unmet = np.flatnonzero(people == UNMET)
        if len(unmet):
            encoded = pc.dictionary_encode(ids.take(pa.array(unmet)))
            if self._matched + len(encoded.dictionary) > KEEP_MATCHED:  # forget the earlier ones: memory stays bounded
                con.execute("DELETE FROM matched")
                self._matched = 0
            where = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
            people[unmet] = self._match(encoded.dictionary)[where]
        return people

    def _match(self, fresh: pa.Array) -> np.ndarray:
        """The worker of each of distinct resident IDs not kept yet (-1: none), kept from now on."""
        plain = pc.match_substring_regex(fresh, PLAIN)
        normalised = fresh
        if not pc.all(plain).as_py():
            odd = pc.invert(plain)
            texts = [normalise_identifier(t) for t in fresh.filter(odd).to_pylist()]
            normalised = pc.replace_with_mask(fresh, odd, pa.array(texts, pa.string()))
        inner, outer = self._pads
        n = pa.array(np.arange(len(fresh), dtype=np.int64))
        self._con.register("fresh", pa.table({"n": n, "v": fresh, "normalised": normalised}))
        try:
            self._con.execute(
                "CREATE OR REPLACE TEMP TABLE fresh_matched AS SELECT f.n, f.v, coalesce(w.person_id, -1) AS person_id"
                " FROM fresh f LEFT JOIN workers w"
                " ON w.resident_id_index = sha256($outer || unhex(sha256($inner || encode(f.normalised))))"
                " AND f.normalised <> ''",
                {"inner": inner, "outer": outer},
            )
        finally:
            self._con.unregister("fresh")
        self._con.execute("INSERT INTO matched SELECT v, person_id FROM fresh_matched")
        found = self._con.execute("SELECT n, person_id FROM fresh_matched").fetchnumpy()
        people = np.full(len(fresh), -1, dtype=np.int64)
        people[np.asarray(found["n"], dtype=np.int64)] = np.asarray(found["person_id"], dtype=np.int64)
        self._matched += len(fresh)
        return people

    def sectors_on(self, people: np.ndarray, days: np.ndarray) -> np.ndarray:
        """For each (worker, day since 1970), the sectors the platform engaged the worker in that day, as
        bits of ``sector_names`` (0: none)."""
        lo = np.searchsorted(self._person, people, side="left")
        hi = np.searchsorted(self._person, people, side="right")
        bits = np.zeros(len(people), dtype=np.int64)
        if len(self._person) == 0 or len(people) == 0:
            return bits
        most = int((hi - lo).max())
        last = len(self._person) - 1
        for k in range(most):
            at = lo + k
            inside = at < hi
            clipped = np.minimum(at, last)
            covers = inside & (self._start[clipped] <= days) & (self._end[clipped] >= days)
            bits |= np.where(covers, self._bit[clipped], 0)
        return bits

    def workers(self) -> np.ndarray:
        """The workers the platform engages (or did), sorted."""
        person: np.ndarray = self._person  # sorted already
        if len(person):
            person = person[np.concatenate([[True], person[1:] != person[:-1]])]
        return person

    def bits_of(self, sectors: pa.ChunkedArray) -> np.ndarray:
        """The bit of each sector name (0 for a sector no engagement of the platform is in)."""
        position = pc.fill_null(pc.index_in(sectors, value_set=pa.array(self.sector_names, pa.string())), -1)
        where = position.to_numpy(zero_copy_only=False)
        return np.where(where >= 0, np.left_shift(1, np.maximum(where, 0)), 0).astype(np.int64)

    def names_of(self, bits: int) -> list[str]:
        return [s for i, s in enumerate(self.sector_names) if bits >> i & 1]
