"""A worker's record a page at a time: the pages together are the record, in its order, whatever the page
size; a page reads only the months it reaches; a cursor or size this API did not give is refused with the
field at fault."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from socsec.contributions import record_pages
from socsec.contributions.own.payments import own_contribution_pay
from socsec.contributions.record_pages import contribution_record_page
from socsec.contributions.statements import contribution_record
from tests.world import SYSTEM


@pytest.fixture
def paid(world):
    """The rider's own contributions: two schemes in some months, across two years."""
    for year, month in ((2025, 1), (2025, 2), (2025, 5), (2026, 1), (2026, 3)):
        for scheme in ("EMPLOYEE_PENSION", "MEDICAL"):
            if scheme == "MEDICAL" and month == 2:
                continue
            own_contribution_pay(
                actor=SYSTEM,
                person=world.rider,
                scheme=scheme,
                period_start=dt.date(year, month, 1),
                months=1,
                declared_base_cents=1000000,
                today=dt.date(year, month, 2),
            )
    return world


def pages(person_id: int, limit: int) -> list[list]:
    out, after = [], None
    while True:
        page = contribution_record_page(person_id=person_id, after=after, limit=limit)
        out.append(page.lines)
        if page.next_place is None:
            return out
        after = page.next_place


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 100])
def test_the_pages_together_are_the_record(paid, limit):
    record = contribution_record(person_id=paid.rider.pk)
    assert len(record) >= 9
    got = pages(paid.rider.pk, limit)
    assert [line for page in got for line in page] == record
    assert [len(page) for page in got[:-1]] == [limit] * (len(got) - 1) and 0 < len(got[-1]) <= limit


def test_a_page_reads_only_the_months_it_reaches(paid, monkeypatch):
    monkeypatch.setattr(record_pages, "MONTHS_READ", 2)
    read: list[list[str]] = []
    real = record_pages.contribution_record

    def spy(*, person_id, months):
        read.append(list(months))
        return real(person_id=person_id, months=months)

    monkeypatch.setattr(record_pages, "contribution_record", spy)
    first = contribution_record_page(person_id=paid.rider.pk, after=None, limit=1)
    assert read == [["2025-01", "2025-02"]]
    read.clear()
    contribution_record_page(person_id=paid.rider.pk, after=first.next_place, limit=1)
    assert read == [["2025-01", "2025-02"]]  # the rest of January


def test_the_api_pages_the_record(paid):
    worker = Client()
    worker.force_login(paid.users["worker"])
    record = [line.__dict__ for line in contribution_record(person_id=paid.rider.pk)]
    got, cursor = [], None
    while True:
        body = worker.get("/api/me/contributions", {"limit": 4, **({"cursor": cursor} if cursor else {})}).json()
        got.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert got == [record[i : i + 4] for i in range(0, len(record), 4)]


@pytest.mark.parametrize(
    ("query", "field"), [({"limit": "0"}, "limit"), ({"limit": "501"}, "limit"), ({"cursor": "x!"}, "cursor")]
)
def test_a_bad_page_is_refused_with_its_field(paid, query, field):
    worker = Client()
    worker.force_login(paid.users["worker"])
    answer = worker.get("/api/me/contributions", query)
    assert answer.status_code == 422
    body = answer.json()
    assert field in (body.get("field") or "") or field in str(body.get("details"))
