"""A person's resident ID and name in API answers and on pages, per role: the worker and officers see
them in full (an officer in a list of persons sees both masked, reading one person in full), a platform
sees the ID masked and the name (its own worker), supervisors and auditors see both masked."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.api.test_permission_matrix import client_for
from tests.world import resident_id

RIDER_ID = resident_id("110105", "19900315", 11)
MASKED_ID = RIDER_ID[:3] + "*" * 11 + RIDER_ID[-4:]


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("worker", (RIDER_ID, "张伟")),
        ("officer", (RIDER_ID, "张伟")),
        ("platform", (MASKED_ID, "张伟")),
        ("supervisor", (MASKED_ID, "张*")),
        ("auditor", (MASKED_ID, "张*")),
    ],
)
def test_a_person_as_each_role_sees_them(world, role, shown):
    assert world.rider.resident_id == RIDER_ID
    body = client_for(world, role).get(f"/api/persons/{world.rider.pk}").json()
    assert (body["resident_id"], body["name"]) == shown


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("platform", (MASKED_ID, "张伟")),
        ("officer", (MASKED_ID, "张*")),  # in full only when the one person is read
        ("supervisor", (MASKED_ID, "张*")),
        ("auditor", (MASKED_ID, "张*")),
    ],
)
def test_the_search_masks_for_every_reader_but_a_platform_its_workers_names(world, role, shown):
    found = client_for(world, role).get(f"/api/persons?q={RIDER_ID}").json()["items"]
    assert [(p["resident_id"], p["name"]) for p in found] == [shown]


def test_an_officer_pages_through_the_register_masked_and_reads_one_person_in_full(world):
    from socsec.core.masking import mask_name, mask_resident_id
    from socsec.registry.models import Person

    officer = client_for(world, "officer")
    listed = officer.get("/api/persons?q=&limit=500").json()["items"]
    everyone = Person.objects.order_by("id")
    assert [(p["id"], p["resident_id"], p["name"]) for p in listed] == [
        (x.pk, mask_resident_id(x.resident_id), mask_name(x.name)) for x in everyone
    ]
    assert all(p["resident_id"] != x.resident_id for p, x in zip(listed, everyone, strict=True))
    one = officer.get(f"/api/persons/{world.rider.pk}").json()
    assert (one["resident_id"], one["name"]) == (RIDER_ID, "张伟")


def test_a_platform_registering_a_worker_gets_the_id_back_masked(world):
    rid = resident_id("110105", "19920229", 17)
    body = {
        "person": {"resident_id": rid, "name": "赵敏", "residence_region": "110100"},
        "engagement": {
            "category": "CIVIL_LAW",
            "sector": "RIDE_HAILING",
            "work_region": "440300",
            "start_date": "2026-03-01",
        },
    }
    answer = client_for(world, "platform").post("/api/workers", json.dumps(body), content_type="application/json")
    assert answer.status_code == 201, answer.content
    person = answer.json()["person"]
    assert (person["resident_id"], person["name"]) == (rid[:3] + "*" * 11 + rid[-4:], "赵敏")


@pytest.mark.parametrize(("role", "name"), [("officer", "张伟"), ("supervisor", "张*"), ("auditor", "张*")])
def test_the_person_page_shows_the_name_as_the_role_may_see_it(world, role, name):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(world.users[role])
    page = client.get(f"/officer/persons/{world.rider.pk}/").content.decode()
    assert f'<h1><span class="name">{name}</span></h1>' in page
    assert MASKED_ID in page and RIDER_ID not in page  # pages show the masked ID to every role
    results = client.get(f"/officer/persons/?q={RIDER_ID}").content.decode()
    assert f'><span class="name">{name}</span></a>' in results and RIDER_ID not in results.replace(
        f"q={RIDER_ID}", ""
    ).replace(f'value="{RIDER_ID}"', "")


@pytest.mark.parametrize(("role", "name"), [("officer", "张伟"), ("supervisor", "张*"), ("auditor", "张*")])
def test_the_claim_pages_show_the_name_as_the_role_may_see_it(world, role, name):
    from tests.web.test_claim_pages import injury

    claim = injury(world)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(world.users[role])
    page = client.get(f"/officer/claims/{claim.pk}/").content.decode()
    assert f'<h1><span class="name">{name}</span> · ' in page
    queue = client.get("/officer/claims/").content.decode()
    assert f'><span class="name">{name}</span></a></td>' in queue
