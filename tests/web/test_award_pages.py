"""A worker's claim page shows each award's grade or level and what was paid on it, month by month, with
the day it was paid, in the reader's language."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from socsec.benefits.payments import pay_month
from tests.benefits.test_awards_and_payments import awarded
from tests.world import SYSTEM


def worker(world, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users["worker"])
    return client


def test_the_grade_and_the_payments_of_each_award(world, data_dir):
    claim = awarded(world, {"grade": 3, "care_level": 2})
    before = worker(world).get(f"/me/claims/{claim.pk}/").content.decode()
    assert before.count("Not paid yet: the next monthly payment run pays it.") == 3
    pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 2))
    page = worker(world).get(f"/me/claims/{claim.pk}/").content.decode()
    assert '<dd class="assessed-level">grade 3 (grade 1 is the most severe, grade 10 the least)</dd>' in page
    assert '<dd class="assessed-level">mostly unable to look after oneself</dd>' in page
    paid_on = f"{timezone.localdate():%Y-%m-%d}"  # the day the run was made
    for amount in ("103,500.00", "3,600.00"):
        assert f"<tr><td>2026-05</td><td>{paid_on}</td><td>{amount}</td></tr>" in page
    assert page.count('class="benefit-payments"') == 3 - page.count("Not paid yet")


def test_the_award_page_in_chinese(world, data_dir):
    claim = awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 2))
    page = worker(world, "zh-hans").get(f"/me/claims/{claim.pk}/").content.decode()
    assert "伤残等级" in page and "3级（1级最重，10级最轻）" in page
    assert "本项待遇的发放记录" in page
