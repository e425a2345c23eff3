"""A platform reads a person as it declared them, in one query (``person_as_declared``): the latest of its
declarations by id, an undeclared engagement after it changing nothing; a person it does not engage is
answered as a person that does not exist; the copy it is shown is never saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from socsec.core.errors import NotFound
from socsec.registry.models import Person
from socsec.registry.selectors import as_declared, person_as_declared
from socsec.registry.services import engagement_create
from tests.registry.test_search import declare
from tests.world import SYSTEM

pytestmark = pytest.mark.django_db


def _shown(world, person: Person) -> tuple[str, str]:
    shown = person_as_declared(person_id=person.pk, organisation=world.platform)
    assert as_declared([shown], world.platform)[0] is shown  # made for this reader: given back as it is
    again = as_declared([Person.objects.get(pk=person.pk)], world.platform)[0]
    assert (again.name, again.residence_region.code) == (shown.name, shown.residence_region.code)
    return shown.name, shown.residence_region.code


def engaged_undeclared(world, person: Person, start: dt.date, end: dt.date | None = None) -> None:
    """An engagement with the platform that declares no name (registered by the agency)."""
    engagement_create(
        actor=SYSTEM,
        person=person,
        organisation=world.platform,
        category="CIVIL_LAW",
        sector="RIDE_HAILING",
        work_region="440300",
        start_date=start,
        end_date=end,
    )


def test_the_latest_declaration_wins_and_an_undeclared_engagement_after_it_changes_nothing(world):
    person = world.freelancer
    registered = (person.name, person.residence_region.code)
    engaged_undeclared(world, person, dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert _shown(world, person) == registered  # engaged, never declared: as registered
    declare(world, person, "First Name", dt.date(2025, 1, 1))
    declare(world, person, "Second Name", dt.date(2024, 6, 1))  # an earlier start, a later declaration
    assert _shown(world, person) == ("Second Name", "440300")
    engaged_undeclared(world, person, dt.date(2026, 1, 1))
    assert _shown(world, person) == ("Second Name", "440300")
    assert Person.objects.get(pk=person.pk).name == registered[0]  # the register is unchanged


def test_a_person_not_engaged_is_answered_as_one_that_does_not_exist(world):
    with pytest.raises(NotFound):
        person_as_declared(person_id=world.freelancer.pk, organisation=world.platform)
    platform = Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    unknown = platform.get("/api/persons/1")
    not_engaged = platform.get(f"/api/persons/{world.freelancer.pk}")
    assert unknown.status_code == not_engaged.status_code == 404
    body = not_engaged.json()
    assert body == {**unknown.json(), "message": body["message"]}
    assert body["message"] == unknown.json()["message"].replace("1", str(world.freelancer.pk))


def test_the_copy_shown_is_never_saved(world):
    declare(world, world.freelancer, "Fake Name", dt.date(2025, 1, 1))
    shown = person_as_declared(person_id=world.freelancer.pk, organisation=world.platform)
    with pytest.raises(TypeError, match="never saved"):
        shown.save()
    listed = as_declared([world.freelancer], world.platform)[0]
    with pytest.raises(TypeError, match="never saved"):
        listed.save()
    assert Person.objects.get(pk=world.freelancer.pk).name == "王强"
