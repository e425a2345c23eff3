"""Data-quality writes: a screening run over the whole database (its counts per rule and province, its
findings opened and resolved), and the correction flow: an officer proposes, the person confirms (applied
through the registry's services with their audit entries) or rejects (nothing changes)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone, translation

from socsec.accounts.models import Role, User
from socsec.audit.services import Actor, audit_record, snapshot
from socsec.core.db import lock
from socsec.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from socsec.notifications.recipients import person as person_key
from socsec.notifications.services import notify
from socsec.registry.models import Engagement, Person
from socsec.registry.services import engagement_end_decide, person_birth_date_correct
from socsec.registry.validation import id_birth_date

from .errors import QualityErrorCode
from .models import Correction, Finding, QualityCount, QualityRun
from .rules import RULES, Hit, Rule

BATCH = 1000


def quality_check_run(*, actor: Actor, on: dt.date, rules: Iterable[Rule] | None = None) -> QualityRun:
    """Screen the whole database with every rule as on ``on``: one run with its counts per rule and
    province; each hit's finding opened (or seen again), each finding no longer hit resolved."""
    started = timezone.now()
    found = {rule.code: list(rule.find(on)) for rule in (rules or RULES.values())}
    with transaction.atomic():
        run = QualityRun.objects.create(
            on=on,
            started_at=started,
            finished_at=started,
            started_by=actor.label[:120],
            findings=sum(len(h) for h in found.values()),
        )
        for code, hits in found.items():
            _record(run, code, hits)
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
        audit_record(actor=actor, action="quality.run", instance=run)
    return run


def _record(run: QualityRun, code: str, hits: list[Hit]) -> None:
    by_subject = {h.subject: h for h in hits}
    known = dict(Finding.objects.filter(rule=code).values_list("subject", "id"))
    Finding.objects.bulk_create(
        [
            Finding(
                rule=code,
                subject=h.subject,
                person_id=h.person_id,
                province=h.province,
                evidence=h.evidence,
                first_run=run,
                last_run=run,
            )
            for h in hits
            if h.subject not in known
        ],
        batch_size=BATCH,
    )
    seen = [
        Finding(
            pk=known[s],
            province=h.province,
            evidence=h.evidence,
            state=Finding.State.OPEN,
            last_run=run,
        )
        for s, h in by_subject.items()
        if s in known
    ]
    Finding.objects.bulk_update(seen, ["province", "evidence", "state", "last_run"], batch_size=BATCH)
    Finding.objects.filter(rule=code, state=Finding.State.OPEN).exclude(last_run=run).update(
        state=Finding.State.RESOLVED
    )
    # a correction still waiting for the person on a finding the data no longer shows is withdrawn: the
    # record changed by other means, and confirming the old proposal would overwrite the newer value
    Correction.objects.filter(
        state=Correction.State.PROPOSED, finding__rule=code, finding__state=Finding.State.RESOLVED
    ).update(state=Correction.State.WITHDRAWN, decided_at=timezone.now())
    counts = Counter(h.province for h in hits)
    QualityCount.objects.bulk_create(
        [QualityCount(run=run, rule=code, province=p, count=n) for p, n in sorted(counts.items())]
    )


# --- corrections ------------------------------------------------------------------------------------------


def correction_prefill(finding: Finding) -> tuple[str, str]:
    """The value a correction of this finding takes where the data already exists elsewhere, and where it
    comes from (the resident ID, the platform's last order); empty when it must be asked."""
    field = RULES[finding.rule].correctable if finding.rule in RULES else ""
    if field == Correction.Field.BIRTH_DATE:
        person = Person.objects.only("resident_id").get(pk=finding.person_id)
        return id_birth_date(person.resident_id).isoformat(), "resident_id"
    if field == Correction.Field.ENGAGEMENT_END:
        last = finding.evidence.get("last_order_on")
        return (last, "last_order") if last else ("", "")
    return "", ""


def _officer(actor: Actor) -> User:
    user = None
    if actor.user_id is not None and actor.organisation_id is None:
        user = User.objects.filter(pk=actor.user_id, role__in=[Role.OFFICER, Role.SUPERVISOR]).first()
    if user is None:
        raise Forbidden("only an officer proposes a correction")
    return user


def _engagement(finding: Finding) -> Engagement:
    return Engagement.objects.select_related("organisation").get(pk=int(finding.evidence["engagement"]))


def _checked_value(finding: Finding, field: str, raw: str, today: dt.date) -> tuple[str, str]:
    """The new value, checked as the registry will check it, and the value it replaces."""
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed(
            "new_value: “%(value)s” is not a date (YYYY-MM-DD).",
            field="new_value",
            code=QualityErrorCode.VALUE_INVALID,
            params={"value": raw[:40]},
        ) from None
    if field == Correction.Field.BIRTH_DATE:
        person = Person.objects.only("resident_id", "birth_date").get(pk=finding.person_id)
        in_id = id_birth_date(person.resident_id)
        if day != in_id:
            raise ValidationFailed(
                "new_value: %(value)s contradicts the resident ID, which gives %(id_date)s.",
                field="new_value",
                code=QualityErrorCode.VALUE_INVALID,
                params={"value": day.isoformat(), "id_date": in_id.isoformat()},
            )
        return day.isoformat(), person.birth_date.isoformat()
    engagement = _engagement(finding)
    if day < engagement.start_date or day > today:
        raise ValidationFailed(
            "new_value: the end %(value)s must fall between the engagement's start %(start)s and today %(today)s.",
            field="new_value",
            code=QualityErrorCode.VALUE_INVALID,
            params={"value": day.isoformat(), "start": engagement.start_date.isoformat(), "today": today.isoformat()},
        )
    return day.isoformat(), engagement.end_date.isoformat() if engagement.end_date else ""


def correction_propose(
    *, actor: Actor, finding: Finding, new_value: str, note: str = "", today: dt.date | None = None
) -> Correction:
    """An officer proposes to correct the finding's subject; the person is told and confirms or rejects it
    on the portal. The value is checked now as the registry will check it when it is applied."""
    officer = _officer(actor)
    today = today or timezone.localdate()
    rule = RULES.get(finding.rule)
    if rule is None or not rule.correctable:
        raise ValidationFailed(
            "finding: findings of the rule %(rule)s are not corrected by the person's confirmation; "
            "an officer follows them up.",
            field="finding",
            code=QualityErrorCode.NOT_CORRECTABLE,
            params={"rule": finding.rule},
        )
    with transaction.atomic():
        locked = lock(Finding.objects).get(pk=finding.pk)
        if locked.state != Finding.State.OPEN:
            raise Conflict(
                "finding %(finding)s is resolved: there is nothing to correct.",
                field="finding",
                code=QualityErrorCode.FINDING_CLOSED,
                params={"finding": locked.pk},
            )
        if locked.corrections.filter(state=Correction.State.PROPOSED).exists():
            raise Conflict(
                "finding %(finding)s has a correction waiting for the person already.",
                field="finding",
                code=QualityErrorCode.CORRECTION_PENDING,
                params={"finding": locked.pk},
            )
        value, old = _checked_value(locked, rule.correctable, new_value, today)
        prefill, source = correction_prefill(locked)
        correction = Correction.objects.create(
            finding=locked,
            person_id=locked.person_id,
            field=rule.correctable,
            old_value=old,
            new_value=value,
            source=source if value == prefill else "",
            note=note.strip()[:300],
            proposed_by=officer,
            proposed_at=timezone.now(),
        )
        audit_record(actor=actor, action="quality.correction.propose", instance=correction)
        with translation.override("en"):  # the field's name as the catalogue's msgid: read in the reader's language
            field_name = str(Correction.Field(correction.field).label)
        notify(
            event="quality.correction.proposed",
            recipient=person_key(locked.person_id),
            context={"field": field_name, "old": old or "-", "new": value},
            dedupe_key=f"correction:{correction.pk}",
        )
    return correction


def access_correction(*, person_id: int, correction_id: int) -> Correction:
    """The person's own correction; another's answers as an absent one."""
    found = Correction.objects.select_related("finding").filter(pk=correction_id, person_id=person_id).first()
    if found is None:
        raise NotFound("correction %(correction)s not found", params={"correction": correction_id})
    return found


def _decide(actor: Actor, person_id: int, correction_id: int, state: str) -> Correction:
    with transaction.atomic():
        correction = access_correction(person_id=person_id, correction_id=correction_id)
        correction = lock(Correction.objects).get(pk=correction.pk)
        if correction.state != Correction.State.PROPOSED:
            raise Conflict(
                "correction %(correction)s was %(state)s already: nothing changed.",
                field="correction",
                code=QualityErrorCode.CORRECTION_DECIDED,
                params={"correction": correction.pk, "state": Correction.State(correction.state).label},
            )
        if state == Correction.State.CONFIRMED:
            _still_as_proposed(correction)
        before = snapshot(correction)
        correction.state = state
        correction.decided_at = timezone.now()
        correction.save(update_fields=["state", "decided_at"])
        if state == Correction.State.CONFIRMED:
            _apply(correction)
        action = "quality.correction.confirm" if state == Correction.State.CONFIRMED else "quality.correction.reject"
        audit_record(actor=actor, action=action, instance=correction, before=before)
    return correction


def _still_as_proposed(correction: Correction) -> None:
    """Refuse to apply a correction whose finding is no longer open or whose record no longer holds the
    value it was proposed against (the platform ended the engagement, more orders came): the newer value
    stands and the officer proposes again if need be."""
    finding = lock(Finding.objects).get(pk=correction.finding_id)
    current = ""
    if finding.state == Finding.State.OPEN:
        _value, current = _checked_value(finding, correction.field, correction.new_value, timezone.localdate())
    if finding.state != Finding.State.OPEN or current != correction.old_value:
        raise Conflict(
            "correction %(correction)s no longer fits the record, which changed since it was proposed: "
            "nothing changed.",
            field="correction",
            code=QualityErrorCode.CORRECTION_STALE,
            params={"correction": correction.pk},
        )


def _apply(correction: Correction) -> None:
    """Through the registry's services, in the name of the officer who proposed it, with the reason."""
    officer = correction.proposed_by
    acting = Actor(label=f"user:{officer.username}", user_id=officer.pk)
    reason = (
        f"Data-quality correction {correction.pk} ({correction.finding.rule}), confirmed by the person on "
        f"{timezone.localdate().isoformat()}"
    )
    day = dt.date.fromisoformat(correction.new_value)
    if correction.field == Correction.Field.BIRTH_DATE:
        person = Person.objects.get(pk=correction.person_id)
        person_birth_date_correct(actor=acting, person=person, birth_date=day, reason=reason)
    else:
        engagement_end_decide(actor=acting, engagement=_engagement(correction.finding), end_date=day, reason=reason)
    Finding.objects.filter(pk=correction.finding_id).update(state=Finding.State.RESOLVED)


def correction_confirm(*, actor: Actor, person_id: int, correction_id: int) -> Correction:
    """The person confirms: the correction is applied. Confirming twice, or another's, is refused."""
    return _decide(actor, person_id, correction_id, Correction.State.CONFIRMED)


def correction_reject(*, actor: Actor, person_id: int, correction_id: int) -> Correction:
    """The person rejects: nothing in the registry changes; the finding stays open for an officer."""
    return _decide(actor, person_id, correction_id, Correction.State.REJECTED)
