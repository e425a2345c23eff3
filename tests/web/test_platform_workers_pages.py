"""The platform's workers pages through Django's test client: the list as the platform declared its workers
(resident IDs masked), search and paging; registering a worker (each kind of bad input refused under its
field, in the reader's language, with nothing written); ending an engagement after a confirmation step,
the limits on the end shown as the field's error."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client

from socsec.registry.models import Engagement, Person
from tests.benefits.test_claims import injury
from tests.conftest import table_counts
from tests.contributions.test_ingest import DAY, TODAY, order, send
from tests.world import resident_id

NEW_ID = resident_id("440106", "19950607", 41)


def clerk(world, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users["platform"])
    return client


def field_error(page: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="id_{field}-error"[^>]*>(.*?)</p>', page, re.S)
    assert found, f"no error under {field}"
    return html.unescape(found.group(1)).strip()


def good_worker(**overrides: str) -> dict[str, str]:
    return {
        "resident_id": NEW_ID,
        "name": "赵六",
        "residence_region": "440100",
        "category": "MANAGED_NON_LABOUR",
        "sector": "RIDE_HAILING",
        "work_region": "440300",
        "start_date": "2026-02-01",
        "external_ref": "R-77",
        **overrides,
    }


# --- the list ---------------------------------------------------------------------------------------------


def test_the_list_shows_the_platforms_workers_masked_with_their_engagements(world):
    page = clerk(world).get("/platform/workers/")
    assert page.status_code == 200
    text = page.content.decode()
    assert re.findall(r'data-person="(\d+)"', text) == [str(x) for x in sorted([world.rider.pk, world.employee.pk])]
    rid = world.rider.resident_id
    assert f"{rid[:3]}***********{rid[-4:]}" in text and rid not in text  # masked as the API masks
    assert "张伟" in text and "李娜" in text and "王强" not in text  # the courier's and the agency's are not listed
    assert "Ride-hailing · Managed, not a labour relation · Shenzhen" in text
    assert 'class="pager"' not in text  # one page
    assert "/platform/workers/upload/" in text
    zh = clerk(world, "zh-hans").get("/platform/workers/").content.decode()
    assert "网约车 · 不完全符合确立劳动关系情形 · 深圳市" in zh
    assert "RIDE_HAILING" not in zh and "440300" not in zh


def test_search_by_whole_name_and_paging(world, monkeypatch):
    c = clerk(world)
    found = c.get("/platform/workers/", {"q": "李娜"}).content.decode()
    assert re.findall(r'data-person="(\d+)"', found) == [str(world.employee.pk)]
    assert "matching “李娜”" in found
    assert "Nobody matches." in c.get("/platform/workers/", {"q": "李"}).content.decode()  # whole names only
    monkeypatch.setattr("socsec.web.platform.workers.PAGE_SIZE", 1)
    first, second = sorted([world.rider.pk, world.employee.pk])
    one = c.get("/platform/workers/").content.decode()
    assert re.findall(r'data-person="(\d+)"', one) == [str(first)] and "Rows 1 to 1" in one
    assert 'rel="next" href="?page=2"' in one and 'rel="prev"' not in one
    two = c.get("/platform/workers/", {"page": "2"}, headers={"HX-Request": "true"}).content.decode()
    assert re.findall(r'data-person="(\d+)"', two) == [str(second)] and "Rows 2 to 2" in two
    assert 'rel="prev" href="?page=1"' in two and 'rel="next"' not in two
    assert "<html" not in two  # htmx gets the list only


def test_a_page_reads_the_same_queries_whatever_its_workers_and_keeps_the_search(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = clerk(world)

    def queries(size: str) -> int:
        with CaptureQueriesContext(connection) as seen:
            assert c.get("/platform/workers/", {"size": size}).status_code == 200
        return len(seen)

    queries("2")  # the session and caches warm
    assert queries("1") == queries("2")  # the engagements of the page in one query, not one per worker
    rid = world.rider.resident_id
    one = c.get("/platform/workers/", {"q": rid, "size": "1"}).content.decode()
    assert re.findall(r'data-person="(\d+)"', one) == [str(world.rider.pk)] and 'class="pager"' not in one
    zh = clerk(world, "zh-hans").get("/platform/workers/", {"size": "1", "page": "2"}).content.decode()
    assert re.findall(r'data-person="(\d+)"', zh) == [str(max(world.rider.pk, world.employee.pk))]
    assert "上一页" in zh and "第2至2行" in zh


@pytest.mark.parametrize("page", ["0", "-1", "x", "1.5", "９"])
def test_a_page_number_that_is_not_one_shows_the_first_page(world, page):
    text = clerk(world).get("/platform/workers/", {"page": page, "size": "1"}).content.decode()
    assert re.findall(r'data-person="(\d+)"', text) == [str(min(world.rider.pk, world.employee.pk))]
    assert "Rows 1 to 1" in text


def test_only_a_platform_reaches_the_pages(world):
    worker = Client()
    worker.force_login(world.users["worker"])
    assert worker.get("/platform/workers/").status_code == 403
    assert worker.post("/platform/workers/new/", good_worker()).status_code == 403
    assert worker.get(f"/platform/engagements/{world.rider_eng_platform.pk}/end/").status_code == 403
    # another platform's engagement answers as absent
    assert clerk(world).get(f"/platform/engagements/{world.rider_eng_courier.pk}/end/").status_code == 404


# --- registering ------------------------------------------------------------------------------------------


def test_registering_a_worker_and_their_engagement(world):
    c = clerk(world, "zh-hans")
    answer = c.post("/platform/workers/new/", good_worker())
    assert (answer.status_code, answer["Location"]) == (302, "/platform/workers/")
    person = Person.objects.with_resident_id(NEW_ID).get()
    assert (person.name, person.residence_region.code, person.birth_date, person.sex) == (
        "赵六",
        "440100",
        dt.date(1995, 6, 7),
        "M",
    )
    e = Engagement.objects.get(person=person)
    assert (e.organisation, e.category, e.sector, e.work_region.code, e.start_date, e.end_date, e.external_ref) == (
        world.platform,
        "MANAGED_NON_LABOUR",
        "RIDE_HAILING",
        "440300",
        dt.date(2026, 2, 1),
        None,
        "R-77",
    )
    listing = c.get("/platform/workers/").content.decode()
    assert "赵六已登记，自2026-02-01起与贵单位建立用工关系。" in listing
    assert f'data-person="{person.pk}"' in listing


def test_registering_through_htmx_redirects_or_swaps_the_form(world):
    c = clerk(world)
    refused = c.post("/platform/workers/new/", good_worker(resident_id="12"), headers={"HX-Request": "true"})
    assert refused.status_code == 200  # htmx swaps only 2xx answers
    assert refused.content.decode().lstrip().startswith('<form id="worker-form"')
    done = c.post("/platform/workers/new/", good_worker(), headers={"HX-Request": "true"})
    assert (done.status_code, done["HX-Redirect"]) == (204, "/platform/workers/")


BAD = [
    ("resident_id", {"resident_id": ""}, "This field is required.", "这个字段是必填项。"),
    ("resident_id", {"resident_id": "44010619950607"}, "A resident ID has 18 characters.", "居民身份证号码为18位。"),
    (
        "resident_id",
        {"resident_id": NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")},
        "The last character (the check digit) does not match: the number is mistyped.",
        "最后一位（校验码）不符：号码有误。",
    ),
    (
        "name",
        {"name": "赵\u202e六"},
        "Holds a control or formatting character, which is not accepted.",
        "含有不被接受的控制字符或格式字符。",
    ),
    (
        "work_region",
        {"work_region": "999999"},
        "Select a valid choice. 999999 is not one of the available choices.",
        "选择一个有效的选项。 999999 不在可用的选项中。",
    ),
    (
        "sector",
        {"sector": "BAKERY"},
        "Select a valid choice. BAKERY is not one of the available choices.",
        "选择一个有效的选项。 BAKERY 不在可用的选项中。",
    ),
    ("start_date", {"start_date": "2026-13-01"}, "Enter a valid date.", "输入一个有效的日期。"),
    (
        "start_date",  # refused by the service: under the minimum working age
        {"resident_id": resident_id("440106", "20150101", 5), "start_date": "2026-01-01"},
        "The worker is under 16 on 2026-01-01: the Labour Law (Article 15) does not allow it.",
        "该人员在2026-01-01未满16周岁（《中华人民共和国劳动法》第十五条）。",
    ),
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("field", "change", "english", "chinese"), BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_is_refused_under_its_field_and_writes_nothing(world, field, change, english, chinese, language):
    c = clerk(world, language)
    before = table_counts()
    answer = c.post("/platform/workers/new/", good_worker(**change))
    assert answer.status_code == 422
    text = answer.content.decode()
    assert field_error(text, field) == (english if language == "en" else chinese)
    assert f'aria-describedby="id_{field}-error"' in text
    assert table_counts() == before


def test_an_overlapping_engagement_is_refused_and_writes_nothing(world):
    c = clerk(world, "zh-hans")
    before = table_counts()
    again = good_worker(resident_id=world.rider.resident_id, name="张伟", start_date="2024-01-01")
    answer = c.post("/platform/workers/new/", again)
    assert answer.status_code == 422
    assert field_error(answer.content.decode(), "start_date") == "该劳动者在这些日期内已与贵单位存在用工关系。"
    assert table_counts() == before


# --- ending an engagement ---------------------------------------------------------------------------------


def end_url(engagement: Engagement) -> str:
    return f"/platform/engagements/{engagement.pk}/end/"


def test_ending_asks_for_confirmation_before_it_writes(world):
    c = clerk(world, "zh-hans")
    eng = world.rider_eng_platform
    form = c.get(end_url(eng)).content.decode()
    assert f'value="{TODAY.isoformat()}"' in form
    before = table_counts()
    review = c.post(end_url(eng), {"step": "review", "end_date": TODAY.isoformat()})
    assert review.status_code == 200
    text = review.content.decode()
    assert f"张伟的用工关系将于{TODAY.isoformat()}终止。" in text
    assert "此处无法撤销：重新开启用工关系或提前终止日期需由经办人员决定。" in text
    assert f'<input type="hidden" name="end_date" value="{TODAY.isoformat()}">' in text
    assert table_counts() == before  # the review writes nothing
    assert Engagement.objects.get(pk=eng.pk).end_date is None
    done = c.post(end_url(eng), {"step": "confirm", "end_date": TODAY.isoformat()})
    assert (done.status_code, done["Location"]) == (302, "/platform/workers/")
    assert Engagement.objects.get(pk=eng.pk).end_date == TODAY
    assert f"张伟的用工关系于{TODAY.isoformat()}终止。" in c.get("/platform/workers/").content.decode()


def test_an_end_before_the_start_is_refused(world):
    c = clerk(world)
    answer = c.post(end_url(world.rider_eng_platform), {"step": "review", "end_date": "2020-01-01"})
    assert answer.status_code == 422
    assert (
        field_error(answer.content.decode(), "end_date") == "2020-01-01 is before the engagement's start, 2022-09-01."
    )


@pytest.mark.parametrize("step", ["review", "confirm"])
def test_the_limits_on_the_end_are_the_fields_error_in_words(world, data_dir, platform, step):
    assert send(platform, [order(world, "a1")], "k1").status_code == 201
    eng = world.rider_eng_platform
    early = DAY - dt.timedelta(days=1)
    before = table_counts()
    en = clerk(world).post(end_url(eng), {"step": step, "end_date": early.isoformat()})
    assert en.status_code == 422
    assert field_error(en.content.decode(), "end_date") == (
        f"The engagement cannot end on {early.isoformat()}: you reported orders for this worker up to "
        f"{DAY.isoformat()}. Choose {DAY.isoformat()} or later; an earlier end needs an officer's decision."
    )
    zh = clerk(world, "zh-hans").post(end_url(eng), {"step": step, "end_date": early.isoformat()})
    assert field_error(zh.content.decode(), "end_date") == (
        f"用工关系不能于{early.isoformat()}终止：贵单位已申报该劳动者截至{DAY.isoformat()}的订单。"
        f"请选择{DAY.isoformat()}或之后的日期；更早的终止日期需由经办人员决定。"
    )
    assert table_counts() == before
    assert Engagement.objects.get(pk=eng.pk).end_date is None


def test_the_backdating_window_and_an_open_claim(world, data_dir):
    c = clerk(world, "zh-hans")
    eng = world.rider_eng_platform
    far = TODAY - dt.timedelta(days=31)
    earliest = TODAY - dt.timedelta(days=30)
    answer = c.post(end_url(eng), {"step": "review", "end_date": far.isoformat()})
    assert field_error(answer.content.decode(), "end_date") == (
        f"终止日期最多可向前追溯30天（至{earliest.isoformat()}）；{far.isoformat()}需由经办人员决定。"
    )
    injury(world)  # an open claim with its event on DAY
    early = DAY - dt.timedelta(days=1)
    answer = clerk(world).post(end_url(eng), {"step": "review", "end_date": early.isoformat()})
    assert field_error(answer.content.decode(), "end_date") == (
        f"The engagement cannot end on {early.isoformat()}: a claim on this work has its event on "
        f"{DAY.isoformat()}, and the claim is still open. Choose {DAY.isoformat()} or later; an earlier end "
        "needs an officer's decision."
    )
    assert Engagement.objects.get(pk=eng.pk).end_date is None
