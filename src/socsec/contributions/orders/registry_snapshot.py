"""The registry as one order batch sees it, read once per batch in one streamed query: the platform's
engagements (worker, dates, sector) with each worker's resident-ID index. A batch's rows are then matched
against it in bulk: resident IDs to workers by their keyed index (computed once per distinct ID), and
each (worker, day) to the sectors the worker was engaged in that day, with array operations, never a
query per row nor a query whose size grows with the batch."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from socsec.registry.models import Engagement, Person

EPOCH = dt.date(1970, 1, 1)
OPEN_END = np.iinfo(np.int32).max


class RegistrySnapshot:
    def __init__(self, platform_id: int) -> None:
        persons: dict[str, int] = {}
        people: list[int] = []
        starts: list[int] = []
        ends: list[int] = []
        sectors: list[str] = []
        day_of: dict[object, int] = {None: OPEN_END}  # each distinct date converted once
        query = Engagement.objects.filter(organisation_id=platform_id).values_list(
            "person__resident_id_index", "person_id", "start_date", "end_date", "sector"
        )
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:  # raw rows: the ORM's converters cost more than the whole check
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(50_000):
                for index, person_id, start, end, sector in rows:
                    persons[index] = person_id
                    people.append(person_id)
                    starts.append(day_of[start] if start in day_of else _day(day_of, start))
                    ends.append(day_of[end] if end in day_of else _day(day_of, end))
                    sectors.append(sector)
        self.sector_names = sorted(set(sectors))
        bit = {s: 1 << i for i, s in enumerate(self.sector_names)}
        order = np.argsort(np.array(people, dtype=np.int64), kind="stable")
        self._person = np.array(people, dtype=np.int64)[order]
        self._start = np.array(starts, dtype=np.int32)[order]
        self._end = np.array(ends, dtype=np.int32)[order]
        self._bit = np.array([bit[s] for s in sectors], dtype=np.int64)[order]
        self._by_index = persons
        self._index_field = Person._meta.get_field("resident_id_index")
        self._known_ids = pa.array([], pa.string())  # resident IDs as written, already matched
        self._known_people = np.array([], dtype=np.int64)

    def persons_of(self, resident_ids: pa.ChunkedArray | pa.Array) -> np.ndarray:
        """The worker of each resident ID (as written, trimmed and upper case), -1 where the platform
        engages no one by that ID. Each distinct ID is indexed once per batch."""
        where = pc.index_in(resident_ids, value_set=self._known_ids)  # one hashing pass over the rows
        if where.null_count:  # IDs not seen before in this batch: index each distinct one
            new = pc.unique(pc.drop_null(pc.filter(resident_ids, pc.is_null(where))))
            if isinstance(new, pa.ChunkedArray):
                new = new.combine_chunks()
            texts = new.to_pylist()
            # printable ASCII without spaces, upper case already: as normalising leaves an identifier
            plain = not pc.any(pc.match_substring_regex(new, "[^\\x21-\\x60\\x7b-\\x7e]")).as_py()
            indexes = self._index_field.indexes_of((t or "" for t in texts), normalised=plain)
            get = self._by_index.get
            found = np.array([get(i, -1) if t else -1 for t, i in zip(texts, indexes, strict=True)], dtype=np.int64)
            self._known_ids = pa.concat_arrays([self._known_ids, new])
            self._known_people = np.concatenate([self._known_people, found])
            where = pc.index_in(resident_ids, value_set=self._known_ids)
        at = pc.fill_null(where, -1).to_numpy(zero_copy_only=False)
        people = np.full(len(at), -1, dtype=np.int64)
        hit = at >= 0
        people[hit] = self._known_people[at[hit]]
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
        return np.unique(self._person)

    def bits_of(self, sectors: pa.ChunkedArray) -> np.ndarray:
        """The bit of each sector name (0 for a sector no engagement of the platform is in)."""
        position = pc.fill_null(pc.index_in(sectors, value_set=pa.array(self.sector_names, pa.string())), -1)
        where = position.to_numpy(zero_copy_only=False)
        return np.where(where >= 0, np.left_shift(1, np.maximum(where, 0)), 0).astype(np.int64)

    def names_of(self, bits: int) -> list[str]:
        return [s for i, s in enumerate(self.sector_names) if bits >> i & 1]


def _day(day_of: dict[object, int], value: object) -> int:
    """Days since 1970 of a date as the database returns it (a date, or ISO text on SQLite)."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    day_of[value] = (day - EPOCH).days
    return day_of[value]
