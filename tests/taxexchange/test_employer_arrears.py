"""An employer's own arrears, over the API (its token's organisation only; staff name one) and on its page
(in zh-Hans and English), paged by a cursor, as they stood on the day asked; the officers' arrears page
pages the employers' months too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from socsec.accounts.tokens import token_issue
from socsec.taxexchange.receipts import receipts_fetch
from tests.world import SYSTEM, World

from .helpers import exchange, fetch, lines, months, send

MONTHS = months("2026-06", 4)  # 2026-06 .. 2026-09


@pytest.fixture
def short(world: World, tmp_path: Path) -> None:
    """RideGo's months June to September, the employee's contributions unpaid each month; June paid late
    on 2026-10-20."""
    ex = exchange(tmp_path, unpaid_persons=frozenset({world.employee.pk}))
    for month in MONTHS:
        send(
            month,
            lines(world.platform.pk, world.rider.pk, month) + lines(world.platform.pk, world.employee.pk, month),
            ex,
        )
    fetch(ex)
    late = dt.date(2026, 10, 20)
    ex.pay_late(document_id="SSX-ridego-2026-06-1", receipt_id="R-6", paid_on=late, person_id=world.employee.pk)
    assert receipts_fetch(actor=SYSTEM, exchange=ex).receipts == 1


def _api(world: World, organisation: str = "platform") -> Client:
    _token, key = token_issue(actor=SYSTEM, organisation=getattr(world, organisation), name="arrears", scopes=["read"])
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_an_employer_reads_its_own_arrears_page_by_page(world: World, short: None) -> None:
    client = _api(world)
    first = client.get("/api/employers/arrears", {"on": "2026-11-14", "limit": 2})
    assert first.status_code == 200, first.content
    body = first.json()
    # June was paid on 2026-10-20: it is not in the arrears of 14 November
    assert [(a["month"], a["outstanding_cents"], a["days_late"]) for a in body["items"]] == [
        ("2026-07", 283_200, 91),  # due 2026-08-15
        ("2026-08", 283_200, 60),
    ]
    assert body["items"][0]["surcharge_cents"] == 12_886  # 283,200 x 0.05% x 91 = 12,885.6
    assert body["items"][0]["explanation"]["formula"] == "late_payment_surcharge_accrued"
    second = client.get("/api/employers/arrears", {"on": "2026-11-14", "limit": 2, "cursor": body["next_cursor"]})
    assert [a["month"] for a in second.json()["items"]] == ["2026-09"] and second.json()["next_cursor"] is None
    # on a day before June was paid, June is in the arrears, its surcharge to that day
    before = client.get("/api/employers/arrears", {"on": "2026-08-01"}).json()["items"]
    assert [(a["month"], a["outstanding_cents"], a["surcharge_cents"]) for a in before] == [
        ("2026-06", 283_200, 2_407)  # 17 days from 2026-07-15: 283,200 x 0.05% x 17 = 2,407.2
    ]
    june = client.get("/api/employers/arrears", {"on": "2026-10-25"}).json()["items"]
    assert [a["month"] for a in june] == ["2026-07", "2026-08", "2026-09"]  # June paid on 20 October


def test_others_see_no_employers_arrears_but_their_own(world: World, short: None) -> None:
    courier = _api(world, "courier")
    assert courier.get("/api/employers/arrears", {"on": "2026-11-14"}).json()["items"] == []
    named = courier.get("/api/employers/arrears", {"employer": "ridego"})
    assert named.status_code == 404
    assert _api(world).get("/api/employers/arrears", {"cursor": "nonsense"}).status_code == 422


def test_the_employer_page_in_both_languages_and_the_officers_page_paged(world: World, short: None) -> None:
    employer = Client()
    employer.force_login(world.users["platform"])
    en = employer.get("/employer/arrears/", {"on": "2026-11-14", "size": 2}, headers={"accept-language": "en"})
    html = en.content.decode()
    assert en.status_code == 200 and "2 months collected short past their payment day" in html
    assert "2,832.00" in html and "128.86" in html and 'rel="next"' in html and "2026-06" not in html
    zh = employer.get("/employer/arrears/", {"on": "2026-11-14"}, headers={"accept-language": "zh-hans"})
    text = zh.content.decode()
    assert "3 个月份过缴费日仍未足额征收" in text and "滞纳金于该日停止加收" in text
    officer = Client()
    officer.force_login(world.users["officer"])
    page = officer.get("/officer/arrears/", {"on": "2026-11-14", "size": 2}).content.decode()
    table = page[page.index('id="employer-arrears"') :]
    assert table.count('<tr><td><span class="name">') == 2 and "employer_after=" in table
    assert officer.get("/employer/arrears/").status_code in (403, 404)
