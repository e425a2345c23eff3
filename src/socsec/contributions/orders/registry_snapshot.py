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
        rows = (
            Engagement.objects.filter(organisation_id=platform_id)
            .values_list("person__resident_id_index", "person_id", "start_date", "end_date", "sector")
            .iterator(chunk_size=20_000)
        )
        for index, person_id, start, end, sector in rows:
            persons[index] = person_id
            people.append(person_id)
            starts.append((start - EPOCH).days)
            ends.append(OPEN_END if end is None else (end - EPOCH).days)
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

    def persons_of(self, resident_ids: pa.ChunkedArray) -> np.ndarray:
        """The worker of each resident ID (as written, trimmed and upper case), -1 where the platform
        engages no one by that ID. Each distinct ID is indexed once per batch."""
        unique = pc.unique(resident_ids).drop_null()
        new = unique.filter(pc.invert(pc.is_in(unique, value_set=self._known_ids)))
        if len(new):
            index_of = self._index_field.index_of
            found = [self._by_index.get(index_of(r), -1) if r else -1 for r in new.to_pylist()]
            self._known_ids = pa.concat_arrays([self._known_ids, new])
            self._known_people = np.concatenate([self._known_people, np.array(found, dtype=np.int64)])
        position = pc.index_in(resident_ids, value_set=self._known_ids)
        where = pc.fill_null(position, -1).to_numpy(zero_copy_only=False)
        people = np.full(len(where), -1, dtype=np.int64)
        hit = where >= 0
        people[hit] = self._known_people[where[hit]]
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

    def bits_of(self, sectors: pa.ChunkedArray) -> np.ndarray:
        """The bit of each sector name (0 for a sector no engagement of the platform is in)."""
        position = pc.fill_null(pc.index_in(sectors, value_set=pa.array(self.sector_names, pa.string())), -1)
        where = position.to_numpy(zero_copy_only=False)
        return np.where(where >= 0, np.left_shift(1, np.maximum(where, 0)), 0).astype(np.int64)

    def names_of(self, bits: int) -> list[str]:
        return [s for i, s in enumerate(self.sector_names) if bits >> i & 1]
