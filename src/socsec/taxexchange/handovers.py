"""Handing a month's assessed amounts to the tax authority: one document per employer and month.

The same amounts handed over again are the same document (delivered again only if it was never
acknowledged); different amounts for a month already handed over (a corrected declaration) are a new
document that replaces the earlier one. A document is written first (state SENT), then delivered with
retries; one the exchange did not acknowledge stays SENT and is delivered again by the next send or
fetch."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.core.bulk import insert_rows
from socsec.core.errors import ValidationFailed
from socsec.core.months import month_index, month_name
from socsec.registry.models import Organisation, Person

from .documents import DueLine, HandoverDocument, document_build, lines_checksum
from .errors import TaxExchangeErrorCode
from .exchange import ExchangeUnavailable, TaxExchange
from .models import SCHEMES, Handover, HandoverLine

logger = logging.getLogger(__name__)

Sleep = Callable[[float], None]


@dataclass
class SendReport:
    month: str
    created: list[str] = field(default_factory=list)  # document ids written now
    replaced: list[str] = field(default_factory=list)  # documents replaced by a corrected one
    unchanged: list[str] = field(default_factory=list)  # the same amounts as the document in force
    acknowledged: list[str] = field(default_factory=list)
    still_sent: list[str] = field(default_factory=list)  # not acknowledged after the retries


LINES_INVALID = TaxExchangeErrorCode.LINES_INVALID


def _grouped(month: str, lines: Iterable[DueLine]) -> dict[int, list[DueLine]]:
    by_employer: dict[int, list[DueLine]] = {}
    seen: set[tuple[int, int, str]] = set()
    for line in lines:
        if line.month != month:
            raise ValidationFailed(
                "lines: a line of %(other)s in the handover of %(month)s",
                params={"other": line.month, "month": month},
                field="lines",
                code=LINES_INVALID,
            )
        if line.scheme not in SCHEMES:
            raise ValidationFailed(
                "lines: unknown scheme %(scheme)s", params={"scheme": line.scheme}, field="lines", code=LINES_INVALID
            )
        if min(line.base_cents, line.employer_cents, line.employee_cents) < 0:
            raise ValidationFailed(
                "lines: a negative amount for person %(person)s",
                params={"person": line.person_id},
                field="lines",
                code=LINES_INVALID,
            )
        key = (line.employer_id, line.person_id, line.scheme)
        if key in seen:
            raise ValidationFailed(
                "lines: person %(person)s has two %(scheme)s lines",
                params={"person": line.person_id, "scheme": line.scheme},
                field="lines",
                code=LINES_INVALID,
            )
        seen.add(key)
        by_employer.setdefault(line.employer_id, []).append(line)
    return by_employer


CHECK_BATCH = 500  # person ids looked up in one query


def _check_persons(person_ids: set[int]) -> None:
    """Refuse lines of a person not in the register, before anything is written (batches of a bounded
    number of ids, so no query grows with the data)."""
    wanted = sorted(person_ids)
    for at in range(0, len(wanted), CHECK_BATCH):
        part = wanted[at : at + CHECK_BATCH]
        found = set(Person.objects.filter(pk__in=part).values_list("pk", flat=True))
        unknown = [p for p in part if p not in found]
        if unknown:
            raise ValidationFailed(
                "lines: unknown person %(person)s", params={"person": unknown[0]}, field="lines", code=LINES_INVALID
            )


def handovers_send(
    *,
    actor: Actor,
    month: str,
    lines: Iterable[DueLine],
    exchange: TaxExchange,
    retries: int = 3,
    wait_seconds: float = 1.0,
    sleep: Sleep = time.sleep,
) -> SendReport:
    """Hand the month's assessed amounts to the tax authority, one document per employer (see the
    module). Lines that cannot be handed over (another month, an unknown scheme, a negative amount, a
    repeated line, an unknown employer or person) refuse the whole call before anything is written."""
    month = month_name(month_index(month))
    by_employer = _grouped(month, lines)
    employers = Organisation.objects.in_bulk(list(by_employer))
    missing = sorted(set(by_employer) - set(employers))
    if missing:
        raise ValidationFailed(
            "lines: unknown employer %(employer)s", params={"employer": missing[0]}, field="lines", code=LINES_INVALID
        )
    _check_persons({d.person_id for due in by_employer.values() for d in due})
    report = SendReport(month)
    for employer_id in sorted(by_employer):
        handover, document = _handover_for(actor, employers[employer_id], month, by_employer[employer_id], report)
        if handover.state == Handover.State.SENT:
            deliver(handover, document, exchange, retries=retries, wait_seconds=wait_seconds, sleep=sleep)
            (report.acknowledged if handover.state == Handover.State.ACKNOWLEDGED else report.still_sent).append(
                handover.document_id
            )
    return report


def _document(handover: Handover, employer: Organisation, lines: Iterable[DueLine]) -> HandoverDocument:
    return document_build(
        document_id=handover.document_id,
        employer_code=employer.code,
        credit_code=employer.credit_code or "",
        month=handover.month,
        replaces=handover.replaces.document_id if handover.replaces else None,
        lines=lines,
    )


def _handover_for(
    actor: Actor, employer: Organisation, month: str, lines: list[DueLine], report: SendReport
) -> tuple[Handover, HandoverDocument]:
    checksum = lines_checksum(lines)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=employer.pk).first()  # one writer per employer
        current = (
            Handover.objects.select_related("replaces")
            .filter(employer=employer, month=month)
            .exclude(state=Handover.State.REPLACED)
            .first()
        )
        if current is not None and current.checksum == checksum:
            report.unchanged.append(current.document_id)
            return current, _document(current, employer, lines)
        if current is not None:
            before = snapshot(current)
            current.state = Handover.State.REPLACED
            current.save(update_fields=["state"])
            audit_record(actor=actor, action="taxexchange.handover_replace", instance=current, before=before)
            report.replaced.append(current.document_id)
        last = Handover.objects.filter(employer=employer, month=month).aggregate(n=Max("sequence"))["n"] or 0
        handover = Handover.objects.create(
            document_id=f"SSX-{employer.code}-{month}-{last + 1}",
            employer=employer,
            month=month,
            sequence=last + 1,
            replaces=current,
            checksum=checksum,
            line_count=len(lines),
            due_cents=sum(d.employer_cents + d.employee_cents for d in lines),
        )
        insert_rows(
            HandoverLine,
            ["handover_id", "person_id", "scheme", "base_cents", "employer_cents", "employee_cents"],
            [
                (handover.pk, d.person_id, d.scheme, d.base_cents, d.employer_cents, d.employee_cents)
                for d in sorted(lines)
            ],
            returning=False,
        )
        audit_record(actor=actor, action="taxexchange.handover_create", instance=handover)
        report.created.append(handover.document_id)
    return handover, _document(handover, employer, lines)


def handover_document(handover: Handover) -> HandoverDocument:
    """The document of a handover, rebuilt from its stored lines (the checksum says it is the same)."""
    lines = [
        DueLine(handover.employer_id, p, handover.month, s, b, er, ee)
        for p, s, b, er, ee in handover.lines.values_list(
            "person_id", "scheme", "base_cents", "employer_cents", "employee_cents"
        )
    ]
    return _document(handover, handover.employer, lines)


def deliver(
    handover: Handover,
    document: HandoverDocument,
    exchange: TaxExchange,
    *,
    retries: int = 3,
    wait_seconds: float = 1.0,
    sleep: Sleep = time.sleep,
) -> Handover:
    """Deliver a SENT document, trying up to ``retries`` times (waiting longer each time); acknowledged,
    it is ACKNOWLEDGED with the receipt, else it stays SENT with the attempts and the last error."""
    error = ""
    tried = 0
    for attempt in range(1, max(retries, 1) + 1):
        tried = attempt
        try:
            receipt = exchange.send(document)
        except (ExchangeUnavailable, OSError) as exc:
            error = str(exc) or type(exc).__name__
            logger.warning("tax exchange: delivery %s of %s failed: %s", attempt, handover.document_id, error)
            if attempt < retries:
                sleep(wait_seconds * attempt)
            continue
        Handover.objects.filter(pk=handover.pk, state=Handover.State.SENT).update(
            state=Handover.State.ACKNOWLEDGED,
            receipt=receipt.receipt,
            attempts=handover.attempts + attempt,
            acknowledged_at=timezone.now(),
            last_error="",
        )
        handover.refresh_from_db()
        return handover
    Handover.objects.filter(pk=handover.pk).update(attempts=handover.attempts + tried, last_error=error[:500])
    handover.refresh_from_db()
    return handover
