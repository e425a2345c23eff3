"""The help assistant: policy answers from the rules with their citations in both languages, a personal
answer computed by the benefit rules on the asker's own base, refusal of another person's data, the
hand-over to an officer and the reply notified, the log, and bad questions refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from socsec.assistant.models import Enquiry, Exchange
from socsec.assistant.services import enquiry_answer, enquiry_handover, question_ask
from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.benefits.models import Claim
from socsec.core.errors import Conflict, ValidationFailed
from socsec.notifications.models import Notice
from socsec.rules.engine import calc

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))


def ask(world, question: str) -> Exchange:
    return question_ask(person=world.rider, question=question, now=NOW)


def keys(x: Exchange) -> list[str]:
    return [s["key"] for s in x.sources]


def test_a_policy_question_in_chinese_is_answered_from_the_rules_with_its_citations(world):
    x = ask(world, "七级伤残的一次性伤残补助金是几个月？")
    assert (x.language, x.intent, x.outcome) == ("zh", "oip_disability_grant", "ANSWERED")
    assert x.answer == (
        "7级伤残的一次性伤残补助金为13个月的待遇计发基数。待遇计发基数为当地上年度城镇私营单位就业人员月平均工资的60%。"
    )
    assert keys(x) == ["benefits.oip.disability_grant_months.7", "benefits.oip.benefit_base_ratio"]
    grant = x.sources[0]
    assert (grant["value"], grant["effective_from"]) == ("13", "2022-07-01")
    assert grant["reference"] == "Ren She Ting Han [2025] No. 79 (OIP operating rules, 2025-05-28)"


def test_the_same_question_in_english_cites_the_same_sources(world):
    x = ask(world, "How many months of the benefit base is the disability grant for grade 7?")
    assert (x.language, x.intent) == ("en", "oip_disability_grant")
    assert x.answer == (
        "The lump-sum disability grant for grade 7 is 13 months of the benefit base. The benefit base is 60% of "
        "last year's local urban private-sector average monthly wage."
    )
    assert keys(x) == ["benefits.oip.disability_grant_months.7", "benefits.oip.benefit_base_ratio"]


def test_per_order_amounts_and_the_minimum_contribution_period(world):
    order = ask(world, "网约车平台每单缴多少钱？")
    assert order.answer.startswith("网约车平台每单缴纳职业伤害保障费0.01元。")
    assert keys(order) == ["oip.per_order_amount.RIDE_HAILING"]
    minimum = ask(world, "What is the minimum number of years of contributions for a pension?")
    assert minimum.intent == "pension_minimum"
    assert "at least 180 months (15 years)" in minimum.answer
    assert "240 months (20 years) from 2039" in minimum.answer


def test_what_i_would_get_at_grade_7_is_the_benefit_rules_figure_on_my_own_base(world):
    x = ask(world, "What would I get if injured at grade 7?")
    rules = calc("oip_disability_grant", dt.date(2026, 3, 2), region="440300", grade=7)
    assert rules.value == 5_850_000  # 13 months x 60% of Shenzhen's 7,500 yuan
    assert (x.intent, x.outcome) == ("my_injury_estimate", "ANSWERED")
    assert x.answer.startswith(
        "At grade 7 the lump-sum disability grant would be 58,500.00 yuan: 13 months of your benefit base of "
        "4,500.00 yuan (region 440300, on 2026-03-02)."
    )
    assert f"engagement:{world.rider_eng_platform.pk}" in keys(x)
    assert {"oip_benefit_base", "oip_disability_grant", "benefits.oip.disability_grant_months.7"} <= set(keys(x))
    assert any(
        s["label"].startswith("OIP lump-sum disability grant") and s["value"] == "5850000" for s in x.explanation
    )
    zh = ask(world, "如果我受伤被评为七级伤残，我能拿多少钱？")
    assert zh.answer.startswith("如评为7级伤残，一次性伤残补助金为58,500.00元")


def test_my_claims_are_read_from_my_own_record(world):
    claim = Claim.objects.create(
        person=world.rider,
        kind=Claim.Kind.OCCUPATIONAL_INJURY,
        event_date=dt.date(2026, 2, 1),
        reported_by=Claim.Reporter.WORKER,
        submitted_on=dt.date(2026, 2, 2),
        decision_due=dt.date(2026, 4, 3),
        engagement=world.rider_eng_platform,
    )
    x = ask(world, "What is the state of my claim?")
    assert x.intent == "my_claims"
    assert x.answer == (f"Claim {claim.pk} (occupational injury protection (platform work), 2026-02-01): submitted.")
    assert keys(x) == [f"claim:{claim.pk}"]


@pytest.mark.parametrize(
    ("question", "why"),
    [
        ("Show me the contributions of 440106198507040224", "an ID number that is not yours"),
        ("张三的缴费记录是多少？", None),
        ("What are Li Na's claims?", "names another person"),
        ("my wife's pension record please", "another person's data"),
    ],
)
def test_a_question_about_another_person_is_refused_with_the_reason(world, question, why):
    x = ask(world, question)
    assert (x.outcome, x.intent, x.sources) == ("REFUSED", "", [])
    if why:
        assert x.answer.startswith("I can only answer about your own records") and why in x.answer
    else:
        assert x.answer == "我只能回答您本人的记录：问题中提到了其他人。"


def test_a_refused_question_is_kept_with_the_other_person_s_id_masked_and_reviewers_reads_logged(world):
    from socsec.audit.models import PersonalDataAccess

    x = ask(world, "Show me the contributions of 440106198507040224")
    assert x.question == "Show me the contributions of 440***********0224"
    auditor = Client()
    auditor.force_login(world.users["auditor"])
    page = auditor.get("/officer/assistant-log/").content.decode()
    assert "440***********0224" in page and "440106198507040224" not in page
    reads = PersonalDataAccess.objects.filter(what="assistant log").values_list("person_id", "actor_role")
    assert list(reads) == [(world.rider.pk, "AUDITOR")]


def test_the_asker_s_own_id_number_is_not_refused(world):
    x = ask(world, f"my coverage, ID {world.rider.resident_id}")
    assert (x.outcome, x.intent) == ("ANSWERED", "my_coverage")


def test_a_question_it_does_not_know_is_handed_over_answered_and_the_person_told(world):
    x = ask(world, "Can I bring my dog to the office?")
    assert (x.outcome, x.intent) == ("UNKNOWN", "")
    assert x.answer.startswith("I do not know the answer")
    worker = Actor(label="rider", user_id=world.users["worker"].pk)
    enquiry = enquiry_handover(actor=worker, person=world.rider, exchange_id=x.pk)
    assert enquiry_handover(actor=worker, person=world.rider, exchange_id=x.pk).pk == enquiry.pk  # once
    officer = Actor(label="officer", user_id=world.users["officer"].pk)
    enquiry_answer(actor=officer, enquiry_id=enquiry.pk, reply="Yes, guide dogs only.")
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.reply, enquiry.answered_by_id) == (
        "ANSWERED",
        "Yes, guide dogs only.",
        world.users["officer"].pk,
    )
    notice = Notice.objects.get(event="enquiry.answered")
    assert (notice.recipient, notice.context["enquiry"]) == (f"person:{world.rider.pk}", enquiry.pk)
    actions = list(
        AuditEntry.objects.filter(action__startswith="assistant.").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["assistant.enquiry.handed_over", "assistant.enquiry.answered"]
    with pytest.raises(Conflict):
        enquiry_answer(actor=officer, enquiry_id=enquiry.pk, reply="again")
    assert Notice.objects.filter(event="enquiry.answered").count() == 1


def test_an_answered_question_is_not_handed_over(world):
    x = ask(world, "丧葬补助金是多少？")
    worker = Actor(label="rider", user_id=world.users["worker"].pk)
    with pytest.raises(ValidationFailed) as raised:
        enquiry_handover(actor=worker, person=world.rider, exchange_id=x.pk)
    assert raised.value.code == "question_not_handed_over"
    assert Enquiry.objects.count() == 0


def test_every_exchange_is_logged_with_its_person_language_intent_sources_and_latency(world):
    ask(world, "退休年龄是多少？")
    ask(world, "Tell me a joke")
    rows = list(Exchange.objects.order_by("id").values_list("person_id", "language", "intent", "outcome", "channel"))
    assert rows == [
        (world.rider.pk, "zh", "retirement_age", "ANSWERED", "web"),
        (world.rider.pk, "en", "", "UNKNOWN", "web"),
    ]
    first = Exchange.objects.order_by("id").first()
    assert first is not None and first.latency_ms >= 0 and first.asked_at == NOW
    assert [s["key"] for s in first.sources][0] == "retirement.men.base_age_months"


@pytest.mark.parametrize(
    ("question", "code", "message"),
    [
        ("   ", "question_empty", "question: write a question."),
        ("x" * 501, "question_too_long", "question: at most 500 characters (this one has 501)."),
    ],
)
def test_an_empty_or_too_long_question_is_refused_and_nothing_logged(world, question, code, message):
    with pytest.raises(ValidationFailed) as raised:
        ask(world, question)
    assert (raised.value.code, raised.value.message, raised.value.field) == (code, message, "question")
    assert Exchange.objects.count() == 0


def test_the_api_answers_a_worker_s_session_and_refuses_bad_input_with_the_envelope(world):
    client = Client()
    client.force_login(world.users["worker"])
    ok = client.post("/api/assistant/questions", {"question": "丧葬补助金是多少？"}, content_type="application/json")
    assert ok.status_code == 201
    body = ok.json()
    assert (body["language"], body["intent"], body["outcome"]) == ("zh", "oip_funeral_grant", "ANSWERED")
    assert [s["key"] for s in body["sources"]] == [
        "benefits.oip.funeral_grant_months",
        "benefits.oip.benefit_base_ratio",
    ]
    bad = client.post("/api/assistant/questions", {"question": ""}, content_type="application/json")
    assert (bad.status_code, bad.json()) == (
        422,
        {"code": "question_empty", "message": "question: write a question.", "field": "question"},
    )
    listed = client.get("/api/assistant/questions").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    officer = Client()
    officer.force_login(world.users["officer"])
    assert (
        officer.post("/api/assistant/questions", {"question": "hi"}, content_type="application/json").status_code == 403
    )


def test_the_pages_show_the_answer_and_the_officer_answers_the_enquiry(world):
    client = Client()
    client.force_login(world.users["worker"])
    page = client.post(
        "/me/assistant/", {"question": "What does the platform pay per order for freight?"}, HTTP_HX_REQUEST="true"
    )
    assert page.status_code == 200
    assert "For intra-city freight the platform pays 0.18 yuan per order" in page.content.decode()
    assert "oip.per_order_amount.INTRA_CITY_FREIGHT" in page.content.decode()
    unknown = client.post("/me/assistant/", {"question": "Where can I park?"})
    assert unknown.status_code == 302
    x = Exchange.objects.get(outcome="UNKNOWN")
    assert client.post(f"/me/assistant/{x.pk}/handover/").status_code == 302
    officer = Client()
    officer.force_login(world.users["officer"])
    queue = officer.get("/officer/enquiries/")
    assert "Where can I park?" in queue.content.decode()
    enquiry = Enquiry.objects.get()
    done = officer.post("/officer/enquiries/", {"enquiry": enquiry.pk, "reply": "Behind the building."})
    assert done.status_code == 302
    mine = client.get("/me/assistant/").content.decode()
    assert "Behind the building." in mine
    empty = client.post("/me/assistant/", {"question": ""})
    assert empty.status_code == 422 and "question：请输入问题。" in empty.content.decode()
