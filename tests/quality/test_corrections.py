"""The correction flow: an officer proposes (prefilled where the data exists: the birth date from the
resident ID, an engagement's end from the platform's last order), the person is told, confirms (applied
through the registry's services with their audit entries) or rejects (nothing changes). Bad input is
refused with its field and reason, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.contributions.models import LastOrder
from socsec.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from socsec.notifications.models import Notice
from socsec.quality.models import Correction, Finding
from socsec.quality.services import (
    correction_confirm,
    correction_prefill,
    correction_propose,
    correction_reject,
    quality_check_run,
)
from socsec.registry.models import Engagement, EngagementEndDecision, Person
from tests.conftest import table_counts

from .planted import ON, plant

D = dt.date
TODAY = D(2026, 5, 2)


@pytest.fixture
def findings(world):
    plant(world)
    LastOrder.objects.create(platform=world.courier, person_id=world.rider.pk, last_order_on=D(2025, 10, 3))
    quality_check_run(actor=Actor.system("t"), on=ON)
    return world


def officer(world) -> Actor:
    user = world.users["officer"]
    return Actor(label=user.username, user_id=user.pk)


def finding(rule: str, subject: str | None = None) -> Finding:
    qs = Finding.objects.filter(rule=rule)
    return qs.get(subject=subject) if subject else qs.get()


def test_the_proposal_is_prefilled_from_data_already_held(findings):
    w = findings
    assert correction_prefill(finding("birth_date_not_id")) == ("1972-01-01", "resident_id")
    zipper = finding("engagement_no_orders", f"engagement:{w.rider_eng_courier.pk}")
    assert correction_prefill(zipper) == ("2025-10-03", "last_order")
    other = finding("engagement_no_orders", f"engagement:{w.employee.engagements.get(organisation=w.platform).pk}")
    assert correction_prefill(other) == ("", "")
    assert correction_prefill(finding("award_without_contact")) == ("", "")


def test_a_confirmed_birth_date_is_applied_through_the_registry_with_its_audit_entries(findings):
    w = findings
    proposed = correction_propose(actor=officer(w), finding=finding("birth_date_not_id"), new_value="1972-01-01")
    assert (proposed.field, proposed.old_value, proposed.new_value, proposed.source, proposed.state) == (
        "BIRTH_DATE",
        "1972-01-02",
        "1972-01-01",
        "resident_id",
        "PROPOSED",
    )
    notice = Notice.objects.get(event="quality.correction.proposed")
    assert (notice.recipient, notice.context) == (
        f"person:{w.freelancer.pk}",
        {"field": "birth date", "old": "1972-01-02", "new": "1972-01-01"},
    )
    assert Person.objects.get(pk=w.freelancer.pk).birth_date == D(1972, 1, 2)  # nothing until confirmed

    done = correction_confirm(actor=Actor(label="wang"), person_id=w.freelancer.pk, correction_id=proposed.pk)
    assert done.state == "CONFIRMED" and done.decided_at is not None
    assert Person.objects.get(pk=w.freelancer.pk).birth_date == D(1972, 1, 1)
    entry = AuditEntry.objects.get(action="person.birth_date.correct")
    assert (entry.actor_label, entry.object_id, entry.before["birth_date"], entry.after["birth_date"]) == (
        "user:officer",
        str(w.freelancer.pk),
        "1972-01-02",
        "1972-01-01",
    )
    confirm = AuditEntry.objects.get(action="quality.correction.confirm")
    assert (confirm.actor_label, confirm.before["state"], confirm.after["state"]) == ("wang", "PROPOSED", "CONFIRMED")
    assert finding("birth_date_not_id").state == "RESOLVED"


def test_a_confirmed_engagement_end_is_an_officers_decision_with_its_reason(findings):
    w = findings
    zipper = finding("engagement_no_orders", f"engagement:{w.rider_eng_courier.pk}")
    proposed = correction_propose(actor=officer(w), finding=zipper, new_value="2025-10-03", today=TODAY)
    correction_confirm(actor=Actor(label="rider"), person_id=w.rider.pk, correction_id=proposed.pk)
    assert Engagement.objects.get(pk=w.rider_eng_courier.pk).end_date == D(2025, 10, 3)
    decision = EngagementEndDecision.objects.get()
    assert decision.decided_by_id == w.users["officer"].pk
    assert decision.reason.startswith(f"Data-quality correction {proposed.pk} (engagement_no_orders), confirmed")
    assert AuditEntry.objects.filter(action="engagement.end.decide", object_id=str(w.rider_eng_courier.pk)).count() == 1
    # a value the officer typed (not the data held) keeps no source
    other = finding("engagement_no_orders", f"engagement:{w.employee.engagements.get(organisation=w.platform).pk}")
    typed = correction_propose(actor=officer(w), finding=other, new_value="2025-06-30", today=TODAY)
    assert (typed.old_value, typed.new_value, typed.source) == ("2035-12-31", "2025-06-30", "")


def test_a_correction_the_record_outran_is_refused_then_withdrawn_by_the_next_run(findings):
    """The platform ends the engagement itself after the proposal: confirming the old proposal would
    overwrite the newer end, so it is refused with nothing written, and the next run withdraws it."""
    w = findings
    zipper = finding("engagement_no_orders", f"engagement:{w.rider_eng_courier.pk}")
    proposed = correction_propose(actor=officer(w), finding=zipper, new_value="2025-10-03", today=TODAY)
    Engagement.objects.filter(pk=w.rider_eng_courier.pk).update(end_date=D(2025, 12, 31))  # the platform's end
    refused = _refused(
        Conflict, correction_confirm, actor=Actor(label="rider"), person_id=w.rider.pk, correction_id=proposed.pk
    )
    assert refused.code == "correction_stale"
    assert Engagement.objects.get(pk=w.rider_eng_courier.pk).end_date == D(2025, 12, 31)
    quality_check_run(actor=Actor.system("t"), on=ON)
    assert Finding.objects.get(pk=zipper.pk).state == "RESOLVED"
    assert Correction.objects.get(pk=proposed.pk).state == "WITHDRAWN"
    refused = _refused(
        Conflict, correction_confirm, actor=Actor(label="rider"), person_id=w.rider.pk, correction_id=proposed.pk
    )
    assert refused.code == "correction_decided"


def test_a_rejected_correction_changes_nothing_but_its_own_state(findings):
    w = findings
    proposed = correction_propose(actor=officer(w), finding=finding("birth_date_not_id"), new_value="1972-01-01")
    before = table_counts()
    rejected = correction_reject(actor=Actor(label="wang"), person_id=w.freelancer.pk, correction_id=proposed.pk)
    after = table_counts()
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {"audit.AuditEntry": 1}
    assert rejected.state == "REJECTED"
    assert Person.objects.get(pk=w.freelancer.pk).birth_date == D(1972, 1, 2)
    assert finding("birth_date_not_id").state == "OPEN"
    assert AuditEntry.objects.filter(action="quality.correction.reject").count() == 1
    # the finding may be proposed again
    again = correction_propose(actor=officer(w), finding=finding("birth_date_not_id"), new_value="1972-01-01")
    assert again.state == "PROPOSED"


def _refused(error: type[Exception], call, *args, **kwargs):
    before = table_counts()
    with pytest.raises(error) as refused:
        call(*args, **kwargs)
    assert table_counts() == before
    return refused.value


def test_bad_proposals_are_refused_with_their_reason_and_nothing_is_written(findings):
    w = findings
    birth = finding("birth_date_not_id")
    death = finding("engagement_after_death", f"engagement:{w.employee.engagements.get(organisation=w.employer).pk}")
    zipper = finding("engagement_no_orders", f"engagement:{w.rider_eng_courier.pk}")
    e = _refused(ValidationFailed, correction_propose, actor=officer(w), finding=death, new_value="2026-02-01")
    assert (e.code, e.field) == ("not_correctable", "finding")
    assert e.message == (
        "finding: findings of the rule engagement_after_death are not corrected by the person's confirmation; "
        "an officer follows them up."
    )
    e = _refused(ValidationFailed, correction_propose, actor=officer(w), finding=birth, new_value="1 Jan 1972")
    assert (e.code, e.message) == ("value_invalid", "new_value: “1 Jan 1972” is not a date (YYYY-MM-DD).")
    e = _refused(ValidationFailed, correction_propose, actor=officer(w), finding=birth, new_value="1972-01-03")
    assert e.message == "new_value: 1972-01-03 contradicts the resident ID, which gives 1972-01-01."
    e = _refused(
        ValidationFailed, correction_propose, actor=officer(w), finding=zipper, new_value="2024-02-01", today=TODAY
    )
    assert e.message == (
        "new_value: the end 2024-02-01 must fall between the engagement's start 2024-03-01 and today 2026-05-02."
    )
    worker = w.users["worker"]
    e = _refused(
        Forbidden,
        correction_propose,
        actor=Actor(label="rider", user_id=worker.pk),
        finding=birth,
        new_value="1972-01-01",
    )
    assert e.message == "only an officer proposes a correction"
    correction_propose(actor=officer(w), finding=birth, new_value="1972-01-01")
    e = _refused(Conflict, correction_propose, actor=officer(w), finding=birth, new_value="1972-01-01")
    assert (e.code, e.message) == (
        "correction_pending",
        f"finding {birth.pk} has a correction waiting for the person already.",
    )
    Finding.objects.filter(pk=zipper.pk).update(state="RESOLVED")
    e = _refused(Conflict, correction_propose, actor=officer(w), finding=zipper, new_value="2025-10-03", today=TODAY)
    assert e.code == "finding_closed"


def test_confirming_twice_or_anothers_correction_is_refused_and_nothing_is_written(findings):
    w = findings
    proposed = correction_propose(actor=officer(w), finding=finding("birth_date_not_id"), new_value="1972-01-01")
    e = _refused(
        NotFound, correction_confirm, actor=Actor(label="rider"), person_id=w.rider.pk, correction_id=proposed.pk
    )
    assert e.message == f"correction {proposed.pk} not found"
    _refused(NotFound, correction_reject, actor=Actor(label="rider"), person_id=w.rider.pk, correction_id=proposed.pk)
    correction_confirm(actor=Actor(label="wang"), person_id=w.freelancer.pk, correction_id=proposed.pk)
    for call in (correction_confirm, correction_reject):
        e = _refused(Conflict, call, actor=Actor(label="wang"), person_id=w.freelancer.pk, correction_id=proposed.pk)
        assert (e.code, e.message) == (
            "correction_decided",
            f"correction {proposed.pk} was confirmed by the person and applied already: nothing changed.",
        )
    assert Correction.objects.get().state == "CONFIRMED"
