"""Risk screening and the officers' outcomes: each run keeps every hit once as a case (the same rule and
key in a later run updates the open case's evidence and counts it seen again; a decided case keeps its
outcome), each outcome is recorded with its note and audited."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection

from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.core.errors import Conflict, ValidationFailed

from .definitions import RiskRule, all_rules
from .engine import Hit, connect, screen
from .errors import RiskErrorCode
from .models import RiskCase, ScreeningRun
from .sources import screening_tables

OUTCOMES = (RiskCase.Status.CONFIRMED, RiskCase.Status.FALSE_POSITIVE)


def _rules_for(persons: Collection[int] | None, rules: list[RiskRule] | None) -> list[RiskRule]:
    chosen = rules if rules is not None else all_rules()
    # a rule over a population (a platform's workers, its months) needs everyone: whole runs only
    return chosen if persons is None else [r for r in chosen if r.scope == "person"]


def risk_screen(
    *,
    actor: Actor,
    on: dt.date,
    trigger: str,
    persons: Collection[int] | None = None,
    rules: list[RiskRule] | None = None,
) -> ScreeningRun:
    """Screen the whole database (``persons`` None) or the persons an event concerns, and keep the hits."""
    chosen = _rules_for(persons, rules)
    started = time.perf_counter()
    started_at = timezone.now()
    who = sorted({int(p) for p in persons}) if persons is not None else None
    con = connect(screening_tables(who))
    try:
        result = screen(con, chosen, on)
    finally:
        con.close()
    with transaction.atomic():
        run = ScreeningRun.objects.create(
            trigger=trigger,
            on=on,
            persons=who,
            rules=[r.name for r in chosen if r.in_force(on)],
            rows=result.rows,
            hits=len(result.hits),
            started_at=started_at,
        )
        run.cases_new = _keep(run, result.hits, {r.name: r for r in chosen}, on)
        run.seconds = round(time.perf_counter() - started, 3)
        run.finished_at = timezone.now()
        run.save(update_fields=["cases_new", "seconds", "finished_at"])
        audit_record(actor=actor, action="risk.screened", instance=run)
    return run


def _keep(run: ScreeningRun, hits: list[Hit], rules: dict[str, RiskRule], on: dt.date) -> int:
    """The hits as cases: new ones created in bulk, open ones brought up to date, decided ones left as
    decided (seen again, counted)."""
    if not hits:
        return 0
    existing = {
        (c.rule, c.case_key): c
        for c in RiskCase.objects.filter(rule__in={h.rule for h in hits}, case_key__in={h.case_key for h in hits})
    }
    new: list[RiskCase] = []
    changed: list[RiskCase] = []
    for hit in hits:
        case = existing.get((hit.rule, hit.case_key))
        parameters = {n: p.on(on) for n, p in rules[hit.rule].parameters.items()}
        if case is None:
            new.append(
                RiskCase(
                    rule=hit.rule,
                    case_key=hit.case_key,
                    person_id=hit.person_id,
                    organisation_id=hit.organisation_id,
                    score=hit.score,
                    evidence=hit.evidence,
                    parameters=parameters,
                    first_run=run,
                    last_run=run,
                )
            )
            continue
        case.times_seen += 1
        case.last_run = run
        if case.status == RiskCase.Status.OPEN:
            case.evidence, case.score, case.parameters = hit.evidence, hit.score, parameters
        changed.append(case)
    # a screening running at the same time (an event's, the schedule's) may have kept the same case first:
    # its row stands, and this run counts only the cases it created
    RiskCase.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    RiskCase.objects.bulk_update(
        changed, ["times_seen", "last_run", "evidence", "score", "parameters"], batch_size=1000
    )
    return RiskCase.objects.filter(first_run=run).count()


def risk_case_decide(*, actor: Actor, case: RiskCase, outcome: str, note: str) -> RiskCase:
    """The officer's outcome of an open case: confirmed or false positive, with a note saying why."""
    if outcome not in OUTCOMES:
        raise ValidationFailed(
            "The outcome must be CONFIRMED or FALSE_POSITIVE, not %(outcome)s.",
            field="outcome",
            code=RiskErrorCode.BAD_OUTCOME,
            params={"outcome": outcome},
        )
    note = note.strip()
    if not note:
        raise ValidationFailed(
            "Say why in a note: the outcome is kept with it.", field="note", code=RiskErrorCode.NOTE_REQUIRED
        )
    with transaction.atomic():
        locked = RiskCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != RiskCase.Status.OPEN:
            raise Conflict(
                "The case's outcome is recorded already (%(status)s).",
                code=RiskErrorCode.ALREADY_DECIDED,
                params={"status": locked.get_status_display()},
            )
        before = snapshot(locked)
        locked.status = outcome
        locked.outcome_note = note[:2000]
        locked.decided_by_id = actor.user_id
        locked.decided_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["status", "outcome_note", "decided_by", "decided_at"])
        audit_record(actor=actor, action="risk.case_decided", instance=locked, before=before)
    return locked
