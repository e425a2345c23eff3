"""The receiving side of a transfer: a document checked and credited once by its id (the individual
account, the record's months and bases, the receiving ledger entries), its receipt returned."""

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.core.errors import Conflict, NotFound, ValidationFailed
from socsec.core.months import month_index
from socsec.ledger.accounts import PENSION_TRANSFER_IN_TRANSIT, fund, individual_account
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.services import post as ledger_post
from socsec.registry.models import Person, Region

from ..amounts import temporary_account, years_of
from ..documents import DocumentError, TransferDocument, TransferReceipt
from ..errors import TransferErrorCode as Code
from ..models import IncomingTransfer, TemporaryAccount, TransferredPeriod
from ..notices import transfer_tell
from .sending import PENSION_FUND, now_text, step, this_agency


def _digest(data: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def transfer_document_apply(*, actor: Actor, document: TransferDocument | Mapping[str, Any]) -> TransferReceipt:
    """Check and credit a transfer document (see the module ``documents``). Applied before with the same
    contents: the first receipt, nothing written; the same id with other contents: refused."""
    data = document.as_json() if isinstance(document, TransferDocument) else dict(document)
    try:
        doc = TransferDocument.from_json(data)
    except DocumentError as exc:
        raise ValidationFailed(
            "document: %(path)s %(reason)s", field="document", params={"path": exc.path, "reason": exc.reason}
        ) from None
    digest = _digest(doc.as_json())
    seen = IncomingTransfer.objects.filter(document_id=doc.document_id).first()
    if seen is not None:
        return _replayed(seen, digest)
    try:
        return _apply(actor, doc, digest)
    except IntegrityError:  # the same document applied at the same moment by another delivery
        seen = IncomingTransfer.objects.filter(document_id=doc.document_id).first()
        if seen is None:
            raise
        return _replayed(seen, digest)


def _replayed(seen: IncomingTransfer, digest: str) -> TransferReceipt:
    if seen.digest != digest:
        raise Conflict(
            "document %(document)s was received before with other contents.",
            code=Code.DUPLICATE_DOCUMENT,
            params={"document": seen.document_id},
        )
    return TransferReceipt.from_json(seen.receipt)


def _check(doc: TransferDocument) -> tuple[Person, Region]:
    bad = Code.BAD_DOCUMENT
    if doc.receiving.agency != this_agency():
        raise Conflict(
            "document: it is for agency %(agency)s, not this one.",
            code=Code.WRONG_AGENCY,
            params={"agency": doc.receiving.agency},
        )
    region = Region.objects.filter(code=doc.receiving.region, level=Region.Level.CITY).first()
    if region is None:
        raise ValidationFailed(
            "document: receiving region %(region)s is not served here.",
            code=bad,
            params={"region": doc.receiving.region},
        )
    person = Person.objects.with_resident_id(doc.person.resident_id).first()
    if person is None:
        raise NotFound("document: the person is not registered at this agency.", code=Code.UNKNOWN_PERSON)
    if person.birth_date.isoformat() != doc.person.birth_date or person.sex != doc.person.sex:
        raise ValidationFailed("document: the person's birth date or sex differs from the record here.", code=bad)
    expected = years_of(doc.periods)
    if [(y.year, y.months, y.base_cents, y.pooled_cents) for y in expected] != [
        (y.year, y.months, y.base_cents, y.pooled_cents) for y in doc.years
    ]:
        raise ValidationFailed(
            "document: the years' bases and pooled parts do not follow from its periods by the rules.", code=bad
        )
    if sum(y.pooled_cents for y in doc.years) != doc.pooled_cents:
        raise ValidationFailed("document: the pooled part is not the sum of its years.", code=bad)
    return person, region


def _apply(actor: Actor, doc: TransferDocument, digest: str) -> TransferReceipt:
    with transaction.atomic():
        person, region = _check(doc)
        now = now_text()
        months = {s: doc.months(s) for s in ("PENSION", "UNEMPLOYMENT", "MEDICAL")}
        receipt = TransferReceipt(
            document_id=doc.document_id,
            receiving_agency=this_agency(),
            credited_at=now,
            individual_account_cents=doc.individual_account_cents,
            pooled_cents=doc.pooled_cents,
            months=months,
        )
        stored = {k: v for k, v in doc.as_json().items() if k != "person"}
        incoming = IncomingTransfer.objects.create(
            document_id=doc.document_id,
            person=person,
            sending_agency=doc.sending.agency,
            from_region=doc.sending.region,
            to_region=region,
            status=IncomingTransfer.Status.CREDITED,
            individual_account_cents=doc.individual_account_cents,
            pooled_cents=doc.pooled_cents,
            months=months,
            digest=digest,
            document=stored,
            receipt=receipt.as_json(),
            steps=[step("RECEIVED", now), step("CREDITED", now)],
            received_at=timezone.now(),
        )
        TransferredPeriod.objects.bulk_create(
            TransferredPeriod(
                transfer=incoming,
                person=person,
                scheme=p.scheme,
                region=p.region,
                first_month=month_index(p.start),
                last_month=month_index(p.start) + p.months - 1,
                monthly_base_cents=p.monthly_base_cents,
            )
            for p in doc.periods
        )
        if doc.total_cents:
            key = source_key(SourceKind.TRANSFER_IN, doc.document_id)
            incoming.ledger_transaction = ledger_post(
                entries=[
                    (PENSION_TRANSFER_IN_TRANSIT, doc.total_cents),
                    (fund(PENSION_FUND, region.province_code), -doc.pooled_cents),
                    (individual_account(person.pk), -doc.individual_account_cents),
                ],
                description=f"pension relation of person {person.pk} moved in from {doc.sending.province}"
                f" ({doc.document_id})",
                kind=LineKind.TRANSFER_IN,
                params={"person": person.pk, "document": doc.document_id, "province": doc.sending.province},
                source=key,
                idempotency_key=key,
            )
            incoming.save(update_fields=["ledger_transaction"])
        audit_record(actor=actor, action="transfer.credit", instance=incoming)
        if _temporary(doc):
            _open_temporary_account(actor, doc, incoming, person, region)
        else:
            transfer_tell(incoming, "transfer.credited")
    return receipt


def _temporary(doc: TransferDocument) -> bool:
    return bool((doc.explanation.get("temporary_account") or {}).get("value"))


def _open_temporary_account(
    actor: Actor, doc: TransferDocument, incoming: IncomingTransfer, person: Person, region: Region
) -> None:
    """The temporary account the rule sets up here, checked by the rule on this agency's own record of the
    person (a document that asks for one where the rule does not is refused), the sending place named as
    the place of the relation and the record, and where to claim explained."""
    on = dt.datetime.fromisoformat(doc.issued_at).date()
    rule = temporary_account(person, on=on, to_region=region.code)
    if not rule["value"] or doc.periods or doc.total_cents:
        raise ValidationFailed(
            "document: it asks for a temporary account, but the rule sets none up for this person here"
            " (or money or months move with it).",
            code=Code.BAD_DOCUMENT,
        )
    account = TemporaryAccount.objects.create(
        transfer=incoming,
        person=person,
        region=region,
        relation_region=doc.sending.region,
        explanation={"temporary_account": rule, "claim_place": doc.explanation.get("claim_place", {})},
        opened_at=timezone.now(),
    )
    audit_record(actor=actor, action="transfer.temporary_account", instance=account)


def transfer_incoming_complete(*, actor: Actor, document_id: str) -> IncomingTransfer:
    """The receiving side's transfer COMPLETED once the sending side has taken the receipt (within this
    deployment right after it; between agencies when the exchange hears the receipt was applied).
    Idempotent: a completed one is returned as it is."""
    with transaction.atomic():
        incoming = IncomingTransfer.objects.select_for_update().filter(document_id=document_id).first()
        if incoming is None:
            raise NotFound("no transfer received with document %(document)s.", params={"document": document_id})
        if incoming.status == IncomingTransfer.Status.COMPLETED:
            return incoming
        before = snapshot(incoming)
        incoming.status = IncomingTransfer.Status.COMPLETED
        incoming.steps = [*incoming.steps, step("COMPLETED")]
        incoming.save(update_fields=["status", "steps"])
        audit_record(actor=actor, action="transfer.incoming.complete", instance=incoming, before=before)
    return incoming
