"""Person ids are random: every way of registering a person draws one, a taken id is drawn again, and a
refusal for another reason (the resident ID already registered) is still that refusal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from socsec.core.errors import Conflict
from socsec.registry.ids import PERSON_ID_LIMIT
from socsec.registry.models import Person
from socsec.registry.services import person_register, persons_import
from tests.world import SYSTEM, resident_id


def _draws(monkeypatch: pytest.MonkeyPatch, ids: list[int]) -> Iterator[int]:
    drawn = iter(ids)
    monkeypatch.setattr("socsec.registry.services.persons.new_person_id", lambda: next(drawn))
    return drawn


def test_a_registration_that_draws_a_taken_id_draws_again(world, monkeypatch):
    drawn = _draws(monkeypatch, [world.rider.pk, world.freelancer.pk, 4_242_424_242])
    person = person_register(
        actor=SYSTEM, resident_id=resident_id("110105", "19920229", 17), name="赵敏", residence_region="110100"
    )
    assert person.pk == 4_242_424_242
    assert Person.objects.get(pk=4_242_424_242).name == "赵敏"
    assert next(drawn, None) is None
    world.rider.refresh_from_db()
    assert world.rider.name != "赵敏"


def test_a_known_resident_id_is_refused_as_such_not_redrawn(world, monkeypatch):
    drawn = _draws(monkeypatch, [77, 78, 79])
    with pytest.raises(Conflict) as caught:
        person_register(actor=SYSTEM, resident_id=world.rider.resident_id, name="x", residence_region="110100")
    assert caught.value.message == "a person with this resident ID is already registered"
    assert next(drawn) == 77  # refused before any id was drawn
    assert not Person.objects.filter(pk__in=[77, 78, 79]).exists()


def test_a_bulk_import_redraws_ids_taken_or_drawn_twice(world, monkeypatch):
    drawn = _draws(monkeypatch, [world.rider.pk, 501, 501, 502, 503])
    rows = [
        {"resident_id": resident_id("110105", "19920229", n), "name": f"人{n}", "residence_region": "110100"}
        for n in (11, 13, 15)
    ]
    people = persons_import(actor=SYSTEM, rows=rows)
    assert [p.pk for p in people] == [502, 501, 503]
    assert {p.pk: p.name for p in Person.objects.filter(pk__in=[501, 502, 503])} == {
        502: "人11",
        501: "人13",
        503: "人15",
    }
    assert next(drawn, None) is None


def test_imported_ids_are_in_range_and_not_in_registration_order(world):
    rows = [
        {"resident_id": resident_id("110105", "19900101", 2 * n + 1), "name": f"人{n}", "residence_region": "110100"}
        for n in range(20)
    ]
    ids = [p.pk for p in persons_import(actor=SYSTEM, rows=rows)]
    assert all(1 <= pk <= PERSON_ID_LIMIT for pk in ids)
    assert len(set(ids)) == 20
    # 20 uniform draws come out increasing with probability 1/20! (about 4e-19)
    assert ids != sorted(ids)
