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
        # by place (the checks' way): the same workers and sectors, and none for an ID not engaged
        places = snapshot.places_of(pa.array([world.rider.resident_id, world.employee.resident_id, "NOBODY"]))
        assert snapshot.person_at(places).tolist() == [world.rider.pk, world.employee.pk, -1]
        for shift in (-1, 0, 400):
            for at, who in zip(places.tolist(), [world.rider.pk, world.employee.pk, -1], strict=True):
                days = np.array([first[0] + shift, first[-1] + shift], dtype=np.int64)
                by_place = snapshot.sectors_at(np.array([at, at]), days).tolist()
                assert by_place == snapshot.sectors_on(np.array([who, who]), days).tolist()
    finally:
        snapshot.close()


def test_ids_kept_matched_are_bounded_and_forgotten_ones_are_matched_again(world, monkeypatch):
    monkeypatch.setattr(registry_snapshot, "KEEP_MATCHED", 2)
    snapshot = RegistrySnapshot(world.platform.pk)
    try:
        rider, employee = world.rider.resident_id, world.employee.resident_id
        assert snapshot.persons_of(pa.array([rider, "A"])).tolist() == [world.rider.pk, -1]
        assert snapshot.persons_of(pa.array([employee, rider, "B"])).tolist() == [world.employee.pk, world.rider.pk, -1]
        assert len(snapshot._met) == 2  # the IDs the chunk met first (the rider was kept): the earlier ones forgotten
        assert snapshot.persons_of(pa.array([rider])).tolist() == [world.rider.pk]  # forgotten: matched again
        assert len(snapshot._met) == 1
    finally:
        snapshot.close()


def test_ids_with_the_same_hash_never_pass_for_each_other(world, monkeypatch):
    # every ID hashed alike: each hit is checked against the ID's text, and an ID not kept is matched again
    monkeypatch.setattr(registry_snapshot, "engine_hashes", lambda con, texts: np.zeros(len(texts), dtype=np.uint64))
    snapshot = RegistrySnapshot(world.platform.pk)
    try:
        rider, employee = world.rider.resident_id, world.employee.resident_id
        assert snapshot.persons_of(pa.array([rider, "A"])).tolist() == [world.rider.pk, -1]
        for _ in range(2):
            assert snapshot.persons_of(pa.array(["A", employee, rider, employee])).tolist() == [
                -1,
                world.employee.pk,
                world.rider.pk,
                world.employee.pk,
            ]
        assert len(snapshot._met) == 1  # the first ID met with that hash: the others are matched whenever met
    finally:
        snapshot.close()


def test_met_ids_are_found_by_hash_and_text():
    met = registry_snapshot.MetIds()
    met.add(pa.array(["B", "A", "C"]), np.array([9, 5, 5], dtype=np.uint64), np.array([2, 1, -1]))
    met.add(pa.array(["D", "E"]), np.array([7, 5], dtype=np.uint64), np.array([4, 3]))
    assert len(met) == 3  # "C" and "E" have the hash of "A": not kept
    found = met.find(pa.array(["A", "B", "C", "D", "E", "F"]), np.array([5, 9, 5, 7, 5, 1], dtype=np.uint64))
    unmet = registry_snapshot.UNMET
    assert found.tolist() == [1, 2, unmet, 4, unmet, unmet]


def test_a_platform_engaging_no_one_has_an_empty_snapshot(world):
    Engagement.objects.filter(organisation=world.platform).delete()
    snapshot = RegistrySnapshot(world.platform.pk)
    try:
        places = snapshot.places_of(pa.array([world.rider.resident_id, "NOBODY"]))
        assert places.tolist() == [-1, -1]
        assert snapshot.person_at(places).tolist() == [-1, -1]
        assert snapshot.sectors_at(places, np.array([0, 20_000])).tolist() == [0, 0]
        assert snapshot.workers().tolist() == []
    finally:
        snapshot.close()


def test_ids_kept_are_bounded_by_their_text_too(world, monkeypatch):
    monkeypatch.setattr(registry_snapshot, "KEEP_MATCHED_BYTES", 40)
    snapshot = RegistrySnapshot(world.platform.pk)
    try:
        long_ids = [f"{'X' * 30}{n}" for n in range(3)]
        assert snapshot.persons_of(pa.array(long_ids)).tolist() == [-1, -1, -1]
        assert len(snapshot._met) == 3  # over the bound now: the next new IDs make it forget these first
        assert snapshot.persons_of(pa.array([world.rider.resident_id])).tolist() == [world.rider.pk]
        assert len(snapshot._met) == 1
    finally:
        snapshot.close()
