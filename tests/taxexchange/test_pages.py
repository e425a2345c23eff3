"""The tax exchange's pages: officers see the handovers and their results (htmx fragments, paged, in
zh-Hans and English); an employer sees what was collected per employee; nobody else sees them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from socsec.taxexchange.models import Handover
from tests.world import World

from .helpers import exchange, fetch, lines, send


@pytest.fixture
def collected(world: World, tmp_path: Path) -> Handover:
    """RideGo's month 2026-09 for two workers: the rider's contributions paid, the employee's unpaid."""
    ex = exchange(tmp_path, unpaid_persons=frozenset({world.employee.pk}))
    due = lines(world.platform.pk, world.rider.pk, "2026-09") + lines(world.platform.pk, world.employee.pk, "2026-09")
    send("2026-09", due, ex)
    fetch(ex)
    return Handover.objects.get()


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def test_the_officer_sees_each_handover_and_its_state(world: World, collected: Handover) -> None:
    officer = _client(world, "officer")
    en = officer.get("/officer/tax-exchange/", headers={"accept-language": "en"}).content.decode()
    assert "SSX-ridego-2026-09-1" in en and "Results received" in en and "5,664.00" in en
    zh = officer.get("/officer/tax-exchange/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "交税务机关征收的文件" in zh and "已收到结果" in zh
    fragment = officer.get("/officer/tax-exchange/", {"state": "SENT"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.startswith('<section id="tax-handovers">') and "SSX-ridego" not in html and "<html" not in html


def test_the_officer_sees_a_documents_results_a_page_at_a_time(world: World, collected: Handover) -> None:
    officer = _client(world, "officer")
    page = officer.get(f"/officer/tax-exchange/{collected.pk}/", {"size": 3}).content.decode()
    assert '<dd id="handover-counts">4 / 0 / 4</dd>' in page
    assert page.count('<tr><td><a href="/officer/persons/') == 3 and 'rel="next"' in page
    second = officer.get(
        f"/officer/tax-exchange/{collected.pk}/", {"size": 3, "page": 3}, headers={"HX-Request": "true"}
    )
    html = second.content.decode()
    assert html.startswith('<section id="tax-results"') and html.count("<tr><td><a href=") == 2
    assert officer.get("/officer/tax-exchange/999999/").status_code == 404


def test_the_employer_sees_paid_and_unpaid_per_employee(world: World, collected: Handover) -> None:
    employer = _client(world, "platform")
    page = employer.get("/platform/contributions-collected/", {"status": "UNPAID"}, headers={"accept-language": "en"})
    html = page.content.decode()
    assert page.status_code == 200 and html.count("<td>Unpaid</td>") == 4 and "<td>Paid</td>" not in html
    assert "李娜" in html and "张伟" not in html
    zh = employer.get("/platform/contributions-collected/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "已征收的缴费" in zh and zh.count("<td>未缴</td>") == 4


def test_others_are_refused(world: World, collected: Handover) -> None:
    assert _client(world, "worker").get("/officer/tax-exchange/").status_code == 403
    assert _client(world, "platform").get("/officer/tax-exchange/").status_code == 403
    assert _client(world, "officer").get("/platform/contributions-collected/").status_code == 403


def test_the_arrears_page_lists_employers_collected_short(world: World, collected: Handover) -> None:
    page = _client(world, "officer").get("/officer/arrears/", {"on": "2026-11-14"}, headers={"accept-language": "en"})
    html = page.content.decode()
    table = html[html.index('id="employer-arrears"') :]
    # the employee's 2,832 yuan unpaid since 15 October: 30 days x 0.05% = 42.48 yuan
    assert "RideGo" in table and "2,832.00" in table and "<td>30</td>" in table and "42.48" in table
