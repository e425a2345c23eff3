"""What the rules say, on the pages in Chinese and in English: a coverage reason with its legal basis, a
step of how an OIP award was worked out, a projection scenario's title; a text with a per cent sign found
from a template and from the rules; maintainers' notes never shown."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from socsec.rules.texts import citations, public_text
from socsec.web.i18n import catalogue_id, translate_reference, translate_text
from tests.web.test_claim_pages import injury

FLEXIBLE_PENSION = {
    "zh-hans": (
        '<p class="reason">未建立劳动关系（灵活就业）：可以自愿参保，按所选缴费基数的 20% 缴费（8% 记入个人账户，'
        "12% 记入统筹基金）。</p>\n      \n"
        '      <p class="refs"><span>法律依据：</span> 《中华人民共和国社会保险法》第十条第二款、第十二条第三款</p>'
    ),
    "en": (
        '<p class="reason">Works without a labour relation (flexible employment): may join and pay 20% of a chosen '
        "base (8% to the individual account, 12% to the pooled fund).</p>\n      \n"
        '      <p class="refs"><span>Legal basis:</span> Social Insurance Law of the PRC (2010, amended 2018) '
        "Art. 10(2), Art. 12(3)</p>"
    ),
}


def client_in(world, language: str, user: str) -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[user])
    return client


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_coverage_reason_and_its_legal_basis(world, language):
    page = client_in(world, language, "worker").get("/me/coverage/").content.decode()
    assert FLEXIBLE_PENSION[language] in page
    oip_basis = {
        "zh-hans": "人社部发〔2021〕110号（新就业形态就业人员职业伤害保障办法（试行），2022年7月1日起试点）；"
        "人社部发〔2025〕24号（扩大试点，全国试行办法）",
        "en": "Ren She Bu Fa [2021] No. 110 (OIP trial measures, pilot from 2022-07-01); "
        "Ren She Bu Fa [2025] No. 24 (expansion, national trial measures)",
    }[language]
    assert f"<span>{'法律依据：' if language == 'zh-hans' else 'Legal basis:'}</span> {oip_basis}</p>" in page
    assert {"zh-hans": "<td>是</td>", "en": "<td>yes</td>"}[language] in page  # a switch, not "True"


BASIS = {
    "zh-hans": "人社厅函〔2025〕79号（职业伤害保障经办规程）；人社部发〔2021〕110号（新就业形态就业人员职业伤害保障办法"
    "（试行），2022年7月1日起试点）；人社部发〔2025〕24号（扩大试点，全国试行办法）",
    "en": "Ren She Ting Han [2025] No. 79 (OIP operating rules); Ren She Bu Fa [2021] No. 110 (OIP trial measures, "
    "pilot from 2022-07-01); Ren She Bu Fa [2025] No. 24 (expansion, national trial measures)",
}
OFFICER_STEP = {  # a step of the disability grant, in the officer's full explanation
    "zh-hans": '<p class="muted">职业伤害保障待遇计发基数：上年度当地城镇私营单位就业人员月平均工资的 60% · '
    + BASIS["zh-hans"]
    + "</p>",
    "en": '<p class="muted">OIP benefit base: 60% of last year&#x27;s local urban private-sector average monthly '
    "wage · " + BASIS["en"] + "</p>",
}
WORKER_SUMMARY = {  # income continued during treatment, on the worker's claim page
    "zh-hans": "<p><strong>治疗期间由平台继续支付的收入：2 个月</strong>：6,000.00 元",
    "en": "<p><strong>Income during treatment, continued by the platform: 2 months</strong>: 6,000.00 yuan",
}
WORKER_HOW = {
    "zh-hans": '<p class="muted">计算方法： 治疗期间平台是否仍应按月支付收入：12 个月，经确认后可延长 12 个月'
    "（在正常的停工留薪期内）。 法律依据： "
    + BASIS["zh-hans"]
    + "；《工伤保险条例》（国务院令第375号，2010年修订）第三十三条</p>",
    "en": '<p class="muted">How it was worked out: Whether the platform still owes income continuation for a month '
    "of treatment: 12 months, +12 once confirmed (within the normal period of wage continuation). Legal basis: "
    + BASIS["en"]
    + "; Regulations on Work-Related Injury Insurance (State Council Order No. 375, revised 2010) Art. 33</p>",
}


def test_how_an_oip_award_was_worked_out_in_both_languages(world, data_dir):
    claim = injury(world)
    officer, supervisor = client_in(world, "en", "officer"), client_in(world, "en", "supervisor")
    url = f"/officer/claims/{claim.pk}/"
    officer.post(url, {"action": "decide", "version": claim.version, "decision": "accept", "reason": "ok"})
    claim.refresh_from_db()
    fields = {"grade": "9", "care_level": "0", "months_off_work": "2", "monthly_income_cents": "6000"}
    assert officer.post(url, {"action": "assess", "version": claim.version, **fields}).status_code == 302
    claim.refresh_from_db()
    assert supervisor.post(url, {"action": "approve", "version": claim.version}).status_code == 302
    for language in ("zh-hans", "en"):
        officer_page = client_in(world, language, "officer").get(url).content.decode()
        worker_page = client_in(world, language, "worker").get(f"/me/claims/{claim.pk}/").content.decode()
        assert OFFICER_STEP[language] in officer_page
        amount = {"zh-hans": "4,500.00 元", "en": "4,500.00 yuan"}[language]  # stored in cents: 450000
        assert f"<p><code>oip_benefit_base</code> = <strong>{amount}</strong></p>" in officer_page
        assert WORKER_SUMMARY[language] in worker_page
        assert WORKER_HOW[language] in worker_page
        for page in (officer_page, worker_page):
            assert "unverified" not in page and "policy-facts" not in page
    stored = claim.awards.get(item="wage_continuation").explanation
    assert "(unverified for OIP: the work-injury rule)" in stored["label"]  # kept for those who keep the rules


@pytest.mark.parametrize(
    ("language", "title"),
    [("zh-hans", "2027 年起单位缴费比例由 16% 降至 14%"), ("en", "Employer rate 16% -&gt; 14% from 2027")],
)
def test_a_scenario_title_on_the_projections_page(world, language, title):
    page = client_in(world, language, "supervisor").get("/supervisor/projections/").content.decode()
    assert f'<label for="scenario-contribution_rate_cut">{title}</label>' in page


def test_a_per_cent_sign_in_a_template_and_in_a_rules_text_is_found():
    template = Template(
        "{% load i18n socsec_tags %}{% blocktranslate %}empty: the lowest base (60% of the average wage)"
        "{% endblocktranslate %}|{% translate 'Meets ILO Convention 102 (at least 40%)' %}|{{ text|tr }}"
    )
    text = "OIP benefit base: 60% of last year's local urban private-sector average monthly wage"
    with translation.override("zh-hans"):
        zh = template.render(Context({"text": text}))
    with translation.override("en"):
        en = template.render(Context({"text": text}))
    assert zh == "不填：按最低基数（平均工资的60%）|符合国际劳工组织第 102 号公约（不低于 40%）|" + (
        "职业伤害保障待遇计发基数：上年度当地城镇私营单位就业人员月平均工资的 60%"
    )
    assert en == (
        "empty: the lowest base (60% of the average wage)|Meets ILO Convention 102 (at least 40%)|"
        "OIP benefit base: 60% of last year&#x27;s local urban private-sector average monthly wage"
    )


def test_maintainers_notes_are_left_out_of_what_people_read():
    assert public_text("Income: 12 + 12 months (unverified for OIP: the work-injury rule)") == "Income: 12 + 12 months"
    assert citations(
        "Ren She Ting Han [2025] No. 79 (OIP operating rules, 2025-05-28) (unverified for this item); "
        "Regulations on Work-Related Injury Insurance Art. 34 (the ratios); policy-facts.md sections 1-2"
    ) == [
        "Ren She Ting Han [2025] No. 79 (OIP operating rules, 2025-05-28)",
        "Regulations on Work-Related Injury Insurance Art. 34 (the ratios)",
    ]
    assert citations("Ren She Bu Fa [2017] No. 40 (as shortened to 1 year; see the parameter); MOHRSS notice") == [
        "Ren She Bu Fa [2017] No. 40 (as shortened to 1 year; see the parameter)",
        "MOHRSS notice",
    ]
    assert citations("yearly notices (Ren She Ting Fa), one per year; document numbers not verified here") == [
        "yearly notices (Ren She Ting Fa), one per year"
    ]
    assert catalogue_id("20% of a base (unverified)") == "20%% of a base"
    assert catalogue_id("order %(order)s: 5%") == "order %(order)s: 5%%"


def test_a_reference_is_translated_citation_by_citation():
    reference = (
        "Social Insurance Law of the PRC (2010, amended 2018) Art. 33; "
        "Regulations on Work-Related Injury Insurance Art. 2"
    )
    with translation.override("zh-hans"):
        assert translate_reference(reference) == "《中华人民共和国社会保险法》第三十三条；《工伤保险条例》第二条"
        assert translate_text("") == ""
    with translation.override("en"):
        assert translate_reference(reference) == reference


def test_what_the_checks_write_on_a_claim_is_shown_in_the_readers_language(world, data_dir):
    from socsec.web.claim_texts import claim_text

    routed = (
        "reported 45 days after the injury; the time limit is 30 days; "
        "order A-17 is not among the worker's orders on that day"
    )
    with translation.override("zh-hans"):
        assert claim_text(routed) == "受伤 45 天后才报告；时限为 30 天；订单 A-17 不在该劳动者当天的订单之中"
        assert claim_text("ok, the grade is right") == "ok, the grade is right"  # an officer's own words
        assert claim_text("") == ""
        assert claim_text("awarded: 4050000 cents in the first year") == "已批准：第一年共 40,500.00 元"
        assert claim_text("grade 9, care_level 2, monthly_income_cents 600000, dependants 1") == (
            "已核定：伤残等级：9；护理等级：2；受伤前月收入（元）：6,000.00；供养亲属：1"
        )
        assert claim_text("grade 9, set by me") == "grade 9, set by me"
        assert claim_text("death on 2026-11-02 (civil registry); sent back: check; the grade") == (
            "已于 2026-11-02 死亡（信息来源：civil registry）；已退回：check; the grade"
        )
    with translation.override("en"):
        assert claim_text(routed) == (
            "Reported 45 days after the injury; the time limit is 30 days; "
            "Order A-17 is not among the worker's orders on that day"
        )
        assert claim_text("awarded: 4050000 cents in the first year") == "Awarded: 40,500.00 yuan in the first year"
        assert claim_text("grade 9, care_level 2, monthly_income_cents 600000, dependants 1") == (
            "Assessed: Disability grade: 9; Care level: 2; Monthly income before the injury (yuan): 6,000.00; "
            "Dependants: 1"
        )
    claim = injury(world)
    claim.refresh_from_db()
    officer = client_in(world, "zh-hans", "officer").get(f"/officer/claims/{claim.pk}/").content.decode()
    assert '<dd id="routed-reason">平台订单数据显示该劳动者在受伤当天没有订单</dd>' in officer


def test_a_refusal_fills_in_a_rules_reason_in_the_readers_language():
    from socsec.core.errors import ValidationFailed
    from socsec.rules.coverage import REASONS, CoverageReason
    from socsec.web.common import refusal_message

    refused = ValidationFailed(
        "event_date: not covered by %(scheme)s on %(day)s - %(reason)s",
        field="event_date",
        params={
            "scheme": "Employee basic pension",
            "day": "2026-11-02",
            "reason": REASONS[CoverageReason.EMPLOYEE_PENSION_FLEXIBLE].text,
        },
    )
    with translation.override("zh-hans"):
        assert refusal_message(refused) == (
            "事发日期：2026-11-02 不在职工基本养老保险的保障范围内——未建立劳动关系（灵活就业）：可以自愿参保，"
            "按所选缴费基数的 20% 缴费（8% 记入个人账户，12% 记入统筹基金）。"
        )
