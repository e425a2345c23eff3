"""The officer's page to register a person: the same service as POST /api/persons, refusals at their
field in the reader's language with nothing written, a duplicate linked to the person who has the ID."""

from __future__ import annotations

from django.test import Client

from socsec.audit.models import AuditEntry
from socsec.registry.models import Person
from tests.world import resident_id


def client_as(world, name: str, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[name])
    return client


def counts() -> tuple[int, int]:
    return Person.objects.count(), AuditEntry.objects.count()


def test_an_officer_registers_a_person_and_the_id_gives_birth_and_sex(world):
    officer = client_as(world, "officer")
    page = officer.get("/officer/persons/new/").content.decode()
    assert '<label for="id_resident_id">Resident ID number</label>' in page
    assert '<option value="110100">Beijing · Beijing city</option>' in page
    rid = resident_id("110105", "20010203", 45)
    done = officer.post("/officer/persons/new/", {"resident_id": rid, "name": "王小明", "residence_region": "110100"})
    person = Person.objects.with_resident_id(rid).get()
    assert (done.status_code, done["Location"]) == (302, f"/officer/persons/{person.pk}/")
    assert (person.name, person.birth_date.isoformat(), person.sex, person.residence_region.code) == (
        "王小明",
        "2001-02-03",
        "M",
        "110100",
    )
    assert AuditEntry.objects.filter(action="person.register", object_id=str(person.pk)).count() == 1


def test_a_mistyped_resident_id_is_refused_at_its_field_in_chinese_and_nothing_is_written(world):
    officer = client_as(world, "officer", "zh-hans")
    good = resident_id("110105", "20010203", 45)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    before = counts()
    answer = officer.post("/officer/persons/new/", {"resident_id": bad, "name": "王小明", "residence_region": ""})
    page = answer.content.decode()
    assert answer.status_code == 422
    assert '<p class="error" role="alert" id="id_resident_id-error">校验码不符：号码有误，请核对。 </p>' in page
    assert 'aria-describedby="id_resident_id-hint id_resident_id-error"' in page
    assert 'id="id_residence_region-error">这个字段是必填项。' in page
    assert counts() == before


def test_a_registered_id_is_refused_with_a_link_to_the_person(world):
    officer = client_as(world, "officer")
    before = counts()
    answer = officer.post(
        "/officer/persons/new/",
        {"resident_id": world.rider.resident_id, "name": "Someone Else", "residence_region": "110100"},
    )
    page = answer.content.decode()
    assert answer.status_code == 409
    assert (
        f'A person with this resident ID number is already registered. <a href="/officer/persons/{world.rider.pk}/">'
        "Open their record</a>"
    ) in page
    assert counts() == before


def test_only_officers_and_supervisors_register(world):
    auditor = client_as(world, "auditor")
    assert auditor.get("/officer/persons/new/").status_code == 403
    assert auditor.post("/officer/persons/new/", {"resident_id": "x"}).status_code == 403
