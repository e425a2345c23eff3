"""The platform's invoices page: each invoice's lines (province and sector by name, orders, per-order amount,
amount), its status in words, what was paid and what is left, how to pay it, and the statement's CSV link;
in English and in Chinese."""

from __future__ import annotations

import calendar
import html
import re

from django.test import Client

from socsec.contributions.assessment.runs import assessment_run
from socsec.contributions.collection.invoice_lines import InvoiceLine, invoice_lines
from socsec.contributions.collection.payments import payment_record
from socsec.contributions.models import Invoice
from tests.contributions.test_ingest import DAY, MONTH, TODAY, order, send
from tests.world import SYSTEM


def clerk(world, language: str) -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users["platform"])
    return client


def card(page: str, invoice: Invoice) -> str:
    found = re.search(rf'<li class="card invoice" data-invoice="{invoice.pk}">(.*?)</li>', page, re.S)
    assert found, f"invoice {invoice.pk} is not on the page"
    return found.group(1)


def cells(fragment: str, row_class: str) -> list[list[str]]:
    rows = re.findall(rf'<tr class="{row_class}">(.*?)</tr>', fragment, re.S)
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
        for r in rows
    ]


def text_of(fragment: str) -> str:
    """The text as read: inline marks (names, codes) run on with their sentence, other tags part words."""
    inline = re.sub(r"</?(?:span|code|strong|em|a)\b[^>]*>", "", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def three_then_two(world, platform) -> tuple[Invoice, Invoice]:
    """3 orders invoiced, then 2 late ones: an original invoice and an adjustment."""
    send(platform, [order(world, f"a{i}") for i in range(3)], "k1")
    first = assessment_run(actor=SYSTEM, month=MONTH, today=TODAY).invoices[0]
    send(platform, [order(world, "late1"), order(world, "late2")], "k2")
    second = assessment_run(actor=SYSTEM, month=MONTH, today=TODAY).invoices[0]
    return first, second


def test_the_lines_of_an_original_and_an_adjustment_invoice(world, data_dir, platform):
    first, second = three_then_two(world, platform)
    from decimal import Decimal

    assert invoice_lines(first) == [InvoiceLine("RIDE_HAILING", 3, Decimal("0.01"), 3)]
    assert invoice_lines(second) == [InvoiceLine("RIDE_HAILING", 2, Decimal("0.01"), 2)]  # the difference only
    send(platform, [{"order_id": oid, "action": "VOID", "order_date": DAY.isoformat()} for oid in ("a0", "a1")], "k3")
    credit = assessment_run(actor=SYSTEM, month=MONTH, today=TODAY).invoices[0]
    assert invoice_lines(credit) == [InvoiceLine("RIDE_HAILING", -2, Decimal("0.01"), -2)]


def test_the_invoices_page_in_english(world, data_dir, platform):
    first, second = three_then_two(world, platform)
    payment_record(
        actor=SYSTEM, platform=world.platform, amount_cents=4, received_on=TODAY, reference="B-1", source="t"
    )
    page = clerk(world, "en").get("/platform/invoices/").content.decode()
    one, two = card(page, first), card(page, second)
    assert cells(one, "line") == [["Guangdong", "Ride-hailing", "3", "0.01", "0.03"]]
    assert cells(two, "line") == [["Guangdong", "Ride-hailing", "2", "0.01", "0.02"]]
    year, number = (int(x) for x in MONTH.split("-"))
    assert f"Invoice {first.pk} · {calendar.month_name[number]} {year} · Guangdong" in text_of(one)
    assert '<span class="badge paid">Paid</span>' in one and "First invoice of the month" in text_of(one)
    assert '<span class="badge open">Partly paid</span>' in two
    assert "Adjustment after late or corrected orders" in text_of(two)
    facts = text_of(two)
    due = second.due_on.isoformat()
    assert (
        f"Amount 0.02 yuan Paid or credited 0.01 yuan Left to pay 0.01 yuan Issued {TODAY.isoformat()} Due {due}"
        in facts
    )
    assert f"Pay 0.01 yuan to account 6222 0000 1234 5678 901 by {due}, quoting the reference INV-{second.pk}." in facts
    assert "Pay " not in text_of(one)  # nothing left to pay on the first
    how = text_of(re.search(r'<section class="card pay-how".*?</section>', page, re.S).group(0))
    assert "Account 6222 0000 1234 5678 901 Account name Social Insurance Fund Collection Account (demo)" in how
    assert "Bank Demo Bank, Beijing Branch Payer RideGo, platform code ridego" in how
    assert "matched to your payments by the payer and the reference" in how
    year = TODAY.year
    link = f'href="/platform/statement/?start={year}-01-01&amp;end={TODAY.isoformat()}&amp;format=csv"'
    assert link in page
    csv = clerk(world, "en").get(html.unescape(link[6:-1]))
    assert (csv.status_code, csv["Content-Type"]) == (200, "text/csv; charset=utf-8")


def test_the_invoices_page_in_chinese(world, data_dir, platform):
    first, second = three_then_two(world, platform)
    page = clerk(world, "zh-hans").get("/platform/invoices/").content.decode()
    one = card(page, first)
    assert cells(one, "line") == [["广东省", "网约车", "3", "0.01", "0.03"]]
    year, number = (int(x) for x in MONTH.split("-"))
    assert f"账单 {first.pk} · {year}年{number}月 · 广东省" in text_of(one)
    assert '<span class="badge open">未缴</span>' in one and "当月首次开具" in text_of(one)
    due = first.due_on.isoformat()
    assert f"请于{due}前向账户 6222 0000 1234 5678 901 支付0.03元，并注明参考号 INV-{first.pk}。" in text_of(one)
    how = text_of(re.search(r'<section class="card pay-how".*?</section>', page, re.S).group(0))
    assert "账户名称 社会保险基金收入户（演示） 开户银行 演示银行北京分行" in how
    for code in ("RIDE_HAILING", "440000", "ORIGINAL", "ADJUSTMENT"):
        assert code not in page


def test_an_unreadable_lines_file_leaves_the_totals(world, data_dir, platform):
    first, _second = three_then_two(world, platform)
    (data_dir / first.run.lines_path).unlink()
    assert invoice_lines(first) is None
    page = clerk(world, "en").get("/platform/invoices/").content.decode()
    assert "The lines of this invoice cannot be read now; its total stands." in text_of(card(page, first))


def test_each_status_in_words():
    import datetime as dt
    from types import SimpleNamespace

    from django.utils import translation

    from socsec.contributions.collection.outstanding import InvoiceState
    from socsec.web.platform.invoices import invoice_status

    today = dt.date(2026, 5, 10)

    def status(amount: int, left: int, due: dt.date) -> tuple[str, str]:
        return invoice_status(InvoiceState(SimpleNamespace(amount_cents=amount, due_on=due), left), today)  # type: ignore[arg-type]

    later, earlier = dt.date(2026, 5, 11), dt.date(2026, 5, 9)
    with translation.override("en"):
        assert [
            status(-5, 0, later),
            status(0, 0, later),
            status(5, 0, earlier),
            status(5, 2, later),
            status(5, 2, earlier),
            status(5, 5, later),
            status(5, 5, earlier),
        ] == [
            ("Credit note: taken off your oldest unpaid invoices", "credit"),
            ("Nothing to pay", "paid"),
            ("Paid", "paid"),
            ("Partly paid", "open"),
            ("Partly paid, overdue", "overdue"),
            ("Unpaid", "open"),
            ("Unpaid, overdue", "overdue"),
        ]
    with translation.override("zh-hans"):
        assert status(5, 2, earlier) == ("部分缴纳，已逾期", "overdue")
