"""The auditor's trail page: filters by actor, object, action and dates with exact counts, paging through
all of it by id, the streamed CSV export with headers in the reader's language, before/after as a
difference in words (withheld fields named, never shown), and the reads of personal data it logs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client

from socsec.audit.models import AuditEntry, PersonalDataAccess
from socsec.audit.services import Actor, audit_record_many
from socsec.registry.models import Region
from socsec.registry.services import engagement_end
from tests.world import SYSTEM

CLERK = Actor(label="user:clerk")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def client_as(world, name: str, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[name])
    return client


def written_at(monkeypatch: pytest.MonkeyPatch, when: dt.datetime, count: int, action: str = "region.check") -> None:
    """``count`` entries by the clerk on the Shenzhen region, all at ``when``."""
    monkeypatch.setattr("socsec.audit.services.timezone.now", lambda: when)
    audit_record_many(actor=CLERK, action=action, instances=[Region.objects.get(code="440300")] * count)
    monkeypatch.undo()


def count_line(html: str) -> str:
    match = re.search(r'<p id="audit-count">(.*?)(<a |</p>)', html, re.S)
    assert match, html
    return match.group(1).strip()


def shown_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="audit-entry card" id="entry-(\d+)">', html)]


def link(html: str, rel: str) -> str | None:
    match = re.search(rf'<a href="\?([^"]*)" rel="{rel}">', html)
    return match.group(1).replace("&amp;", "&") if match else None


@pytest.fixture
def trail(world, monkeypatch):
    """120 entries by the clerk: 70 on 2026-03-01 and 50 on 2026-03-02 (Shanghai time)."""
    written_at(monkeypatch, dt.datetime(2026, 3, 1, 10, 0, tzinfo=SHANGHAI), 70)
    written_at(monkeypatch, dt.datetime(2026, 3, 2, 23, 30, tzinfo=SHANGHAI), 50, action="region.recheck")
    return world


def test_the_actor_filter_pages_through_every_entry_with_exact_positions(trail):
    auditor = client_as(trail, "auditor")
    clerk_ids = sorted(AuditEntry.objects.filter(actor_label="user:clerk").values_list("id", flat=True))[::-1]
    first = auditor.get("/audit/?actor=clerk").content.decode()
    assert count_line(first) == "Entries 1 to 50 of 120, the newest first."
    assert shown_ids(first) == clerk_ids[:50]
    assert link(first, "prev") is None
    region = Region.objects.get(code="440300")
    assert 'href="?actor=user%3Aclerk"' in first  # each entry links to the trail of its actor and of its record
    assert f'href="?object_type=registry.Region&amp;object_id={region.pk}"' in first
    second = auditor.get(f"/audit/?{link(first, 'next')}").content.decode()
    assert count_line(second) == "Entries 51 to 100 of 120, the newest first."
    assert shown_ids(second) == clerk_ids[50:100]
    third = auditor.get(f"/audit/?{link(second, 'next')}").content.decode()
    assert count_line(third) == "Entries 101 to 120 of 120, the newest first."
    assert shown_ids(third) == clerk_ids[100:]
    assert link(third, "next") is None
    back = auditor.get(f"/audit/?{link(third, 'prev')}").content.decode()
    assert shown_ids(back) == clerk_ids[50:100]
    assert count_line(back) == "Entries 51 to 100 of 120, the newest first."
    assert "actor=clerk" in link(third, "prev")  # the filters travel with the pages


def test_filters_by_action_object_and_dates_count_exactly(trail):
    auditor = client_as(trail, "auditor")
    region = Region.objects.get(code="440300")
    region_entries = AuditEntry.objects.filter(object_type="registry.Region", object_id=str(region.pk)).count()
    assert region_entries == 121  # the world's region.create and the clerk's 120
    cases = {
        "action=region.recheck": "Entries 1 to 50 of 50, the newest first.",
        f"object_type=registry.Region&object_id={region.pk}": "Entries 1 to 50 of 121, the newest first.",
        "since=2026-03-01&until=2026-03-01": "Entries 1 to 50 of 70, the newest first.",
        "since=2026-03-02&until=2026-03-02": "Entries 1 to 50 of 50, the newest first.",  # 23:30 local is the 2nd
        "actor=user:clerk&since=2026-03-01&until=2026-03-02": "Entries 1 to 50 of 120, the newest first.",
        "actor=clerk&action=region.check&until=2026-03-01": "Entries 1 to 50 of 70, the newest first.",
        "actor=nobody": "No entry matches these filters.",
        "since=2026-03-03&actor=clerk": "No entry matches these filters.",
    }
    for query, expected in cases.items():
        assert count_line(auditor.get(f"/audit/?{query}").content.decode()) == expected, query


def test_bad_filters_are_refused_with_the_field_and_the_reason(trail):
    auditor = client_as(trail, "auditor")
    page = auditor.get("/audit/?since=2026-03-02&until=2026-03-01&object_type=nothing.Such")
    html = page.content.decode()
    assert page.status_code == 422
    assert '<p class="error" id="id_until-error">The end date is before the start date.</p>' in html
    assert 'aria-describedby="id_until-error"' in html
    assert 'id="id_object_type-error"' in html
    assert "audit-entry" not in html
    chinese = client_as(trail, "auditor", "zh-hans").get("/audit/?since=2026-03-02&until=2026-03-01")
    assert "截止日期早于起始日期。" in chinese.content.decode()


def test_before_and_after_read_as_a_difference_in_words(world):
    engagement_end(
        actor=SYSTEM, engagement=world.rider_eng_courier, end_date=dt.date(2026, 9, 30), today=dt.date(2026, 10, 5)
    )
    entry = AuditEntry.objects.get(action="engagement.end")
    html = client_as(world, "auditor").get("/audit/?action=engagement.end").content.decode()
    block = html[html.index(f'id="entry-{entry.pk}"') :]
    block = block[: block.index("</li>")]
    rows = re.findall(
        r'<tr(?: class="withheld")? data-field="(\w+)"><th scope="row">(.*?)</th>\s*<td>(.*?)</td><td>(.*?)</td>', block
    )
    assert rows == [
        ("end_date", "end date", "<code>—</code>", "<code>2026-09-30</code>"),
        ("declared_name", "declared name", "<em>withheld</em>", "<em>withheld</em>"),
        ("declared_name_index", "declared name index", "<em>withheld</em>", "<em>withheld</em>"),
    ]
    assert "{&#x27;" not in block and "{'" not in block  # no raw dicts
    zh = client_as(world, "auditor", "zh-hans").get("/audit/?action=engagement.end").content.decode()
    assert '<th scope="row">结束日期</th>' in zh and "<em>不予记录</em>" in zh


def test_a_record_made_lists_its_fields_and_withholds_the_personal_ones(world):
    entry = AuditEntry.objects.filter(object_type="registry.Person", object_id=str(world.rider.pk)).earliest("id")
    html = (
        client_as(world, "auditor")
        .get(f"/audit/?object_type=registry.Person&object_id={world.rider.pk}")
        .content.decode()
    )
    block = html[html.index(f'id="entry-{entry.pk}"') :]
    block = block[: block.index("</li>")]
    fields = re.findall(r'data-field="(\w+)"', block)
    assert fields == [
        "id",
        "birth_date",
        "sex",
        "retirement_group",
        "residence_region_id",
        "created_at",
        "resident_id",
        "resident_id_index",
        "name",
        "name_index",
    ]
    assert world.rider.resident_id not in html and world.rider.name not in html


def test_reading_entries_about_a_person_is_logged_as_an_audit_read(world):
    before = PersonalDataAccess.objects.count()
    client_as(world, "auditor").get(f"/audit/?object_type=registry.Person&object_id={world.rider.pk}")
    reads = PersonalDataAccess.objects.order_by("id")[before:]
    assert [(r.person_id, r.purpose, r.what, r.actor_role) for r in reads] == [
        (world.rider.pk, "AUDIT", "audit trail", "AUDITOR")
    ]


def test_the_export_streams_the_whole_filtered_trail_with_headers_in_the_readers_language(trail):
    response = client_as(trail, "auditor").get("/audit/export.csv?actor=clerk&action=region.recheck")
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == [
        "Entry",
        "When",
        "Who",
        "Action",
        "Kind of record",
        "Record number",
        "Changes",
        "Before (as recorded)",
        "After (as recorded)",
        "Hash",
    ]
    assert len(rows) == 51
    ids = [int(r[0]) for r in rows[1:]]
    assert ids == sorted(AuditEntry.objects.filter(action="region.recheck").values_list("id", flat=True), reverse=True)
    first = rows[1]
    assert first[1:6] == ["2026-03-02T23:30:00+08:00", "user:clerk", "region.recheck", "region", first[5]]
    assert first[6].startswith("record number: — → ")
    zh = client_as(trail, "auditor", "zh-hans").get("/audit/export.csv?action=region.recheck")
    zh_rows = list(csv.reader(io.StringIO(b"".join(zh.streaming_content).decode("utf-8")[1:])))
    assert zh_rows[0][:6] == ["条目", "时间", "操作人", "操作", "记录类型", "记录编号"]
    assert zh_rows[1][4] == "地区"


def test_the_export_of_entries_about_persons_logs_the_reads(world):
    before = PersonalDataAccess.objects.count()
    response = client_as(world, "auditor").get("/audit/export.csv?object_type=registry.Person")
    b"".join(response.streaming_content)
    people = {world.rider.pk, world.employee.pk, world.freelancer.pk}
    reads = PersonalDataAccess.objects.order_by("id")[before:]
    assert {r.person_id for r in reads} >= people
    assert {(r.purpose, r.what) for r in reads} == {("AUDIT", "audit trail")}


def test_workers_and_platforms_cannot_read_or_export_the_trail(world):
    for name in ("worker", "platform"):
        client = client_as(world, name)
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export.csv").status_code == 403
