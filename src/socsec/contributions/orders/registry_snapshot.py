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

from .values import engine_hashes

OPEN_END = np.iinfo(np.int32).max
PAGE = 100_000  # rows fetched at a time
UNMET = -2  # a row whose resident ID the batch has not met yet
KEEP_MATCHED = 4_000_000  # resident IDs kept matched (with their worker) while a batch is checked
KEEP_MATCHED_BYTES = 256 << 20  # and their text at most (a chunk's new IDs may add to it once)
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
        # where each worker's run of engagements starts, and where it ends (for every place in it)
        self._run_start = np.flatnonzero(np.concatenate([[True], self._person[1:] != self._person[:-1]]))
        self._run_start = self._run_start[: len(order)]  # none without engagements
        ends = np.append(self._run_start, len(order))[1:].astype(np.int64)
        self._run_end = np.repeat(ends, ends - self._run_start)
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
        self._met = MetIds()

    def close(self) -> None:
        self._con.close()

    def persons_of(self, resident_ids: pa.ChunkedArray | pa.Array) -> np.ndarray:
        """The worker of each resident ID (as written, trimmed and upper case), -1 where the platform
        engages no one by that ID."""
        return self.person_at(self.places_of(resident_ids))

    def person_at(self, places: np.ndarray) -> np.ndarray:
        """The worker at each place ``places_of`` gave (-1 for -1)."""
        if not len(self._person):
            return np.full(len(places), -1, dtype=np.int64)
        return np.where(places >= 0, self._person[np.maximum(places, 0)], -1)

    def places_of(self, resident_ids: pa.ChunkedArray | pa.Array) -> np.ndarray:
        """For each resident ID (as written, trimmed and upper case), the place of its worker's first
        engagement in the snapshot (-1: the platform engages no one by that ID). The chunk's IDs are
        hashed by the engine and looked up among the IDs met before in the batch (at most
        ``KEEP_MATCHED``, by bisection of their sorted hashes, each hit checked against the text): no join
        that hashes the IDs met again for every chunk. Only the rows left unmet are made distinct (by
        Arrow); their IDs get their keyed index computed (once each), joined with the snapshot's workers
        and kept. IDs that normalising would change (rare: inner spaces, other scripts) are normalised
        first."""
        ids = resident_ids.combine_chunks() if isinstance(resident_ids, pa.ChunkedArray) else resident_ids
        if not len(ids):
            return np.full(0, UNMET, dtype=np.int64)
        hashes = engine_hashes(self._con, ids)
        places = self._met.find(ids, hashes)
        unmet = np.flatnonzero(places == UNMET)
        if len(unmet):
            encoded = pc.dictionary_encode(ids.take(pa.array(unmet)))
            fresh = encoded.dictionary
            if len(self._met) + len(fresh) > KEEP_MATCHED or self._met.nbytes > KEEP_MATCHED_BYTES:
                self._met.clear()  # forget the earlier ones: memory stays bounded
            where = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
            found = self._match(fresh)
            places[unmet] = found[where]
            _, first = np.unique(where, return_index=True)  # each distinct ID's first row (in dictionary order)
            self._met.add(fresh, hashes[unmet[first]], found)
        return places

    def _match(self, fresh: pa.Array) -> np.ndarray:
        """The place of the worker of each of distinct resident IDs not kept yet (-1: none)."""
        plain = pc.match_substring_regex(fresh, PLAIN)
        normalised = fresh
        if not pc.all(plain).as_py():
            odd = pc.invert(plain)
            texts = [normalise_identifier(t) for t in fresh.filter(odd).to_pylist()]
            normalised = pc.replace_with_mask(fresh, odd, pa.array(texts, pa.string()))
        inner, outer = self._pads
        n = pa.array(np.arange(len(fresh), dtype=np.int64))
        self._con.register("fresh", pa.table({"n": n, "normalised": normalised}))
        try:
            found = self._con.execute(
                "SELECT f.n, w.person_id FROM fresh f JOIN workers w"
                " ON w.resident_id_index = sha256($outer || unhex(sha256($inner || encode(f.normalised))))"
                " AND f.normalised <> ''",
                {"inner": inner, "outer": outer},
            ).fetchnumpy()
        finally:
            self._con.unregister("fresh")
        places = np.full(len(fresh), -1, dtype=np.int64)
        person = np.asarray(found["person_id"], dtype=np.int64)
        places[np.asarray(found["n"], dtype=np.int64)] = np.searchsorted(self._person, person)  # its first engagement
        return places

    def sectors_on(self, people: np.ndarray, days: np.ndarray) -> np.ndarray:
        """For each (worker, day since 1970), the sectors the platform engaged the worker in that day, as
        bits of ``sector_names`` (0: none)."""
        lo = np.searchsorted(self._person, people, side="left")
        return self._sectors(lo, np.searchsorted(self._person, people, side="right"), days)

    def sectors_at(self, places: np.ndarray, days: np.ndarray) -> np.ndarray:
        """``sectors_on`` for the workers at ``places`` (from ``places_of``; -1: none), without a bisection."""
        if not len(self._person):
            return np.zeros(len(places), dtype=np.int64)
        lo = np.maximum(places, 0)
        return self._sectors(lo, np.where(places >= 0, self._run_end[lo], lo), days)

    def _sectors(self, lo: np.ndarray, hi: np.ndarray, days: np.ndarray) -> np.ndarray:
        """The sectors of the engagements at [lo, hi) of each row that cover its day, as bits."""
        bits = np.zeros(len(lo), dtype=np.int64)
        if len(self._person) == 0 or len(lo) == 0:
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
        person: np.ndarray = self._person[self._run_start]  # sorted already
        return person

    def bits_of(self, sectors: pa.ChunkedArray) -> np.ndarray:
        """The bit of each sector name (0 for a sector no engagement of the platform is in)."""
        position = pc.fill_null(pc.index_in(sectors, value_set=pa.array(self.sector_names, pa.string())), -1)
        where = position.to_numpy(zero_copy_only=False)
        return np.where(where >= 0, np.left_shift(1, np.maximum(where, 0)), 0).astype(np.int64)

    def names_of(self, bits: int) -> list[str]:
        return [s for i, s in enumerate(self.sector_names) if bits >> i & 1]


class MetIds:
    """The resident IDs a batch has met, each with its worker's place in the snapshot (or -1): their hashes
    sorted, beside the place of each ID's text (the texts kept in the order they came) and the worker's. A
    look-up bisects the sorted hashes and compares each hit's text with the ID's, so two IDs with the same
    hash never pass for each other. An ID whose hash another kept ID has is never kept (it is matched again
    whenever met)."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._hashes = np.array([], dtype=np.uint64)
        self._where = np.array([], dtype=np.int64)
        self._place = np.array([], dtype=np.int64)
        self._texts: list[pa.Array] = []
        self._count = 0
        self.nbytes = 0  # of the texts kept (32-bit offsets: they stay far below 2 GiB)

    def __len__(self) -> int:
        return len(self._hashes)

    def find(self, ids: pa.Array, hashes: np.ndarray) -> np.ndarray:
        """The worker's place kept for each ID (-1: none), ``UNMET`` for an ID not kept."""
        places = np.full(len(ids), UNMET, dtype=np.int64)
        if not len(self._hashes):
            return places
        order = np.argsort(hashes)  # sorted needles: the bisections walk the table in order
        at = np.empty(len(hashes), dtype=np.int64)
        at[order] = np.searchsorted(self._hashes, hashes[order])
        np.minimum(at, len(self._hashes) - 1, out=at)
        hit = np.flatnonzero(self._hashes[at] == hashes)
        if len(hit):
            texts = self._texts[0] if len(self._texts) == 1 else pa.chunked_array(self._texts)
            same = pc.equal(ids.take(pa.array(hit)), texts.take(pa.array(self._where[at[hit]])))
            hit = hit[same.to_numpy(zero_copy_only=False)]
            places[hit] = self._place[at[hit]]
        return places

    def add(self, ids: pa.Array, hashes: np.ndarray, places: np.ndarray) -> None:
        """Keep IDs (distinct, none of them kept yet) with their hashes and workers' places; of IDs with the
        same hash, the first kept (or the first of these) only."""
        if len(self._hashes):
            at = np.minimum(np.searchsorted(self._hashes, hashes), len(self._hashes) - 1)
            new = self._hashes[at] != hashes
            ids, hashes, places = ids.filter(pa.array(new)), hashes[new], places[new]
        _, order = np.unique(hashes, return_index=True)  # by hash, the first ID of each hash
        at = np.searchsorted(self._hashes, hashes[order])
        self._hashes = np.insert(self._hashes, at, hashes[order])
        self._where = np.insert(self._where, at, self._count + order)
        self._place = np.insert(self._place, at, places[order])
        self._texts.append(ids)
        self._count += len(ids)  # the texts not kept stay in the piece, unreferenced
        self.nbytes += ids.nbytes
        if len(self._texts) > 8:  # a few pieces at most: a look-up takes from them at once
            self._texts = [pa.concat_arrays(self._texts)]
