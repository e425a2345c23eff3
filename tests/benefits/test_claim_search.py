"""Claim search: every state, each filter, the order by date, and the whole count for paging."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.benefits.models import Claim
from socsec.benefits.search import ClaimSearch, claim_search

S = Claim.Status


def make_claims(world, n: int, status: str, first: dt.date, person=None) -> list[Claim]:
    """``n`` claims of one state on consecutive days from ``first`` (rows written directly: the search reads
    whatever state a claim reached)."""
    person = person or world.rider
    rows = [
        Claim(
            person=person,
            kind=Claim.Kind.OCCUPATIONAL_INJURY,
            status=status,
            event_date=first + dt.timedelta(days=i),
            engagement=world.rider_eng_platform if person == world.rider else None,
            reported_by=Claim.Reporter.WORKER,
            submitted_on=first + dt.timedelta(days=i + 1),
            decision_due=first + dt.timedelta(days=i + 20),
        )
        for i in range(n)
    ]
    return Claim.objects.bulk_create(rows)


def ids(qs) -> list[int]:
    return list(qs.values_list("id", flat=True))


@pytest.fixture
def claims(world, db):
    withdrawn = make_claims(world, 30, S.WITHDRAWN, dt.date(2025, 1, 1))
    paid = make_claims(world, 3, S.PAID, dt.date(2025, 6, 1))
    pension = Claim.objects.create(
        person=world.employee,
        kind=Claim.Kind.PENSION,
        status=S.REJECTED,
        event_date=dt.date(2025, 3, 1),
        reported_by=Claim.Reporter.OFFICER,
        submitted_on=dt.date(2025, 3, 2),
        decision_due=dt.date(2025, 4, 2),
    )
    return withdrawn, paid, pension


def test_closed_claims_are_found_with_the_whole_count(world, claims):
    withdrawn, paid, pension = claims
    found = claim_search(search=ClaimSearch())
    assert found.count() == 34
    newest = [paid[2].pk, paid[1].pk, paid[0].pk, pension.pk, withdrawn[29].pk]
    assert ids(found)[:5] == newest  # by submission, newest first: June, March, then January
    assert claim_search(search=ClaimSearch(status=S.WITHDRAWN)).count() == 30
    assert ids(claim_search(search=ClaimSearch(status=S.REJECTED))) == [pension.pk]
    oldest = claim_search(search=ClaimSearch(newest_first=False))
    assert ids(oldest)[:2] == [withdrawn[0].pk, withdrawn[1].pk]


def test_each_filter(world, claims):
    withdrawn, paid, pension = claims
    assert ids(claim_search(search=ClaimSearch(kind=Claim.Kind.PENSION))) == [pension.pk]
    by_event = ClaimSearch(date_field="event", date_from=dt.date(2025, 1, 29), date_to=dt.date(2025, 3, 1))
    assert ids(claim_search(search=by_event)) == [pension.pk, withdrawn[29].pk, withdrawn[28].pk]
    by_submission = ClaimSearch(date_from=dt.date(2025, 1, 30), date_to=dt.date(2025, 1, 31))
    assert ids(claim_search(search=by_submission)) == [withdrawn[29].pk, withdrawn[28].pk]
    assert claim_search(search=ClaimSearch(platform=world.platform.code)).count() == 33
    assert claim_search(search=ClaimSearch(platform=world.courier.code)).count() == 0
    assert ids(claim_search(search=ClaimSearch(person=str(world.employee.pk)))) == [pension.pk]
    assert ids(claim_search(search=ClaimSearch(person=str(paid[0].pk)))) == [paid[0].pk]  # the claim's number
    assert ids(claim_search(search=ClaimSearch(person=world.employee.name))) == [pension.pk]
    assert ids(claim_search(search=ClaimSearch(person=world.employee.resident_id))) == [pension.pk]
    assert claim_search(search=ClaimSearch(person="Nobody Here")).count() == 0


def test_the_api_pages_the_same_search(world, claims):
    from django.test import Client

    withdrawn, paid, pension = claims
    officer = Client(headers={"Accept-Language": "en"})
    officer.force_login(world.users["officer"])
    first = officer.get("/api/claims/search", {"status": "WITHDRAWN", "limit": 20})
    assert first.status_code == 200
    body = first.json()
    assert [c["id"] for c in body["items"]] == [c.pk for c in reversed(withdrawn)][:20]
    rest = officer.get("/api/claims/search", {"status": "WITHDRAWN", "limit": 20, "cursor": body["next_cursor"]}).json()
    assert ([c["id"] for c in rest["items"]], rest["next_cursor"]) == ([c.pk for c in reversed(withdrawn)][20:], None)
    by_person = officer.get("/api/claims/search", {"person": str(world.employee.pk)}).json()
    assert [c["id"] for c in by_person["items"]] == [pension.pk]
    bad = officer.get("/api/claims/search", {"status": "NOPE", "date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert bad.status_code == 422
    assert set(bad.json()["details"]["fields"]) == {"status", "date_to"}
    worker = Client()
    worker.force_login(world.users["worker"])
    assert worker.get("/api/claims/search").status_code == 403
