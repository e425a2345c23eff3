"""Fetching the tax authority's results and keeping them: per employer, employee, month and scheme.

A results file that cannot be read as a whole (a line that is not JSON, an unknown status, a repeated
line, ...) is refused whole, naming the line and why, and nothing of it is kept. A well-formed result
that matches no line of the document, or whose amount does not fit its line, is refused alone: it is
logged and listed on the handover, and the other results are kept."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.core.bulk import insert_rows
from socsec.core.errors import Reason, ValidationFailed
from socsec.ledger.services import post_many_keys
from socsec.rules.texts import N_

from .documents import ResultRow, results_read
from .exchange import ExchangeUnavailable, TaxExchange
from .handovers import Sleep, deliver, handover_document
from .injury_payers import injury_payers_revisit
from .models import CollectionResult, Handover
from .postings import collection_posting, reversal_postings
from .receipts import ReceiptsReport

logger = logging.getLogger(__name__)
S = CollectionResult.Status


@dataclass
class FetchReport:
    results_in: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # acknowledged, no results yet
    still_sent: list[str] = field(default_factory=list)  # not acknowledged after the retries
    unreachable: list[str] = field(default_factory=list)  # results not fetched after the retries
    refused: dict[str, str] = field(default_factory=dict)  # document id: why its results file was refused
    receipts: ReceiptsReport = field(default_factory=ReceiptsReport)  # later payments (``receipts``)


def _misfit(row: ResultRow, due: int) -> Reason | None:
    """Why a result does not fit its line's amount due, or None."""
    if row.paid_cents > due:
        return Reason(N_("paid %(paid)s cents, more than the %(due)s due"), paid=row.paid_cents, due=due)
    if row.status == S.PAID and row.paid_cents != due:
        return Reason(N_("PAID with %(paid)s cents of the %(due)s due"), paid=row.paid_cents, due=due)
    if row.status == S.PART_PAID and not 0 < row.paid_cents < due:
        return Reason(N_("PART_PAID with %(paid)s cents of the %(due)s due"), paid=row.paid_cents, due=due)
    return None


def handover_results_receive(*, actor: Actor, handover: Handover, raw: bytes) -> Handover:
    """Keep a document's results (see the module): they replace the results of the employer's month."""
    rows = results_read(raw, document_id=handover.document_id)  # refuses a malformed file whole
    lines = {
        (p, s): (er, ee)
        for p, s, er, ee in handover.lines.values_list("person_id", "scheme", "employer_cents", "employee_cents")
    }
    now = timezone.now()
    kept: list[CollectionResult] = []
    refused: list[dict[str, object]] = []
    for row in rows:
        due = lines.get((row.person_id, row.scheme))
        reason = Reason(N_("no such line in the document")) if due is None else _misfit(row, sum(due))
        if reason or due is None:
            logger.warning(
                "tax exchange: %s, results line %s (person %s, %s) refused: %s",
                handover.document_id,
                row.line,
                row.person_id,
                row.scheme,
                reason,
            )
            assert reason is not None
            refused.append(
                {
                    "line": row.line,
                    "person_id": row.person_id,
                    "scheme": row.scheme,
                    "reason": str(reason),
                    "template": reason.template,
                    "params": reason.values,
                }
            )
            continue
        kept.append(
            CollectionResult(
                employer_id=handover.employer_id,
                person_id=row.person_id,
                month=handover.month,
                scheme=row.scheme,
                handover_id=handover.pk,
                status=row.status,
                employer_cents=due[0],
                employee_cents=due[1],
                paid_cents=row.paid_cents,
                paid_on=row.paid_on,
                received_at=now,
            )
        )
    with transaction.atomic():
        locked = (
            Handover.objects.select_for_update(of=("self",))
            .select_related("employer__registered_region")
            .get(pk=handover.pk)
        )
        if locked.state not in (Handover.State.SENT, Handover.State.ACKNOWLEDGED):
            raise ValidationFailed(
                "document %(document)s: results are taken for a document in force, not %(state)s",
                field="document",
                params={"document": locked.document_id, "state": locked.state},
            )
        before = snapshot(locked)
        CollectionResult.objects.filter(employer_id=locked.employer_id, month=locked.month).delete()
        columns = [f.attname for f in CollectionResult._meta.concrete_fields if not f.primary_key]
        insert_rows(CollectionResult, columns, [[getattr(r, c) for c in columns] for r in kept], returning=False)
        postings = reversal_postings(locked)
        posting = collection_posting(locked, kept)
        post_many_keys([*postings, *([posting] if posting else [])])
        locked.state, locked.results_at, locked.refused, locked.last_error = Handover.State.RESULTS_IN, now, refused, ""
        locked.save(update_fields=["state", "results_at", "refused", "last_error"])
        audit_record(actor=actor, action="taxexchange.results_receive", instance=locked, before=before)
        injury_payers_revisit(
            actor=actor, results=[r for r in kept if r.scheme == "WORK_INJURY"], today=timezone.localdate(now)
        )
    return locked


def handovers_fetch(
    *,
    actor: Actor,
    exchange: TaxExchange,
    month: str | None = None,
    retries: int = 3,
    wait_seconds: float = 1.0,
    sleep: Sleep = time.sleep,
) -> FetchReport:
    """Fetch the results of every document in force without them (of a month, or all): a SENT one is
    delivered again first. A document whose results file is refused keeps its state and the reason."""
    report = FetchReport()
    waiting = Handover.objects.filter(state__in=(Handover.State.SENT, Handover.State.ACKNOWLEDGED))
    if month:
        waiting = waiting.filter(month=month)
    for handover in waiting.select_related("employer", "replaces").order_by("id"):
        if handover.state == Handover.State.SENT:
            document = handover_document(handover)
            deliver(handover, document, exchange, retries=retries, wait_seconds=wait_seconds, sleep=sleep)
            if handover.state == Handover.State.SENT:
                report.still_sent.append(handover.document_id)
                continue
        raw = _fetch(handover, exchange, retries, wait_seconds, sleep)
        if raw is None:
            (report.unreachable if handover.last_error else report.waiting).append(handover.document_id)
            continue
        try:
            handover_results_receive(actor=actor, handover=handover, raw=raw)
        except ValidationFailed as exc:
            logger.warning("tax exchange: results of %s refused: %s", handover.document_id, exc.message)
            Handover.objects.filter(pk=handover.pk).update(last_error=exc.message[:500])
            report.refused[handover.document_id] = exc.message
            continue
        report.results_in.append(handover.document_id)
    return report


def _fetch(handover: Handover, exchange: TaxExchange, retries: int, wait: float, sleep: Sleep) -> bytes | None:
    handover.last_error = ""
    for attempt in range(1, max(retries, 1) + 1):
        try:
            return exchange.fetch_results(handover.document_id)
        except (ExchangeUnavailable, OSError) as exc:
            handover.last_error = str(exc) or type(exc).__name__
            logger.warning("tax exchange: fetch %s of %s failed: %s", attempt, handover.document_id, exc)
            if attempt < retries:
                sleep(wait * attempt)
    Handover.objects.filter(pk=handover.pk).update(last_error=handover.last_error[:500])
    return None
