"""More information asked of a claimant: only by an officer, only before a decision or an assessment, with
the question in words; the claim waits and goes back where it was with the answer."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.benefits.information import claim_answer_information, claim_request_information
from socsec.benefits.models import Claim, InformationRequest, PersonNotice
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from tests.benefits.test_awards_and_payments import accepted_injury, awarded, officer

S = Claim.Status


def test_asked_on_an_accepted_claim_it_returns_to_accepted(world, data_dir):
    claim = accepted_injury(world)
    before = AuditEntry.objects.count()
    request = claim_request_information(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        question="The medical report, please.",
        today=dt.date(2026, 3, 20),
    )
    claim.refresh_from_db()
    assert (claim.status, request.return_status, request.asked_on) == (
        S.WAITING_FOR_CLAIMANT,
        S.ACCEPTED,
        dt.date(2026, 3, 20),
    )
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[before:]) == [
        "benefit.claim.waiting_for_claimant",
        "benefit.claim.information_request",
    ]
    assert PersonNotice.objects.get().params == {"question": "The medical report, please."}
    worker = Actor(label="rider", user_id=world.users["worker"].pk)
    claim = claim_answer_information(actor=worker, claim=claim, expected_version=claim.version, answer="Sent by post.")
    assert (claim.status, claim.events.last().note) == (S.ACCEPTED, "the claimant sent the information asked")


def test_refused_and_nothing_changes(world, data_dir):
    claim = awarded(world, {"grade": 3})
    with pytest.raises(Conflict):  # decided: nothing more to ask
        claim_request_information(actor=officer(world), claim=claim, expected_version=claim.version, question="x")
    open_claim = accepted_injury(world, dt.date(2026, 4, 1))
    platform = Actor(label="platform", organisation_id=world.platform.pk)
    with pytest.raises(Forbidden):
        claim_request_information(actor=platform, claim=open_claim, expected_version=open_claim.version, question="x")
    with pytest.raises(ValidationFailed, match="question: is required"):
        claim_request_information(
            actor=officer(world), claim=open_claim, expected_version=open_claim.version, question=" "
        )
    with pytest.raises(ValidationFailed, match="question: is at most 2000 characters"):
        claim_request_information(
            actor=officer(world), claim=open_claim, expected_version=open_claim.version, question="x" * 2001
        )
    with pytest.raises(Conflict):  # not waiting: there is nothing to answer
        claim_answer_information(
            actor=officer(world), claim=open_claim, expected_version=open_claim.version, answer="a"
        )
    open_claim.refresh_from_db()
    assert (open_claim.status, InformationRequest.objects.count(), PersonNotice.objects.count()) == (S.ACCEPTED, 0, 0)


def test_an_officer_stops_waiting_and_the_claim_goes_back(world, data_dir):
    from socsec.benefits.information import claim_stop_waiting, open_request

    claim = accepted_injury(world)
    claim_request_information(actor=officer(world), claim=claim, expected_version=claim.version, question="The report.")
    claim.refresh_from_db()
    worker = Actor(label="rider", user_id=world.users["worker"].pk)
    platform = Actor(label="platform", organisation_id=world.platform.pk)
    with pytest.raises(Forbidden):
        claim_stop_waiting(actor=platform, claim=claim, expected_version=claim.version, reason="x")
    with pytest.raises(ValidationFailed, match="reason: is required"):
        claim_stop_waiting(actor=officer(world), claim=claim, expected_version=claim.version, reason="  ")
    with pytest.raises(ValidationFailed, match="reason: is at most 2000 characters"):
        claim_stop_waiting(actor=officer(world), claim=claim, expected_version=claim.version, reason="x" * 2001)
    assert claim.status == S.WAITING_FOR_CLAIMANT
    before = AuditEntry.objects.count()
    claim = claim_stop_waiting(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        reason="No answer in 60 days.",
        today=dt.date(2026, 5, 20),
    )
    claim.refresh_from_db()
    request = InformationRequest.objects.get()
    assert (claim.status, claim.events.last().note, request.stopped_on, request.stopped_reason) == (
        S.ACCEPTED,
        "stopped waiting for the claimant: No answer in 60 days.",
        dt.date(2026, 5, 20),
        "No answer in 60 days.",
    )
    assert (request.answer, request.answered_on, open_request(claim)) == ("", None, None)
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[before:]) == [
        "benefit.claim.accepted",
        "benefit.claim.information_stop",
    ]
    with pytest.raises(Conflict):  # no longer waiting: nothing to stop
        claim_stop_waiting(actor=officer(world), claim=claim, expected_version=claim.version, reason="again")
    with pytest.raises(Conflict):  # nor can the claimant answer now
        claim_answer_information(actor=worker, claim=claim, expected_version=claim.version, answer="late")
