"""The original retirement group at registration: on the officer's page (a choice, by default the sex's
first group, refused at its field in the reader's language when it is not one of the resident ID's sex) and
over the API (``POST /api/persons`` and ``POST /api/workers``, refused with the field named)."""

from __future__ import annotations

import json

import pytest

from socsec.registry.models import Person
from socsec.registry.validation import id_sex
from tests.web.test_person_register_page import client_as, counts
from tests.world import resident_id

WOMAN = resident_id("110105", "19760301", 22)  # a woman born 1976-03
MAN = resident_id("110105", "19800101", 13)
pytestmark = pytest.mark.django_db


def test_the_ids_used_are_a_woman_and_a_man() -> None:
    assert (id_sex(WOMAN), id_sex(MAN)) == ("F", "M")


def test_an_officer_registers_a_woman_worker_of_the_50_group(world):
    officer = client_as(world, "officer")
    page = officer.get("/officer/persons/new/").content.decode()
    assert '<label for="id_retirement_group">Original retirement group</label>' in page
    assert '<option value="WOMEN_50">women workers, 50 before the 2025 reform</option>' in page
    done = officer.post("/officer/persons/new/",
                        {"resident_id": WOMAN, "name": "钱芳", "residence_region": "110100",
                         "retirement_group": "WOMEN_50"})  # fmt: skip
    assert done.status_code == 302
    person = Person.objects.with_resident_id(WOMAN).get()
    assert (person.sex, person.retirement_group) == ("F", "WOMEN_50")


def test_without_a_choice_the_sex_gives_the_group(world):
    officer = client_as(world, "officer")
    officer.post("/officer/persons/new/", {"resident_id": MAN, "name": "周伟", "residence_region": "110100"})
    assert Person.objects.with_resident_id(MAN).get().retirement_group == "MEN_60"


def test_a_group_of_the_other_sex_is_refused_at_its_field_in_chinese_and_nothing_written(world):
    officer = client_as(world, "officer", "zh-hans")
    before = counts()
    answer = officer.post("/officer/persons/new/",
                          {"resident_id": MAN, "name": "周伟", "residence_region": "110100",
                           "retirement_group": "WOMEN_50"})  # fmt: skip
    page = answer.content.decode()
    assert answer.status_code == 422
    assert 'id="id_retirement_group-error">该居民身份证号码为男性：其组别为男性60岁。 </p>' in page
    assert "原法定退休年龄组别" in page and "女工人，改革前50岁退休" in page
    assert counts() == before
    answer = officer.post("/officer/persons/new/",
                          {"resident_id": WOMAN, "name": "钱芳", "residence_region": "110100",
                           "retirement_group": "MEN_60"})  # fmt: skip
    assert "该居民身份证号码为女性：其组别为女性55岁或女职工50岁。" in answer.content.decode()
    answer = officer.post("/officer/persons/new/",
                          {"resident_id": WOMAN, "name": "钱芳", "residence_region": "110100",
                           "retirement_group": "WOMEN_45"})  # fmt: skip
    assert answer.status_code == 422 and 'id="id_retirement_group-error"' in answer.content.decode()
    assert counts() == before


def _post(client, url: str, body: dict) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    response = client.post(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_the_api_takes_the_group_and_refuses_one_of_the_other_sex(world):
    officer = client_as(world, "officer")
    person = {"resident_id": WOMAN, "name": "钱芳", "residence_region": "110100", "retirement_group": "WOMEN_50"}
    code, answer = _post(officer, "/api/persons", {**person, "resident_id": MAN})
    assert (code, answer["field"]) == (422, "retirement_group")
    assert answer["details"]["fields"] == {
        "retirement_group": ["'WOMEN_50' is not a retirement group of sex M (MEN_60)."]
    }
    code, answer = _post(officer, "/api/persons", person)
    assert (code, answer["retirement_group"], answer["sex"]) == (201, "WOMEN_50", "F")
    job = {"category": "LABOUR_RELATION", "sector": "MANUFACTURING", "work_region": "110100",
           "start_date": "2026-03-01"}  # fmt: skip
    worker = {**person, "resident_id": MAN, "name": "周伟", "retirement_group": "MEN_60"}
    code, answer = _post(officer, "/api/workers", {"person": worker, "engagement": job, "organisation": "factory"})
    assert (code, answer["person"]["retirement_group"]) == (201, "MEN_60"), answer
