"""POST /api/workers answers a platform the same whether the resident ID was registered before (by the
agency or another platform) or not: no "person_created", no refusal of a name that differs from the
registered one, the person as the platform declared them."""

from __future__ import annotations

import json

from django.test import Client

from socsec.accounts.permissions import Principal, person_disclosure
from socsec.accounts.services import token_authenticate
from socsec.audit.models import AuditEntry
from socsec.registry.models import Person
from tests.world import resident_id

ENGAGEMENT = {"category": "CIVIL_LAW", "sector": "RIDE_HAILING", "work_region": "440300", "start_date": "2026-03-01"}


def register(c: Client, person: dict) -> tuple[int, dict]:
    body = json.dumps({"person": person, "engagement": ENGAGEMENT})
    response = c.post("/api/workers", body, content_type="application/json")
    return response.status_code, response.json()


def test_a_platform_cannot_tell_a_registered_resident_id_from_a_new_one(world):
    platform = Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    new = {"resident_id": resident_id("110105", "19920229", 17), "name": "赵敏", "residence_region": "110100"}
    known = {"resident_id": world.freelancer.resident_id, "name": "王某", "residence_region": "110100"}
    assert world.freelancer.name != "王某"
    platform_principal = Principal.of_token(token_authenticate(world.platform_token))
    answers = [register(platform, new), register(platform, known)]
    for (code, answer), sent in zip(answers, [new, known], strict=True):
        assert code == 201, answer
        assert answer["person_created"] is None
        declared = {k: answer["person"][k] for k in ("resident_id", "name", "residence_region")}
        shown = person_disclosure(platform_principal, answer["person"]["id"])
        assert declared == {
            "resident_id": shown.resident_id(sent["resident_id"]),
            "name": shown.name(sent["name"]),
            "residence_region": sent["residence_region"],
        }
        assert answer["engagement"]["organisation"] == "ridego"
    assert [sorted(a) for _, a in answers] == [["engagement", "person", "person_created"]] * 2
    world.freelancer.refresh_from_db()
    assert world.freelancer.name != "王某"  # the register keeps its name; the difference is on record
    assert AuditEntry.objects.filter(action="worker.name_differs").count() == 1


def test_a_person_id_tells_a_platform_nothing_of_when_the_person_was_registered(world):
    platform = Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    before = set(Person.objects.values_list("pk", flat=True))
    new = {"resident_id": resident_id("110105", "19920229", 17), "name": "赵敏", "residence_region": "110100"}
    known = {"resident_id": world.freelancer.resident_id, "name": world.freelancer.name, "residence_region": "110100"}
    (new_code, new_answer), (known_code, known_answer) = register(platform, new), register(platform, known)
    assert (new_code, known_code) == (201, 201)
    assert sorted(new_answer["person"]) == sorted(known_answer["person"])
    assert known_answer["person"]["id"] == world.freelancer.pk
    new_id = new_answer["person"]["id"]
    assert new_id not in before
    # a sequential id would be max + 1; a random one is, with probability 1 / (2**53 - 1)
    assert new_id != max(before) + 1
    assert 1 <= new_id < 2**53  # JavaScript clients read it exactly
    answers = [
        register(
            platform,
            {
                "resident_id": resident_id("110105", "19900101", 2 * n + 1),
                "name": f"人{n}",
                "residence_region": "110100",
            },
        )
        for n in range(20)
    ]
    assert [code for code, _ in answers] == [201] * 20
    ids = [answer["person"]["id"] for _, answer in answers]
    assert len(set(ids)) == 20
    # 20 random ids come out increasing with probability 1/20! (about 4.1e-19)
    assert ids != sorted(ids)


def test_staff_are_told_whether_the_person_was_created(world):
    officer = Client()
    officer.force_login(world.users["officer"])
    known = {"resident_id": world.freelancer.resident_id, "name": world.freelancer.name, "residence_region": "110100"}
    body = json.dumps({"person": known, "engagement": ENGAGEMENT, "organisation": "zipper"})
    response = officer.post("/api/workers", body, content_type="application/json")
    assert (response.status_code, response.json()["person_created"]) == (201, False)


def test_a_guessed_resident_id_shows_a_platform_only_what_it_declared(world):
    """Registering someone else's resident ID engages them, but the platform is then shown only the name
    and home region it declared, never the registry's, however it reads the person."""
    platform = Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    registered = (world.freelancer.name, world.freelancer.residence_region.code)
    assert registered == ("王强", "140100")
    guess = {"resident_id": world.freelancer.resident_id, "name": "Fake Name", "residence_region": "110100"}
    code, answer = register(platform, guess)
    assert code == 201, answer
    person_id = answer["person"]["id"]
    got = platform.get(f"/api/persons/{person_id}").json()
    assert (got["name"], got["residence_region"]) == ("Fake Name", "110100")
    listed = platform.get("/api/persons").json()["items"]
    assert [(x["name"], x["residence_region"]) for x in listed if x["id"] == person_id] == [("Fake Name", "110100")]
    # the registered name finds nobody
    assert platform.get("/api/persons", {"q": "王强"}).json() == {
        "items": [],
        "next_cursor": None,
    }  # the registered name finds nobody
    assert [x["id"] for x in platform.get("/api/persons", {"q": "fake  name"}).json()["items"]] == [person_id]
    page = Client()
    page.force_login(world.users["platform"])
    html = page.get(f"/officer/persons/{person_id}/").content.decode()
    assert "Fake Name" in html and "王强" not in html
    officer = Client()
    officer.force_login(world.users["officer"])
    assert officer.get(f"/api/persons/{person_id}").json()["name"] == "王强"  # the register is unchanged
    assert AuditEntry.objects.filter(action="worker.name_differs").count() == 1
