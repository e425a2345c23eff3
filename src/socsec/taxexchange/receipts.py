"""Later payments: the tax authority's receipts of money collected on a document after its results were in
(an employer that pays a month late, whole or in part). Each receipt updates its lines' results (PART_PAID
or PAID, the amount and the day paid), and the ledger posts exactly the difference it makes under the
receipt's own key; the months then count on the record, the surcharge stops at the day paid (``arrears``)
and the work-injury payers decided on the month are revisited (``injury_payers``).

A receipts file is taken whole or not at all: a file that cannot be read, a receipt for a document that
is not there or has no results in force (replaced, or still waiting), for a line the document does not
have, or for more than the line still owes, refuses the file naming the receipt and why, and nothing of
it is written. A receipt recorded before is left as it is (the same file fetched again changes nothing);
one recorded with other amounts refuses the file."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import ValidationFailed
from socsec.core.faults import fault
from socsec.ledger.services import post_many_keys

from .errors import TaxExchangeErrorCode
from .exchange import ExchangeUnavailable, TaxExchange
from .injury_payers import injury_payers_revisit
from .models import CollectionReceipt, CollectionReceiptLine, CollectionResult, Handover, ReceiptFile
from .postings import LineChange, receipt_posting
from .receipt_files import Receipt, receipts_read

logger = logging.getLogger(__name__)
S = CollectionResult.Status
BATCH = 500  # receipts read and checked together: no query grows with the file


@dataclass
class ReceiptsReport:
    applied: list[str] = field(default_factory=list)  # files whose receipts were recorded now
    unchanged: list[str] = field(default_factory=list)  # files recorded before, fetched again
    receipts: int = 0  # receipts recorded now
    refused: dict[str, str] = field(default_factory=dict)  # file name: why it was refused
    unreachable: str = ""  # why the exchange's list of files could not be read


def _refused(receipt: Receipt, template: str, **params: object) -> ValidationFailed:
    return ValidationFailed(
        template,
        field="receipts",
        code=TaxExchangeErrorCode.RECEIPT_REFUSED,
        params={"line": receipt.line, "receipt": receipt.receipt_id, **params},
    )


def _same(recorded: CollectionReceipt, receipt: Receipt) -> bool:
    lines = {(x.person_id, x.scheme, x.paid_cents) for x in recorded.lines.all()}
    return (
        recorded.handover.document_id == receipt.document_id
        and recorded.paid_on == receipt.paid_on
        and lines == {(x.person_id, x.scheme, x.paid_cents) for x in receipt.lines}
    )


def _new_receipts(receipts: Sequence[Receipt]) -> list[Receipt]:
    """The receipts not recorded before; one recorded with other amounts or another document refuses."""
    out: list[Receipt] = []
    for at in range(0, len(receipts), BATCH):
        part = receipts[at : at + BATCH]
        recorded = {
            r.receipt_id: r
            for r in CollectionReceipt.objects.filter(receipt_id__in=[x.receipt_id for x in part])
            .select_related("handover")
            .prefetch_related("lines")
        }
        for receipt in part:
            before = recorded.get(receipt.receipt_id)
            if before is None:
                out.append(receipt)
            elif not _same(before, receipt):
                raise _refused(
                    receipt,
                    "receipts file, line %(line)s, receipt %(receipt)s: recorded before with other amounts or another"
                    " document",
                )
    return out


def _handovers(receipts: Sequence[Receipt]) -> dict[str, Handover]:
    """The documents the receipts name, locked; one not there or without results in force refuses."""
    found = {
        h.document_id: h
        for h in Handover.objects.select_for_update(of=("self",))
        .select_related("employer__registered_region")
        .filter(document_id__in=sorted({r.document_id for r in receipts}))
    }
    for receipt in receipts:
        handover = found.get(receipt.document_id)
        if handover is None:
            raise _refused(
                receipt,
                "receipts file, line %(line)s, receipt %(receipt)s: no document %(document)s",
                document=receipt.document_id,
            )
        if handover.state != Handover.State.RESULTS_IN:
            raise _refused(
                receipt,
                "receipts file, line %(line)s, receipt %(receipt)s: document %(document)s is %(state)s; later payments"
                " are taken on a document whose results are in",
                document=receipt.document_id,
                state=handover.state,
            )
    return found


def _results(
    receipts: Sequence[Receipt], handovers: dict[str, Handover]
) -> dict[tuple[int, int, str], CollectionResult]:
    """The results of the lines the receipts pay, by (handover, person, scheme), locked."""
    ids = sorted({handovers[r.document_id].pk for r in receipts})
    persons = sorted({x.person_id for r in receipts for x in r.lines})
    rows = CollectionResult.objects.select_for_update().filter(handover_id__in=ids, person_id__in=persons)
    return {(r.handover_id, r.person_id, r.scheme): r for r in rows}


def receipts_file_apply(*, actor: Actor, name: str, raw: bytes, today: dt.date | None = None) -> int:
    """Record a receipts file (see the module); returns how many receipts were recorded now."""
    receipts = receipts_read(raw, name=name, today=today or timezone.localdate())
    checksum = hashlib.sha256(raw).hexdigest()
    now = timezone.now()
    with transaction.atomic():
        known = ReceiptFile.objects.select_for_update().filter(name=name).first()
        if known is not None and known.checksum == checksum:
            return 0
        todo: list[Receipt] = []
        for at in range(0, len(receipts), BATCH):
            todo += _new_receipts(receipts[at : at + BATCH])
        if known is None:
            known = ReceiptFile.objects.create(
                name=name, checksum=checksum, receipt_count=len(receipts), received_at=now
            )
        else:
            known.checksum, known.receipt_count, known.received_at = checksum, len(receipts), now
            known.save(update_fields=["checksum", "receipt_count", "received_at"])
        for at in range(0, len(todo), BATCH):
            _apply(actor, known, todo[at : at + BATCH], now)
            fault("taxexchange.receipts.batch")  # killed with some receipts written
        audit_record(actor=actor, action="taxexchange.receipts_apply", instance=known)
        fault("taxexchange.receipts.commit")  # killed with everything written but not committed
    return len(todo)


def _apply(actor: Actor, file: ReceiptFile, receipts: Sequence[Receipt], now: dt.datetime) -> None:
    handovers = _handovers(receipts)
    results = _results(receipts, handovers)
    changed: dict[int, CollectionResult] = {}
    postings, lines = [], []
    for receipt in receipts:
        handover = handovers[receipt.document_id]
        changes: list[LineChange] = []
        for part in receipt.lines:
            result = results.get((handover.pk, part.person_id, part.scheme))
            if result is None:
                raise _refused(
                    receipt,
                    "receipts file, line %(line)s, receipt %(receipt)s: document %(document)s has no %(scheme)s line"
                    " of person %(person)s",
                    document=receipt.document_id,
                    scheme=part.scheme,
                    person=part.person_id,
                )
            owed = result.due_cents - result.paid_cents
            if part.paid_cents > owed:
                raise _refused(
                    receipt,
                    "receipts file, line %(line)s, receipt %(receipt)s: pays %(paid)s cents on the %(scheme)s line of"
                    " person %(person)s, which owes %(owed)s",
                    paid=part.paid_cents,
                    scheme=part.scheme,
                    person=part.person_id,
                    owed=owed,
                )
            before = (result.status, result.paid_cents)
            result.paid_cents += part.paid_cents
            result.late_paid_cents += part.paid_cents
            result.status = S.PAID if result.paid_cents == result.due_cents else S.PART_PAID
            result.late_paid_on = max(result.late_paid_on or receipt.paid_on, receipt.paid_on)
            changed[result.pk] = result
            changes.append(
                LineChange(
                    part.person_id,
                    part.scheme,
                    result.employer_cents,
                    result.employee_cents,
                    *before,
                    result.status,
                    result.paid_cents,
                )
            )
            lines.append((receipt.receipt_id, part, before[0], result.status))
        postings.append(receipt_posting(handover, receipt.receipt_id, receipt.paid_on, changes))
    made = CollectionReceipt.objects.bulk_create(
        [
            CollectionReceipt(
                receipt_id=r.receipt_id,
                handover=handovers[r.document_id],
                file=file,
                paid_on=r.paid_on,
                paid_cents=r.paid_cents,
                received_at=now,
            )
            for r in receipts
        ]
    )
    ids = {r.receipt_id: r.pk for r in made}
    CollectionReceiptLine.objects.bulk_create(
        [
            CollectionReceiptLine(
                receipt_id=ids[receipt_id],
                person_id=part.person_id,
                scheme=part.scheme,
                paid_cents=part.paid_cents,
                status_before=before,
                status_after=after,
            )
            for receipt_id, part, before, after in lines
        ]
    )
    CollectionResult.objects.bulk_update(
        list(changed.values()), ["status", "paid_cents", "late_paid_cents", "late_paid_on"], batch_size=BATCH
    )
    post_many_keys(postings)
    injury_payers_revisit(
        actor=actor, results=[r for r in changed.values() if r.scheme == "WORK_INJURY"], today=timezone.localdate(now)
    )


def receipts_fetch(*, actor: Actor, exchange: TaxExchange) -> ReceiptsReport:
    """Fetch and record every receipts file the exchange published that is not recorded as it is (oldest
    first); a refused file is logged and reported, and fetched again next time."""
    report = ReceiptsReport()
    try:
        names = exchange.receipt_files()
    except (ExchangeUnavailable, OSError) as exc:
        report.unreachable = str(exc) or type(exc).__name__
        logger.warning("tax exchange: the receipts files could not be listed: %s", report.unreachable)
        return report
    recorded = dict(ReceiptFile.objects.values_list("name", "checksum"))
    for name in names:
        try:
            raw = exchange.fetch_receipt_file(name)
        except (ExchangeUnavailable, OSError) as exc:
            report.refused[name] = str(exc) or type(exc).__name__
            continue
        if recorded.get(name) == hashlib.sha256(raw).hexdigest():
            report.unchanged.append(name)
            continue
        try:
            report.receipts += receipts_file_apply(actor=actor, name=name, raw=raw)
        except ValidationFailed as exc:
            logger.warning("tax exchange: receipts file %s refused: %s", name, exc.message)
            report.refused[name] = exc.message
            continue
        report.applied.append(name)
    return report
