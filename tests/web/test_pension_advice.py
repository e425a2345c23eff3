"""The pension estimate says what to do when the months on record fall short of the minimum for a monthly
pension (Social Insurance Law Art. 16): how many are missing, pay as a flexible worker from the page, go on
paying after the age, or move to the residents' pension; in both languages."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from socsec.benefits.selectors import pension_estimate


def page(world, language: str, query: str) -> str:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users["worker"])
    return client.get(f"/me/pension-estimate/{query}").content.decode()


def test_months_short_say_what_to_do(world):
    e = pension_estimate(person=world.rider, today=timezone.localdate(), months_per_year=0)
    assert (e.months_on_record, e.months_to_come, e.minimum_months) == (0, 0, 240)  # retiring after 2039: 20 years
    text = page(world, "en", "?months_per_year=0")
    assert "You have 0 on record; on these assumptions you would still be 240 months short at retirement." in text
    assert 'href="/me/pay/"' in text and "Or go on paying after the statutory age until the 240 missing months" in text
    assert "move your record to the residents' pension" in text
    zh = page(world, "zh-hans", "?months_per_year=0")
    assert "《中华人民共和国社会保险法》第十六条" in zh and "仍差240个月" in zh and "城乡居民基本养老保险" in zh


def test_no_advice_when_the_months_will_suffice(world):
    assert 'id="estimate-advice"' not in page(world, "en", "?months_per_year=12")
