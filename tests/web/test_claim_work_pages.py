"""The officer's claim work on the pages: the search in every state with paging, a person's claims, more
information asked of the claimant and answered, a death notice recorded after a confirmation step, and the
review of a payment run's stops (with the person told on their portal)."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client

from socsec.benefits.models import Claim, DeathNotice, InformationRequest, Suspension
from tests.benefits.test_claim_search import make_claims
from tests.benefits.test_suspensions import died_in_june
from tests.web.test_claim_pages import claim_ids, client_as, injury, state

S = Claim.Status


def test_the_search_finds_closed_claims_and_pages_through_all_of_them(world, data_dir):
    make_claims(world, 30, S.WITHDRAWN, dt.date(2025, 1, 1))
    make_claims(world, 2, S.PAID, dt.date(2025, 6, 1))
    officer = client_as(world, "officer")
    first = officer.get("/officer/claims/search/")
    html = first.content.decode()
    assert first.status_code == 200
    assert "32 claims match." in html
    assert "Showing 1 to 25." in html
    assert "Page 1 of 2" in html
    assert len(claim_ids(html)) == 25
    assert 'rel="next" href="?&amp;page=2"' in html
    second = officer.get("/officer/claims/search/?page=2").content.decode()
    assert (len(claim_ids(second)), "Showing 26 to 32." in second, 'rel="prev"' in second) == (7, True, True)
    withdrawn = officer.get("/officer/claims/search/?status=WITHDRAWN&sort=oldest&page=2").content.decode()
    assert "30 claims match." in withdrawn
    assert "Withdrawn" in withdrawn and "Paid" not in re.sub(r"<option.*?</option>", "", withdrawn)
    assert 'href="?status=WITHDRAWN&amp;sort=oldest&amp;page=1"' in withdrawn
    htmx = officer.get("/officer/claims/search/?status=PAID", headers={"HX-Request": "true"}).content.decode()
    assert htmx.startswith('\n<section id="claim-results"') or 'id="claim-results"' in htmx[:200]
    assert "2 claims match." in htmx


def test_bad_filters_are_refused_with_the_field_and_the_reason(world, data_dir):
    officer = client_as(world, "officer")
    response = officer.get("/officer/claims/search/?date_from=2025-02-01&date_to=2025-01-01&status=NOPE")
    html = response.content.decode()
    assert response.status_code == 422
    assert "The end of the range is before its start." in html
    assert 'aria-describedby="id_date_to-error" aria-invalid="true" id="id_date_to"' in html
    assert "Select a valid choice. NOPE is not one of the available choices." in html
    assert client_as(world, "worker").get("/officer/claims/search/").status_code == 403


def test_a_persons_page_lists_their_claims(world, data_dir):
    claim = injury(world)
    html = client_as(world, "officer").get(f"/officer/persons/{world.rider.pk}/").content.decode()
    assert claim_ids(html) == [claim.pk]
    assert f'href="/officer/claims/{claim.pk}/"' in html
    assert "Being checked" in html
    assert "Record a death notice" in html
    empty = client_as(world, "officer").get(f"/officer/persons/{world.freelancer.pk}/").content.decode()
    assert "No claims." in empty


def test_more_information_round_trip(world, data_dir):
    claim = injury(world)  # routed to an officer: GATHERING_EVIDENCE
    officer, worker = client_as(world, "officer"), client_as(world, "worker")
    refused = officer.post(f"/officer/claims/{claim.pk}/", {"action": "ask", "version": claim.version, "question": " "})
    assert refused.status_code == 422
    assert "Write what the claimant should send." in refused.content.decode()
    assert (state(claim)[:2], InformationRequest.objects.count()) == ((S.GATHERING_EVIDENCE, 2), 0)

    question = "Please send the discharge note from the hospital."
    asked = officer.post(f"/officer/claims/{claim.pk}/", {"action": "ask", "version": 2, "question": question})
    assert asked.status_code == 302
    assert state(claim)[:2] == (S.WAITING_FOR_CLAIMANT, 3)
    assert claim.pk not in claim_ids(officer.get("/officer/claims/").content.decode())  # waits, off the queue
    request = InformationRequest.objects.get()
    assert (request.question, request.return_status, request.asked_by_id) == (
        question,
        S.GATHERING_EVIDENCE,
        world.users["officer"].pk,
    )

    page = worker.get(f"/me/claims/{claim.pk}/").content.decode()
    assert f'<p id="officer-question">{question}</p>' in page
    assert f"An officer needs more information on your claim: {question}" in page  # the message on the portal
    assert f"An officer needs more information on your claim: {question}" in worker.get("/me/claims/").content.decode()
    empty = worker.post(f"/me/claims/{claim.pk}/", {"action": "answer", "version": 3, "answer": ""})
    assert (empty.status_code, state(claim)[:2]) == (422, (S.WAITING_FOR_CLAIMANT, 3))
    answered = worker.post(
        f"/me/claims/{claim.pk}/", {"action": "answer", "version": 3, "answer": "Attached at the desk."}
    )
    assert answered.status_code == 302
    assert state(claim)[:2] == (S.GATHERING_EVIDENCE, 4)  # back where it was, and back in the queue
    assert claim.pk in claim_ids(officer.get("/officer/claims/").content.decode())
    request.refresh_from_db()
    assert (request.answer, request.answered_on is not None) == ("Attached at the desk.", True)
    officer_page = officer.get(f"/officer/claims/{claim.pk}/").content.decode()
    assert '<span class="answer">Attached at the desk.</span>' in officer_page
    assert 'id="officer-question"' not in worker.get(f"/me/claims/{claim.pk}/").content.decode()
    again = worker.post(f"/me/claims/{claim.pk}/", {"action": "answer", "version": 4, "answer": "more"})
    assert (again.status_code, state(claim)[:2]) == (409, (S.GATHERING_EVIDENCE, 4))


def test_a_waiting_claim_cannot_be_decided(world, data_dir):
    claim = injury(world)
    officer = client_as(world, "officer")
    officer.post(f"/officer/claims/{claim.pk}/", {"action": "ask", "version": 2, "question": "The note, please."})
    page = officer.get(f"/officer/claims/{claim.pk}/").content.decode()
    assert 'id="decide-form"' not in page and 'id="ask-form"' not in page
    decided = officer.post(
        f"/officer/claims/{claim.pk}/", {"action": "decide", "version": 3, "decision": "reject", "reason": "no"}
    )
    assert decided.status_code == 409
    assert state(claim)[:2] == (S.WAITING_FOR_CLAIMANT, 3)


def test_a_death_notice_is_recorded_after_a_confirmation_step(world, data_dir):
    officer = client_as(world, "officer")
    url = f"/officer/persons/{world.rider.pk}/death-notice/"
    assert officer.get(url).status_code == 200
    future = officer.post(url, {"died_on": "2999-01-01", "source": "hospital"})
    assert future.status_code == 422
    assert "The date of death cannot be in the future." in future.content.decode()
    asked = officer.post(url, {"died_on": "2026-06-20", "source": "Shenzhen civil registry 123"})
    assert asked.status_code == 200
    assert "Record that 张伟 died on 2026-06-20?" in asked.content.decode()
    assert DeathNotice.objects.count() == 0  # the first step writes nothing
    done = officer.post(url, {"died_on": "2026-06-20", "source": "Shenzhen civil registry 123", "confirmed": "1"})
    assert done.status_code == 302
    notice = DeathNotice.objects.get()
    assert (notice.person_id, notice.died_on, notice.source) == (
        world.rider.pk,
        dt.date(2026, 6, 20),
        "Shenzhen civil registry 123",
    )
    person = officer.get(f"/officer/persons/{world.rider.pk}/").content.decode()
    assert "Died on 2026-06-20 (reported by Shenzhen civil registry 123)." in person
    assert "Record a death notice" not in person
    assert (
        client_as(world, "auditor").post(url, {"died_on": "2026-06-20", "source": "x", "confirmed": "1"}).status_code
        == 403
    )


def test_an_officer_lifts_a_stop_from_the_queue_and_the_worker_is_told(world, data_dir):
    died_in_june(world)
    stop = Suspension.objects.get()
    officer = client_as(world, "officer")
    queue = officer.get("/officer/suspensions/").content.decode()
    assert f'data-suspension="{stop.pk}"' in queue
    assert "1 suspension." in queue
    claim_page = officer.get(f"/officer/claims/{stop.award.claim_id}/").content.decode()
    assert f'<a href="/officer/suspensions/{stop.pk}/">stopped from 2026-07</a>' in claim_page
    detail = officer.get(f"/officer/suspensions/{stop.pk}/").content.decode()
    assert "What triggered it: A death notice" in detail
    assert "<dt>Died on</dt><dd>2026-06-20</dd>" in detail
    assert "civil registry exchange" in detail
    url = f"/officer/suspensions/{stop.pk}/"
    no_reason = officer.post(url, {"decision": "lift", "reason": ""})
    assert no_reason.status_code == 422
    step = officer.post(url, {"decision": "lift", "reason": "Another person of the same name."})
    assert "Lift the stop: payment restarts from 2026-07" in step.content.decode()
    stop.refresh_from_db()
    assert stop.status == "PENDING"  # the confirmation step writes nothing
    done = officer.post(url, {"decision": "lift", "reason": "Another person of the same name.", "confirmed": "1"})
    assert done.status_code == 302
    stop.refresh_from_db()
    assert (stop.status, stop.decision_reason) == ("LIFTED", "Another person of the same name.")
    assert "Nothing to review." in officer.get("/officer/suspensions/").content.decode()
    mine = client_as(world, "worker").get("/me/claims/").content.decode()
    assert (
        "Your benefit is paid again from 2026-07; what was held back is paid in the next payment run. "
        "An officer checked it: Another person of the same name."
    ) in mine
    assert client_as(world, "worker").get("/officer/suspensions/").status_code == 403


def test_the_officer_stops_waiting_for_an_answer_that_does_not_come(world, data_dir):
    claim = injury(world)  # GATHERING_EVIDENCE
    officer, worker = client_as(world, "officer"), client_as(world, "worker")
    officer.post(f"/officer/claims/{claim.pk}/", {"action": "ask", "version": 2, "question": "The note, please."})
    page = officer.get(f"/officer/claims/{claim.pk}/").content.decode()
    assert 'id="stop-waiting-form"' in page and '<label for="stop-reason">Why the claim no longer waits</label>' in page
    refused = officer.post(f"/officer/claims/{claim.pk}/", {"action": "stop_waiting", "version": 3, "reason": " "})
    html = refused.content.decode()
    assert refused.status_code == 422
    assert '<p class="error" id="stop-reason-error">Say why the claim no longer waits for the claimant.</p>' in html
    assert (state(claim)[:2], InformationRequest.objects.get().stopped_on) == ((S.WAITING_FOR_CLAIMANT, 3), None)
    stopped = officer.post(
        f"/officer/claims/{claim.pk}/", {"action": "stop_waiting", "version": 3, "reason": "No answer in 60 days."}
    )
    assert stopped.status_code == 302
    assert state(claim)[:2] == (S.GATHERING_EVIDENCE, 4)  # back where it was, and back in the queue
    assert claim.pk in claim_ids(officer.get("/officer/claims/").content.decode())
    page = officer.get(f"/officer/claims/{claim.pk}/").content.decode()
    assert '<span class="stopped">No answer in 60 days.</span>' in page
    assert "Stopped waiting for the claimant: No answer in 60 days." in page
    assert 'id="stop-waiting-form"' not in page
    assert 'id="officer-question"' not in worker.get(f"/me/claims/{claim.pk}/").content.decode()
    zh = Client(headers={"Accept-Language": "zh-hans"})
    zh.force_login(world.users["officer"])
    assert "不再等待申请人补充材料：No answer in 60 days." in zh.get(f"/officer/claims/{claim.pk}/").content.decode()


def test_a_refused_reason_is_kept_in_its_own_form_only(world, data_dir):
    claim = injury(world)
    officer = client_as(world, "officer")
    officer.post(f"/officer/claims/{claim.pk}/", {"action": "ask", "version": 2, "question": "The note, please."})
    long = "x" * 2001
    html = officer.post(
        f"/officer/claims/{claim.pk}/", {"action": "stop_waiting", "version": 3, "reason": long}
    ).content.decode()
    assert f'aria-describedby="stop-reason-hint">{long}</textarea>' in html
    assert state(claim)[:2] == (S.WAITING_FOR_CLAIMANT, 3)
