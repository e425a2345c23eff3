"""Claim history notes in the reader's language: the notes the automatic steps write are shown in words,
an officer's own words as written."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from socsec.web.claim_texts import claim_text as note_text
from tests.web.test_claim_pages import injury


@pytest.mark.parametrize(
    ("note", "zh", "en"),
    [
        (
            "confirmed by the platform's order data: no certificate needed",
            "已由平台订单数据确认：无需提交证明材料",
            "Confirmed by the platform's order data: no certificate needed",
        ),
        ("withdrawn by the claimant", "申请人已撤回", "Withdrawn by the claimant"),
        ("paid in 2026-11", "已于2026年11月支付", "Paid in November 2026"),
        (
            "awarded: 1234567 cents in the first year",
            "已批准：第一年共 12,345.67 元",
            "Awarded: 12,345.67 yuan in the first year",
        ),
        (
            "reported 40 days after the injury; the time limit is 30 days; "
            "the platform's order data show no order of this worker on the day of the injury",
            "受伤 40 天后才报告；时限为 30 天；平台订单数据显示该劳动者在受伤当天没有订单",
            "Reported 40 days after the injury; the time limit is 30 days; "
            "The platform's order data show no order of this worker on the day of the injury",
        ),
        (
            "outcome DISABILITY, grade 7, monthly_income_cents 600000, dependants 0",
            "已核定：结果：伤残；伤残等级：7；受伤前月收入（元）：6,000.00；供养亲属：0",
            "Assessed: Outcome: Disability; Disability grade: 7; Monthly income before the injury (yuan): 6,000.00; "
            "Dependants: 0",
        ),
        (
            "the awards in force end: none was paid",
            "正在发放的待遇终止：尚未支付任何款项",
            "The awards in force end: none was paid",
        ),
        (
            "work_injury_funeral_grant: the employer's work-injury contribution for 2025-01 is not paid; the employer "
            "pays from now on and 1234500 cents the fund paid are recovered from it",
            "丧葬补助金：6 个月的上年度当地月平均工资（以死亡之日有效的地区平均工资为准）："
            "用人单位2025年1月的工伤保险费未缴纳；此后由用人单位支付，基金已支付的 12,345.00 元向其追偿",
            "Funeral grant: 6 months of last year's local average monthly wage (the regional average wage in force on "
            "the date of death): the employer's work-injury contribution for January 2025 is not paid; the employer "
            "pays from now on and the 12,345.00 yuan the fund paid are recovered from it",
        ),
        ("the documents are in order", "the documents are in order", "the documents are in order"),
    ],
)
def test_a_note_in_both_languages(note, zh, en):
    with translation.override("zh-hans"):
        assert note_text(note) == zh
    with translation.override("en"):
        assert note_text(note) == en


def test_the_officer_reads_why_a_claim_was_routed_in_chinese(world, data_dir):
    claim = injury(world)
    officer = Client(headers={"accept-language": "zh-hans"})
    officer.force_login(world.users["officer"])
    page = officer.get(f"/officer/claims/{claim.pk}/").content.decode()
    routed = re.search(r'<dd id="routed-reason">(.*?)</dd>', page).group(1)
    assert routed == "平台订单数据显示该劳动者在受伤当天没有订单"
    assert "the platform's order data" not in page


def test_a_payment_mismatch_in_both_languages():
    from socsec.web.ledger_text import mismatch_text

    stored = "declared 1,000.00 yuan; the bank's line B-9 is 999.00 yuan"
    with translation.override("zh-hans"):
        assert mismatch_text(stored) == "申报金额 1,000.00 元；银行流水 B-9 为 999.00 元"
    with translation.override("en"):
        assert mismatch_text(stored) == "Declared 1,000.00 yuan; the bank's line B-9 is 999.00 yuan"
