"""The registry as a batch sees it: read in pages the database writes as text, resident IDs matched by
the keyed index the engine computes (the same index the registry stores), each worker's days as the
database holds them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from socsec.contributions.orders import registry_snapshot
from socsec.contributions.orders.registry_snapshot import RegistrySnapshot
from socsec.registry.models import Engagement

pytestmark = pytest.mark.django_db


def spelled(resident_id: str) -> str:
    """The same resident ID as a person might type it: full-width digits, a space inside."""
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in resident_id)
    return wide[:6] + " " + wide[6:]


@pytest.mark.parametrize("page", [1, 100_000])
def test_ids_are_matched_to_workers_whatever_the_spelling_and_the_pages(world, monkeypatch, page):
    monkeypatch.setattr(registry_snapshot, "PAGE", page)
    snapshot = RegistrySnapshot(world.platform.pk)
    try:
        rider, employee = world.rider.resident_id, world.employee.resident_id
        ids = pa.chunked_array(
            [[rider, "", "NOBODY", spelled(rider).upper()], [employee, rider, world.freelancer.resident_id]]
        )
        assert snapshot.persons_of(ids).tolist() == [
            world.rider.pk,
            -1,
            -1,
            world.rider.pk,
            world.employee.pk,
            world.rider.pk,
            -1,
        ]
        assert snapshot.workers().tolist() == sorted([world.rider.pk, world.employee.pk])
        engaged = Engagement.objects.filter(organisation=world.platform).order_by("person_id", "start_date")
        first = [(e.start_date - dt.date(1970, 1, 1)).days for e in engaged]
        day = np.array(first, dtype=np.int64)
        people = np.array([e.person_id for e in engaged], dtype=np.int64)
        assert snapshot.sectors_on(people, day).tolist() == [1] * len(first)
        assert snapshot.sectors_on(people, day - 1).tolist() == [0] * len(first)
        assert snapshot.names_of(1) == ["RIDE_HAILING"]
    finally:
        snapshot.close()


def test_ids_kept_matched_are_bounded_and_forgotten_ones_are_matched_again(world, monkeypatch):
    monkeypatch.setattr(registry_snapshot, "KEEP_MATCHED", 2)
    snapshot = RegistrySnapshot(world.platform.pk)
    try:
        rider, employee = world.rider.resident_id, world.employee.resident_id
        assert snapshot.persons_of(pa.array([rider, "A"])).tolist() == [world.rider.pk, -1]
        assert snapshot.persons_of(pa.array([employee, rider, "B"])).tolist() == [world.employee.pk, world.rider.pk, -1]
        assert snapshot._matched == 2  # the IDs the chunk met first (the rider was kept): the earlier ones forgotten
        assert snapshot.persons_of(pa.array([rider])).tolist() == [world.rider.pk]  # forgotten: matched again
        assert snapshot._matched == 1
    finally:
        snapshot.close()
