"""The claim pages through Django's test client: who sees which claims, the guided claim form, the officer's
forms (a stale version is a conflict and the first decision stands), and what bad input shows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.benefits.decisions import claim_decide
from socsec.benefits.intake import claim_submit
from socsec.benefits.models import Claim, ClaimEvent
from tests.contributions.test_ingest import DAY, TODAY
from tests.world import SYSTEM

S = Claim.Status


def client_as(world, name: str) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(world.users[name])
    return client


def injury(world) -> Claim:
    """The rider's injury at RideGo three days ago; without the platform's order data it goes to an officer."""
    return claim_submit(
        actor=SYSTEM,
        person=world.rider,
        kind="OCCUPATIONAL_INJURY",
        event_date=DAY,
        engagement=world.rider_eng_platform,
        facts={"description": "送餐途中从电动车上摔下"},
        today=TODAY,
    )


def pension(world) -> Claim:
    """Another person's claim, on no platform."""
    return claim_submit(actor=SYSTEM, person=world.employee, kind="PENSION", event_date=DAY, today=TODAY)


def claim_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-claim="(\d+)"', html)]


def alert(html: str) -> str:
    found = re.search(r'role="alert"[^>]*>([^<]*)<', html)
    assert found, "no alert on the page"
    return found.group(1)


def state(claim: Claim) -> tuple:
    claim.refresh_from_db()
    return (claim.status, claim.version, claim.decision_reason, claim.events.count(), claim.assessment)


# --- who sees what --------------------------------------------------------------------------------------


def test_a_worker_sees_only_their_claims(world, data_dir):
    mine, theirs = injury(world), pension(world)
    worker = client_as(world, "worker")
    listing = worker.get("/me/claims/")
    assert listing.status_code == 200
    assert claim_ids(listing.content.decode()) == [mine.pk]
    assert worker.get(f"/me/claims/{mine.pk}/").status_code == 200
    assert worker.get(f"/me/claims/{theirs.pk}/").status_code == 404  # another's claim answers as absent
    assert worker.get("/me/claims/999999/").status_code == 404
    assert worker.get("/officer/claims/").status_code == 403
    assert worker.get(f"/officer/claims/{mine.pk}/").status_code == 403
    assert worker.get("/platform/claims/").status_code == 403


def test_a_platform_sees_only_the_claims_on_its_workers(world, data_dir):
    mine, other = injury(world), pension(world)
    staff = client_as(world, "platform")
    page = staff.get("/platform/claims/")
    assert page.status_code == 200
    assert claim_ids(page.content.decode()) == [mine.pk]
    assert other.pk != mine.pk
    assert "Nothing awarded is payable by you." in page.content.decode()
    assert staff.get("/me/claims/").status_code == 403
    assert staff.get(f"/officer/claims/{mine.pk}/").status_code == 403


def test_officers_see_every_open_claim_and_filter_the_queue(world, data_dir):
    injured, retiring = injury(world), pension(world)
    officer = client_as(world, "officer")
    page = officer.get("/officer/claims/")
    assert page.status_code == 200
    assert claim_ids(page.content.decode()) == [injured.pk, retiring.pk]  # both due in 60 days: by id
    fragment = officer.get("/officer/claims/", {"kind": "PENSION"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert claim_ids(html) == [retiring.pk]
    assert "<h1>" not in html  # the fragment only
    assert "1 open claim, the most urgent first." in html
    assert claim_ids(officer.get("/officer/claims/", {"overdue": "1"}).content.decode()) == []
    assert officer.get(f"/officer/claims/{retiring.pk}/").status_code == 200
    auditor = client_as(world, "auditor")
    page = auditor.get(f"/officer/claims/{injured.pk}/").content.decode()
    assert 'id="decide-form"' not in page  # auditors read, they do not decide
    before = state(injured)
    refused = auditor.post(
        f"/officer/claims/{injured.pk}/",
        {"action": "decide", "version": injured.version, "decision": "accept", "reason": "ok"},
    )
    assert refused.status_code == 403
    assert state(injured) == before


def test_an_overdue_claim_says_so_in_words(world, data_dir):
    claim = injury(world)
    Claim.objects.filter(pk=claim.pk).update(decision_due=TODAY - dt.timedelta(days=2))
    html = client_as(world, "officer").get("/officer/claims/", {"overdue": "1"}).content.decode()
    assert claim_ids(html) == [claim.pk]
    assert "<strong>Overdue by 2 days</strong>" in html


def test_nav_links_by_role(world):
    assert 'href="/me/claims/">My claims<' in client_as(world, "worker").get("/me/coverage/").content.decode()
    assert 'href="/officer/claims/">Claims<' in client_as(world, "officer").get("/officer/persons/").content.decode()
    assert (
        'href="/platform/claims/">Claims<' in client_as(world, "platform").get("/platform/invoices/").content.decode()
    )


# --- the worker's claim form ----------------------------------------------------------------------------


def test_the_guided_form_loads_the_details_of_the_kind(world):
    worker = client_as(world, "worker")
    first = worker.get("/me/claims/new/").content.decode()
    assert 'name="kind" value="UNEMPLOYMENT"' in first
    assert 'name="event_date"' not in first  # step 2 comes after the choice
    details = worker.get("/me/claims/new/", {"kind": "OCCUPATIONAL_INJURY"}, headers={"HX-Request": "true"})
    html = details.content.decode()
    assert "<h1>" not in html
    assert re.findall(r'<option value="(\d+)"', html) == [
        str(world.rider_eng_platform.pk),
        str(world.rider_eng_courier.pk),
    ]
    assert "What happened" in html
    pension_html = worker.get("/me/claims/new/", {"kind": "PENSION"}, headers={"HX-Request": "true"}).content.decode()
    assert "The day you retire" in pension_html
    assert 'name="engagement"' not in pension_html


def test_a_worker_files_an_injury_claim(world, data_dir):
    worker = client_as(world, "worker")
    response = worker.post(
        "/me/claims/new/",
        {
            "kind": "OCCUPATIONAL_INJURY",
            "event_date": DAY.isoformat(),
            "engagement": str(world.rider_eng_platform.pk),
            "order_id": "a7",
            "description": "a car opened its door",
        },
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/me/claims/{claim.pk}/"
    assert (claim.person, claim.kind, claim.event_date, claim.engagement, claim.order_id, claim.facts) == (
        world.rider,
        "OCCUPATIONAL_INJURY",
        DAY,
        world.rider_eng_platform,
        "a7",
        {"description": "a car opened its door"},
    )
    assert (claim.reported_by, claim.status) == (Claim.Reporter.WORKER, S.GATHERING_EVIDENCE)
    page = worker.get(response["Location"]).content.decode()
    assert '<span class="badge voluntary" id="claim-status">Being checked</span>' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"event_date": (TODAY + dt.timedelta(days=1)).isoformat()}, "is in the future"),
        ({"description": ""}, "Please correct the fields marked below."),
        ({"engagement": "999999"}, "Please correct the fields marked below."),
        ({"event_date": "yesterday"}, "Please correct the fields marked below."),
        ({"kind": "HOLIDAY"}, "Choose the kind of benefit first."),
    ],
)
def test_bad_claims_show_why_and_file_nothing(world, data_dir, fields, message):
    data = {
        "kind": "OCCUPATIONAL_INJURY",
        "event_date": DAY.isoformat(),
        "engagement": str(world.rider_eng_platform.pk),
        "description": "hurt",
        **fields,
    }
    response = client_as(world, "worker").post("/me/claims/new/", data)
    assert response.status_code == 422
    assert message in alert(response.content.decode())
    assert Claim.objects.count() == 0


def test_a_second_claim_for_the_same_injury_is_refused_on_the_page(world, data_dir):
    injury(world)
    data = {
        "kind": "OCCUPATIONAL_INJURY",
        "event_date": DAY.isoformat(),
        "engagement": str(world.rider_eng_platform.pk),
        "description": "hurt",
    }
    response = client_as(world, "worker").post("/me/claims/new/", data)
    assert response.status_code == 409
    assert alert(response.content.decode()) == (
        f"occupational injury protection (platform work) claim for {DAY.isoformat()} already exists"
    )
    assert Claim.objects.count() == 1


def test_a_worker_appeals_a_rejection_and_cannot_withdraw_it(world, data_dir):
    claim = injury(world)
    officer = Actor(label="officer", user_id=world.users["officer"].pk)
    claim = claim_decide(
        actor=officer, claim=claim, expected_version=claim.version, accept=False, reason="no orders that day"
    )
    worker = client_as(world, "worker")
    page = worker.get(f"/me/claims/{claim.pk}/").content.decode()
    assert '<p id="decision-reason">no orders that day</p>' in page
    assert 'value="withdraw"' not in page
    empty = worker.post(f"/me/claims/{claim.pk}/", {"action": "appeal", "version": claim.version, "reason": " "})
    assert empty.status_code == 422
    assert alert(empty.content.decode()) == "reason: is required - say what you disagree with"
    assert state(claim)[0] == S.REJECTED
    done = worker.post(
        f"/me/claims/{claim.pk}/", {"action": "appeal", "version": claim.version, "reason": "I was on order a7"}
    )
    assert done.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.events.last().note) == (S.UNDER_REVIEW, "I was on order a7")


def test_a_worker_withdraws_an_open_claim_after_confirming(world, data_dir):
    claim = injury(world)
    worker = client_as(world, "worker")
    asked = worker.post(f"/me/claims/{claim.pk}/", {"action": "withdraw", "version": claim.version})
    assert asked.status_code == 200  # the first press only asks
    assert "Withdraw this claim?" in asked.content.decode()
    assert 'name="confirmed" value="1"' in asked.content.decode()
    assert state(claim)[:2] == (S.GATHERING_EVIDENCE, 2)  # nothing written
    response = worker.post(
        f"/me/claims/{claim.pk}/", {"action": "withdraw", "version": claim.version, "confirmed": "1"}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == S.WITHDRAWN
    page = worker.get(f"/me/claims/{claim.pk}/").content.decode()
    assert "The claim was withdrawn." in page
    assert 'value="appeal"' not in page


# --- the officer's forms --------------------------------------------------------------------------------


def test_two_officers_decide_at_once_and_the_second_gets_a_conflict(world, data_dir):
    claim = injury(world)
    first, second = client_as(world, "officer"), client_as(world, "supervisor")
    seen = []
    for client in (first, second):
        html = client.get(f"/officer/claims/{claim.pk}/").content.decode()
        seen.append(re.search(r'name="version" value="(\d+)"', html).group(1))
    assert seen == [str(claim.version), str(claim.version)]
    accepted = first.post(
        f"/officer/claims/{claim.pk}/", {"action": "decide", "version": seen[0], "decision": "accept", "reason": "seen"}
    )
    assert accepted.status_code == 302
    after_first = state(claim)
    audits = AuditEntry.objects.count()
    refused = second.post(
        f"/officer/claims/{claim.pk}/", {"action": "decide", "version": seen[1], "decision": "reject", "reason": "no"}
    )
    assert refused.status_code == 409
    assert alert(refused.content.decode()) == (
        "Someone else changed this claim since you opened it. Nothing was saved: reload it and try again."
    )
    assert state(claim) == after_first
    assert (claim.status, claim.decision_reason, claim.decided_by) == (S.ACCEPTED, "seen", world.users["officer"])
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"action": "decide", "decision": "reject", "reason": "  "}, 422, "reason: is required"),
        ({"action": "decide", "reason": "why"}, 422, "Choose accept or reject."),
        ({"action": "decide", "decision": "accept", "reason": "ok", "version": "x"}, 422, "The form was incomplete"),
        ({"action": "approve"}, 409, "this claim is gathering evidence; it cannot become awarded"),
        ({"action": "shout"}, 422, "Unknown action."),
    ],
)
def test_bad_officer_input_shows_why_and_changes_nothing(world, data_dir, data, status, message):
    claim = injury(world)
    before = state(claim)
    response = client_as(world, "officer").post(f"/officer/claims/{claim.pk}/", {"version": claim.version, **data})
    assert response.status_code == status
    assert alert(response.content.decode()).startswith(message)
    assert state(claim) == before


def test_the_assessment_form_checks_its_fields_and_shows_missing_award_rules(world, data_dir):
    claim = injury(world)
    officer = client_as(world, "officer")
    officer.post(
        f"/officer/claims/{claim.pk}/",
        {"action": "decide", "version": claim.version, "decision": "accept", "reason": "ok"},
    )
    claim.refresh_from_db()
    assert claim.status == S.ACCEPTED
    page = officer.get(f"/officer/claims/{claim.pk}/").content.decode()
    assert 'id="assess-form"' in page and 'id="decide-form"' not in page
    before = state(claim)
    fields = {"care_level": "0", "months_off_work": "0"}
    bad = officer.post(
        f"/officer/claims/{claim.pk}/",
        {"action": "assess", "version": claim.version, **fields, "grade": "11", "care_level": "4"},
    )
    html = bad.content.decode()
    assert bad.status_code == 422
    assert alert(html) == "Please correct the fields marked below."
    assert '<p class="error">Choose a grade from 1 to 10, or none.</p>' in html
    assert '<p class="error">Enter a whole number from 0 to 3.</p>' in html
    assert state(claim) == before
    rules_refuse = officer.post(  # the form is fine; the rules refuse: months off work without the income
        f"/officer/claims/{claim.pk}/",
        {"action": "assess", "version": claim.version, "grade": "5", "care_level": "0", "months_off_work": "2"},
    )
    assert rules_refuse.status_code == 422
    assert alert(rules_refuse.content.decode()) == "monthly_income_cents: is required"
    assert state(claim) == before


def test_an_income_without_months_off_work_is_not_read(world, data_dir):
    claim = injury(world)
    officer = client_as(world, "officer")
    url = f"/officer/claims/{claim.pk}/"
    officer.post(url, {"action": "decide", "version": claim.version, "decision": "accept", "reason": "ok"})
    claim.refresh_from_db()
    fields = {"grade": "3", "care_level": "0", "months_off_work": "0", "monthly_income_cents": "0"}
    assert officer.post(url, {"action": "assess", "version": claim.version, **fields}).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.assessment, claim.events.order_by("id").last().note) == (
        S.ASSESSED,
        {"grade": 3, "care_level": 0, "months_off_work": 0, "monthly_income_cents": 0},
        "grade 3, care_level 0, months_off_work 0, monthly_income_cents 0",
    )


def test_a_death_is_assessed_on_the_page_with_the_dependants(world, data_dir):
    claim = claim_submit(  # a 2025 death: the lump sum uses NBS's 2024 income figure
        actor=SYSTEM,
        person=world.rider,
        kind="OCCUPATIONAL_INJURY",
        event_date=dt.date(2025, 9, 10),
        engagement=world.rider_eng_platform,
        today=dt.date(2025, 9, 12),
    )
    claim = claim_decide(
        actor=Actor(label="o", user_id=world.users["officer"].pk),
        claim=claim,
        expected_version=claim.version,
        accept=True,
        reason="death certificate from the civil registry",
    )
    officer = client_as(world, "officer")
    url = f"/officer/claims/{claim.pk}/"
    page = officer.get(url).content.decode()
    assert '<option value="DEATH">death</option>' in page and 'for="dependant-4-name"' in page
    in_chinese = Client(headers={"Accept-Language": "zh-hans"})
    in_chinese.force_login(world.users["officer"])
    assert "<legend>供养亲属（仅限死亡）</legend>" in in_chinese.get(url).content.decode()
    death = {"action": "assess", "version": claim.version, "outcome": "DEATH"}
    before = state(claim)
    bad = officer.post(url, {**death, "dependant-1-name": "Li Na", "dependant-1-kind": "COUSIN"})
    assert bad.status_code == 422
    assert (
        '<p class="error" id="dependants-error">Dependant 1: a name of at most 120 characters and spouse or other.'
        in (bad.content.decode())
    )
    assert state(claim) == before
    one = {"dependant-1-name": "Li Na", "dependant-1-kind": "SPOUSE"}
    not_dead = officer.post(url, {**death, "outcome": "DISABILITY", "grade": "none", **one})
    assert "Dependants are for a death: choose death as the outcome, or clear them." in not_dead.content.decode()
    two_spouses = {"dependant-1-name": "Li Na", "dependant-1-kind": "SPOUSE"}
    two_spouses |= {"dependant-2-name": "Wang Fang", "dependant-2-kind": "SPOUSE"}
    refused = in_chinese.post(url, {**death, **two_spouses})  # the rules refuse: in the reader's language
    assert alert(refused.content.decode()) == "供养亲属：配偶至多一人"
    assert state(claim) == before
    rows = {
        "dependant-1-name": "Li Na",
        "dependant-1-kind": "SPOUSE",
        "dependant-2-name": "Li Xiao",
        "dependant-2-kind": "OTHER",
        "dependant-2-supplement": "on",
        "dependant-3-name": "",  # an empty row is left out
        "dependant-3-kind": "OTHER",
    }
    assert officer.post(url, {**death, **rows}).status_code == 302
    claim.refresh_from_db()
    assert claim.assessment == {
        "outcome": "DEATH",
        "dependants": [
            {"name": "Li Na", "kind": "SPOUSE", "supplement": False},
            {"name": "Li Xiao", "kind": "OTHER", "supplement": True},
        ],
    }
    assert [(a.item, a.beneficiary) for a in claim.awards.all()] == [
        ("oip_funeral_grant", ""),
        ("oip_death_lump_sum", ""),
        ("oip_dependant_pension", "Li Na"),
        ("oip_dependant_pension", "Li Xiao"),
    ]


def test_the_claim_page_shows_the_platform_activity_per_day(world, data_dir):
    claim = injury(world)
    html = client_as(world, "officer").get(f"/officer/claims/{claim.pk}/").content.decode()
    days = re.findall(r"<tr[^>]*><td>(\d{4}-\d{2}-\d{2})", html)
    assert days == [(DAY + dt.timedelta(days=i)).isoformat() for i in range(-3, 4)]
    assert f"{DAY.isoformat()} <strong>(the incident)</strong></td><td>0</td>" in html
    assert (
        '<dd id="routed-reason">The platform&#x27;s order data show no order of this worker on the day of the '
        "injury</dd>"
    ) in html
    assert ClaimEvent.objects.filter(claim=claim).count() == 2


def test_assess_then_approve_by_a_second_officer_shows_the_awards_to_everyone(world, data_dir):
    claim = injury(world)
    officer, supervisor = client_as(world, "officer"), client_as(world, "supervisor")
    url = f"/officer/claims/{claim.pk}/"
    officer.post(url, {"action": "decide", "version": claim.version, "decision": "accept", "reason": "ok"})
    claim.refresh_from_db()
    fields = {"grade": "none", "care_level": "0", "months_off_work": "2", "monthly_income_cents": "6000"}
    assert officer.post(url, {"action": "assess", "version": claim.version, **fields}).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.assessment) == (
        S.ASSESSED,
        {"grade": 0, "care_level": 0, "months_off_work": 2, "monthly_income_cents": 600000},
    )
    before = state(claim)
    own = officer.post(url, {"action": "approve", "version": claim.version})  # 72,000 yuan a year: maker-checker
    assert own.status_code == 403
    assert alert(own.content.decode()) == "awards of 50,000 yuan or more need a second officer: you assessed this one"
    in_chinese = Client(headers={"Accept-Language": "zh-hans"})  # the sentence translated, then filled in
    in_chinese.force_login(world.users["officer"])
    refused = in_chinese.post(url, {"action": "approve", "version": claim.version})
    assert alert(refused.content.decode()) == "50,000 元及以上的待遇须由另一位经办人核准：此项由您核定。"
    assert state(claim) == before
    assert supervisor.post(url, {"action": "approve", "version": claim.version}).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (S.AWARDED, world.users["supervisor"])
    page = officer.get(url).content.decode()
    assert "<td><code>benefits.oip.wage_continuation.extension_months</code></td><td>12 month</td>" in page
    assert "<td>2022-07-01</td>" in page  # the date the parameter took effect, from the stored explanation
    worker_page = client_as(world, "worker").get(f"/me/claims/{claim.pk}/").content.decode()
    assert "<strong>Income during treatment, continued by the platform: 2 months</strong>: 6,000.00 yuan" in worker_page
    assert "Paid by the platform." in worker_page
    liability = client_as(world, "platform").get("/platform/claims/").content.decode()
    assert (
        '<td><span class="name">张伟</span></td>'
        "<td>Income during treatment, continued by the platform: 2 months</td><td>the platform</td>" in liability
    )


def test_the_claim_pages_speak_chinese(world, data_dir):
    claim = injury(world)
    worker = Client(headers={"Accept-Language": "zh-hans"})
    worker.force_login(world.users["worker"])
    listing = worker.get("/me/claims/").content.decode()
    assert "<h1>我的申请</h1>" in listing
    assert '<span class="badge voluntary">审核中</span>' in listing
    page = worker.get(f"/me/claims/{claim.pk}/").content.decode()
    assert "经办人员正在核实情况。" in page
    officer = Client(headers={"Accept-Language": "zh-hans"})
    officer.force_login(world.users["officer"])
    stale = officer.post(
        f"/officer/claims/{claim.pk}/",
        {"action": "decide", "version": claim.version - 1, "decision": "accept", "reason": "好"},
    )
    assert stale.status_code == 409
    assert alert(stale.content.decode()) == "您打开此申请后，已有其他人修改了它。本次操作未保存：请重新加载后再试。"


def test_a_missing_yearly_figure_is_a_warning_on_the_claim_before_it_blocks_a_payment(world, data_dir):
    """An injury in 2027 would be paid on 2026's national income, which is not entered: the officer is told."""
    claim = claim_submit(
        actor=SYSTEM,
        person=world.rider,
        kind="OCCUPATIONAL_INJURY",
        event_date=dt.date(2027, 1, 10),
        engagement=world.rider_eng_platform,
        facts={"description": "fell"},
        today=dt.date(2027, 1, 11),
    )
    officer = client_as(world, "officer")
    english = officer.get(f"/officer/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "The 2026 value of the yearly figure benefits.national.urban_disposable_income_per_capita is not entered "
        "yet: a payment on this claim that needs it (oip_death_lump_sum, work_injury_death_lump_sum) is refused "
        "until an administrator enters it."
    ) in english
    chinese = officer.get(f"/officer/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "年度数据 benefits.national.urban_disposable_income_per_capita 的 2026 年数值尚未录入" in chinese
    now = officer.get(f"/officer/claims/{injury(world).pk}/").content.decode()  # paid on 2025's: entered
    assert 'id="missing-figures"' not in now
