"""Every list page reads one bounded page (``socsec.web.paging``): the claims queue, a platform's and a
worker's claims, declared payments and person search show previous and next links that keep the filters,
in English and Chinese; the size asked is capped, and a bad page number shows the first."""

from __future__ import annotations

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from socsec.benefits.models import Claim
from socsec.registry.models import Region
from socsec.web.paging import PAGE_NUMBER_MAX, PAGE_SIZE_MAX, page_of
from tests.web.test_claim_pages import claim_ids, client_as, injury, pension


def page(query: str, size: int = 3):  # type: ignore[no-untyped-def]
    return page_of(RequestFactory().get("/x/?" + query), Region.objects.order_by("code"), size=size)


def test_a_page_reads_one_more_row_than_it_shows_and_keeps_the_filters(world):
    with CaptureQueriesContext(connection) as seen:
        first = page("kind=A&page=1")
    assert len(seen) == 1 and "LIMIT 4" in seen[0]["sql"]
    assert [r.code for r in first.items] == ["110000", "110100", "140000"]
    assert (first.has_previous, first.has_next, first.first_index, first.last_index) == (False, True, 1, 3)
    assert first.next_query == "kind=A&page=2"
    last = page("kind=A&page=3")
    assert [r.code for r in last.items] == ["440300"]
    assert (last.has_previous, last.has_next, last.previous_query) == (True, False, "kind=A&page=2")


def test_the_size_is_capped_and_a_bad_page_is_the_first(world):
    assert page(f"size={PAGE_SIZE_MAX + 1000}").size == PAGE_SIZE_MAX
    assert page("size=2").size == 2
    assert page("page=abc").number == page("page=-1").number == page("page=0").number == 1
    assert page(f"page={10**30}").number == PAGE_NUMBER_MAX
    assert page(f"page={10**30}").items == []


def test_the_claims_queue_pages_and_says_how_many_wait(world, data_dir):
    injured, retiring = injury(world), pension(world)
    officer = client_as(world, "officer")
    html = officer.get("/officer/claims/", {"size": "1"}).content.decode()
    assert claim_ids(html) == [injured.pk]
    assert "2 open claims, the most urgent first." in html
    assert '<a rel="next" href="?size=1&amp;page=2">Next page</a>' in html
    html = officer.get("/officer/claims/", {"size": "1", "page": "2"}).content.decode()
    assert claim_ids(html) == [retiring.pk]
    assert '<a rel="prev" href="?size=1&amp;page=1">Previous page</a>' in html and "Next page" not in html
    assert Claim.objects.count() == 2


def test_the_pager_in_chinese(world, data_dir):
    injury(world), pension(world)
    officer = client_as(world, "officer")
    html = officer.get("/officer/claims/", {"size": "1"}, headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "下一页" in html and "第1至1行" in html


def test_a_platforms_and_a_workers_claims_page(world, data_dir):
    mine = injury(world)
    html = client_as(world, "platform").get("/platform/claims/", {"size": "1"}).content.decode()
    assert claim_ids(html) == [mine.pk] and "Next page" not in html
    html = client_as(world, "worker").get("/me/claims/", {"page": "2"}).content.decode()
    assert claim_ids(html) == [] and "Previous page" in html


def test_person_search_pages(world):
    officer = client_as(world, "officer")
    html = officer.get("/officer/persons/", {"q": "张伟", "size": "1"}).content.decode()
    assert "1 person found" in html and "Next page" not in html
    assert officer.get("/officer/payments/", {"size": "5"}).status_code == 200
