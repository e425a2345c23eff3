"""Statuses and codes in words on the pages: an invoice's status, its month and province, the arrears
total with its legal basis, an order batch's status."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import replace as dataclass_replace

import pytest
from django.test import Client

from socsec.contributions.collection.outstanding import InvoiceStatus, invoices_of
from tests.contributions.test_ingest import MONTH
from tests.contributions.test_statements import assessed  # noqa: F401 - the fixture

YEAR, NUMBER = (int(x) for x in MONTH.split("-"))


def _client(world, role: str, language: str) -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(world.users[role])
    return client


def _row(html: str, css: str) -> str:
    found = re.search(r'<table class="' + css + r'">.*?<tbody>\s*(<tr>.*?</tr>)', html, re.S)
    assert found, html
    return found.group(1)


def _card(html: str) -> str:
    found = re.search(r'<li class="card invoice"[^>]*>(.*?)</li>', html, re.S)
    assert found, html
    return found.group(1)


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("zh-hans", ["账单 {pk} · " + f"{YEAR}年{NUMBER}月 · 广东省", "部分已缴", "当月首次开具的账单"]),
        (
            "en",
            [
                "Invoice {pk} · " + f"{calendar.month_name[NUMBER]} {YEAR} · Guangdong",
                "Partly paid",
                "First invoice of the month",
            ],
        ),
    ],
)
def test_an_invoice_reads_in_words(world, assessed, language, shown):  # noqa: F811
    card = _card(_client(world, "platform", language).get("/platform/invoices/").content.decode())
    heading = re.search(r"<h2>(.*?)</h2>", card, re.S).group(1)
    status = re.search(r'<span class="badge open">(.*?)</span>', card).group(1)
    kind = re.search(r'<span class="muted">(.*?)</span>', card).group(1)
    (state,) = invoices_of(platform=world.platform)
    assert [heading, status, kind] == [shown[0].format(pk=state.invoice.pk), *shown[1:]]
    assert MONTH not in card and "440000" not in card and "ORIGINAL" not in card


def test_an_invoice_status_is_worked_out_from_what_is_left(world, assessed):  # noqa: F811
    (state,) = invoices_of(platform=world.platform)
    assert (state.invoice.amount_cents, state.outstanding_cents, state.status) == (3, 1, InvoiceStatus.PART_PAID)
    late = dataclass_replace(state, today=state.invoice.due_on + dt.timedelta(days=1))
    assert late.status == InvoiceStatus.PART_PAID_OVERDUE
    assert dataclass_replace(late, outstanding_cents=3).status == InvoiceStatus.UNPAID_OVERDUE
    assert dataclass_replace(state, outstanding_cents=0).status == InvoiceStatus.PAID
    assert dataclass_replace(state, outstanding_cents=3).status == InvoiceStatus.UNPAID


def test_the_arrears_total_in_both_languages(world, assessed):  # noqa: F811
    (state,) = invoices_of(platform=world.platform)
    on = (state.invoice.due_on + dt.timedelta(days=10)).isoformat()
    zh = _client(world, "officer", "zh-hans").get(f"/officer/arrears/?on={on}").content.decode()
    total = re.search(r'<p id="arrears-total">(.*?)</p>', zh, re.S).group(1)
    assert total == (
        "逾期未缴账单 1 张：欠费 0.01 元，滞纳金 0.00 元"
        "（按日 0.05% 加收，依据《中华人民共和国社会保险法》第八十六条）。"
    )
    en = _client(world, "officer", "en").get(f"/officer/arrears/?on={on}").content.decode()
    total = re.search(r'<p id="arrears-total">(.*?)</p>', en, re.S).group(1)
    assert total == (
        "1 unpaid invoice past due: 0.01 yuan outstanding, 0.00 yuan late-payment surcharge "
        "(0.05% a day, Article 86 of the Social Insurance Law)."
    )


def test_the_workers_record_names_month_platform_and_province(world, assessed):  # noqa: F811
    page = _client(world, "worker", "zh-hans").get("/me/contributions/").content.decode()
    row = _row(page, "record")
    shown = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert [shown[0], shown[2], shown[3]] == [f"{YEAR}年{NUMBER}月", "RideGo", "广东省"]
    assert "440000" not in page and "ridego" not in page
