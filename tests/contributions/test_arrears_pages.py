"""Arrears a page at a time: the pages together are the arrears, in the order of platforms and then each
platform's oldest due first; only the platforms a page reaches are read; a cursor or a size this API did
not give is refused with the field at fault."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from socsec.contributions.collection.arrears import arrears, arrears_page
from socsec.contributions.models import AssessmentRun, Invoice
from socsec.registry.models import Region

ON = dt.date(2026, 6, 30)


def invoice(platform, cents: int, due: dt.date, month: str) -> Invoice:
    province = Region.objects.get(code="440000")
    run, _ = AssessmentRun.objects.get_or_create(
        month=month, sequence=1, defaults=dict(kind="ORIGINAL", lines_path="x", order_count=1, amount_cents=cents)
    )
    return Invoice.objects.create(
        run=run,
        platform=platform,
        province=province,
        month=month,
        order_count=1,
        amount_cents=cents,
        issued_on=due - dt.timedelta(days=15),
        due_on=due,
    )


@pytest.fixture
def late(world):
    """Three late invoices of the ride-hailing platform, two of the courier, made in a mixed order."""
    made = [
        invoice(world.courier, 300_000, dt.date(2026, 4, 15), "2026-03"),
        invoice(world.platform, 100_000, dt.date(2026, 5, 15), "2026-04"),
        invoice(world.platform, 200_000, dt.date(2026, 3, 15), "2026-02"),
        invoice(world.courier, 400_000, dt.date(2026, 3, 15), "2026-02"),
        invoice(world.platform, 500_000, dt.date(2026, 4, 15), "2026-03"),
    ]
    by_platform = sorted(made, key=lambda i: (i.platform_id, i.due_on, i.pk))
    return world, [i.pk for i in by_platform]


def officer(world) -> Client:
    client = Client()
    client.force_login(world.users["officer"])
    return client


def test_the_pages_together_are_the_arrears_in_the_order_of_platforms(late):
    world, order = late
    assert sorted(a.invoice.pk for a in arrears(on=ON)) == sorted(order)
    every = {a.invoice.pk: a for a in arrears(on=ON)}
    c, cursor, pages = officer(world), None, []
    while True:
        body = c.get(
            "/api/arrears", {"on": ON.isoformat(), "limit": 2, **({"cursor": cursor} if cursor else {})}
        ).json()
        pages.append([row["invoice"] for row in body["items"]])
        for row in body["items"]:
            assert (row["surcharge_cents"], row["outstanding_cents"], row["days_late"]) == (
                every[row["invoice"]].surcharge_cents,
                every[row["invoice"]].outstanding_cents,
                every[row["invoice"]].days_late,
            )
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == [order[0:2], order[2:4], order[4:5]]
    rows, more = arrears_page(on=ON, limit=5)
    assert ([a.invoice.pk for a in rows], more) == (order, False)


def test_a_platform_pages_its_own_and_no_one_elses(late):
    world, order = late
    platform = Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    own = [pk for pk in order if Invoice.objects.get(pk=pk).platform_id == world.platform.pk]
    first = platform.get("/api/arrears", {"on": ON.isoformat(), "limit": 2}).json()
    assert [row["invoice"] for row in first["items"]] == own[:2]
    rest = platform.get("/api/arrears", {"on": ON.isoformat(), "limit": 2, "cursor": first["next_cursor"]}).json()
    assert ([row["invoice"] for row in rest["items"]], rest["next_cursor"]) == (own[2:], None)
    courier = next(pk for pk in order if pk not in own)
    from socsec.api.responses import encode_cursor

    theirs = platform.get("/api/arrears", {"on": ON.isoformat(), "cursor": encode_cursor(courier)})
    assert theirs.status_code == 422
    assert theirs.json()["field"] == "cursor"


@pytest.mark.parametrize(
    ("query", "field"),
    [({"limit": "0"}, "limit"), ({"limit": "501"}, "limit"), ({"limit": "x"}, "limit"), ({"cursor": "nope"}, "cursor")],
)
def test_a_bad_page_is_refused_with_its_field(late, query, field):
    world, _ = late
    answer = officer(world).get("/api/arrears", {"on": ON.isoformat(), **query})
    assert answer.status_code == 422
    body = answer.json()
    assert field in (body.get("field") or "") or field in str(body.get("details"))


def test_a_page_reads_only_the_platforms_it_reaches(late):
    world, order = late

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as seen:
            arrears_page(on=ON, limit=limit)
        return len(seen)

    one_platform = queries(1)  # the first platform has enough for the page and one more
    assert queries(2) == one_platform
    assert queries(5) > one_platform  # the second platform is read too


def invoices_shown(html: str) -> list[int]:
    import re

    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [int(pk) for pk in re.findall(r"<tr><td>(\d+)</td>", body)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_officer_page_pages_with_the_next_invoice_and_says_its_totals_are_the_pages(late, language):
    world, order = late
    c = officer(world)
    first = c.get("/officer/arrears/", {"on": ON.isoformat(), "size": "2"}, headers={"Accept-Language": language})
    html = first.content.decode()
    assert invoices_shown(html) == order[:2]
    assert f'rel="next" href="?on={ON.isoformat()}&amp;size=2&amp;after={order[1]}"' in html
    assert 'rel="first"' not in html
    assert ("These totals are of this page." if language == "en" else "以上合计仅为本页。") in html
    last = c.get(
        "/officer/arrears/",
        {"on": ON.isoformat(), "size": "2", "after": str(order[3])},
        headers={"Accept-Language": language},
    ).content.decode()
    assert invoices_shown(last) == order[4:]
    assert 'rel="next"' not in last and f'rel="first" href="?on={ON.isoformat()}&amp;size=2"' in last
    assert ("First page" if language == "en" else "第一页") in last


@pytest.mark.parametrize("after", ["x", "-1", "99999999"])
def test_the_officer_page_after_an_invoice_not_there_starts_from_the_first(late, after):
    world, order = late
    html = officer(world).get("/officer/arrears/", {"on": ON.isoformat(), "after": after}).content.decode()
    assert invoices_shown(html) == order
    assert "These totals are of this page." not in html
