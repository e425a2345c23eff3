"""The officers' view of provider payments paid but not booked (the money owed back) and of refused
callbacks, in both languages; staff only."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import timezone

from tests.contributions.test_checkout import callback, post, start


def client_as(world, name: str, language: str) -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[name])
    return client


def rows(html: str, table: str) -> list[list[str]]:
    body = html.split(f'<table id="{table}">')[1].split("</table>")[0].split("<tbody>")[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_officers_see_the_money_owed_back_and_the_refused_callbacks_in_both_languages(world):
    empty = client_as(world, "officer", "zh-hans").get("/officer/provider-payments/").content.decode()
    assert rows(empty, "failed") == [["没有待退款的付款。"]] and rows(empty, "rejected") == [["没有被拒绝的回调。"]]
    payment = start(world)
    assert post(*callback(payment, "CANCELLED"))[0] == 200
    paid = callback(payment)
    assert post(*paid)[0] == 200  # paid after it was cancelled: FAILED, owed back
    assert post(*paid)[0] == 400  # the same again: refused as a replay
    zh = client_as(world, "officer", "zh-hans").get("/officer/provider-payments/")
    html = zh.content.decode()
    assert zh.status_code == 200 and "<h1>待处理的支付机构付款</h1>" in html
    month = f"{payment.period_start:%Y-%m}"
    settled = timezone.localtime(payment.__class__.objects.get(pk=payment.pk).settled_at)
    assert rows(html, "failed") == [
        [world.rider.name, payment.reference, "2,400.00", f"{month} × 1", f"{settled:%Y-%m-%d %H:%M}"]
    ]
    assert [r[1:] for r in rows(html, "rejected")] == [["local", payment.reference, "此前已发送过，或该付款已结算"]]
    en = client_as(world, "auditor", "en").get("/officer/provider-payments/").content.decode()
    assert "<h1>Provider payments to review</h1>" in en
    assert [r[3] for r in rows(en, "rejected")] == ["sent before, or the payment is settled already"]
    assert client_as(world, "worker", "en").get("/officer/provider-payments/").status_code == 403
    assert client_as(world, "platform", "en").get("/officer/provider-payments/").status_code == 403
