"""The sending side of a transfer: the request and its checks, the document issued with the sending
ledger entries, and the receipt that completes it. Each write is one transaction with its audit entry; a
refusal writes nothing (a transfer refused at issue keeps its REFUSED state and reason)."""

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, NotFound, ValidationFailed
from socsec.ledger.accounts import PENSION_TRANSFER_IN_TRANSIT, fund, individual_account
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.services import post as ledger_post
from socsec.registry.models import Person, Region

from ..amounts import staying, temporary_account, work_out
from ..documents import DocumentError, Party, PersonIdentity, TransferDocument, TransferReceipt
from ..errors import TransferErrorCode as Code
from ..models import Channel, OutgoingTransfer
from ..notices import refusal_values, transfer_tell
from ..outstanding import outstanding, relation_region

PENSION_FUND = "EMPLOYEE_PENSION"
OPEN = (OutgoingTransfer.Status.REQUESTED, OutgoingTransfer.Status.CHECKED, OutgoingTransfer.Status.ISSUED)


def this_agency() -> str:
    """This deployment's agency code (``SOCSEC_AGENCY_CODE``; one deployment may serve several regions)."""
    return str(getattr(settings, "SOCSEC_AGENCY_CODE", "") or "socsec")


def receiving_agencies() -> list[tuple[str, str]]:
    """The agencies a transfer may go to: this one (a region of this deployment) and every active peer
    agency, as ``(code, region)``."""
    from socsec.interagency.models import Peer

    here = this_agency()
    peers = Peer.objects.filter(active=True).exclude(code=here).order_by("code").values_list("code", "region")
    return [(here, ""), *peers]


def receiving_agency_for(to_region: str, chosen: str = "") -> str:
    """The agency a transfer to ``to_region`` goes to: ``chosen`` when it is this agency or an active peer
    (refused otherwise); when none is chosen, the peer serving the region's province, else this agency."""
    agencies = receiving_agencies()
    if chosen:
        if chosen not in {code for code, _region in agencies}:
            raise ValidationFailed(
                "receiving_agency: %(agency)s is neither this agency nor a registered peer agency.",
                field="receiving_agency",
                code=Code.UNKNOWN_AGENCY,
                params={"agency": chosen},
            )
        return chosen
    serving = [code for code, region in agencies[1:] if region[:2] == to_region[:2]]
    return serving[0] if serving else this_agency()


def is_temporary(transfer: OutgoingTransfer) -> bool:
    """Whether the transfer sets up a temporary account at the new place instead of moving the relation."""
    return bool((transfer.explanation.get("temporary_account") or {}).get("value"))


def now_text() -> str:
    return timezone.now().isoformat()


def step(status: str, at: str = "") -> dict[str, str]:
    """One step of a transfer's history: the status reached and when (ISO)."""
    return {"status": status, "at": at or now_text()}


def transfer_request(
    *,
    actor: Actor,
    person: Person,
    to_region: str,
    channel: str = Channel.WORKER,
    receiving_agency: str = "",
    today: dt.date | None = None,
) -> OutgoingTransfer:
    """Record a request to move the person's pension relation to ``to_region`` (a city's code) and check it:
    the person has nothing outstanding, the relation is in another province, no temporary account replaces
    the transfer, and there is something to move. Then the amounts are worked out (CHECKED). A refusal
    writes nothing."""
    today = today or timezone.localdate()
    if channel not in Channel.values:
        raise ValidationFailed(
            "channel: %(channel)s is not WORKER or AGENCY.", field="channel", params={"channel": channel}
        )
    region = Region.objects.filter(code=to_region, level=Region.Level.CITY).first()
    if region is None:
        raise ValidationFailed(
            "to_region: %(region)s is not a city's region code.", field="to_region", params={"region": to_region}
        )
    agency = receiving_agency_for(to_region, receiving_agency)
    with transaction.atomic():
        person = Person.objects.select_for_update(of=("self",)).select_related("residence_region").filter(
            pk=person.pk
        ).first() or _unknown(person.pk)
        from_code = relation_region(person, today)
        if from_code[:2] == to_region[:2]:
            raise Conflict(
                "to_region: the pension relation is in that province already (%(region)s).",
                field="to_region",
                code=Code.SAME_PROVINCE,
                params={"region": from_code},
            )
        if OutgoingTransfer.objects.filter(person=person, status__in=OPEN).exists():
            raise Conflict("a transfer of this person is not finished yet.", code=Code.IN_PROGRESS)
        _refuse_outstanding(person, today)
        temporary = temporary_account(person, on=today, to_region=to_region)
        if temporary["value"]:  # the relation and the record stay; the new place sets up a temporary account
            worked = staying(person, on=today, home_region=from_code)
        else:
            worked = work_out(person, on=today, home_region=from_code, to_region=to_region)
        if not temporary["value"] and not worked.periods and not worked.individual_account_cents:
            raise Conflict("there are no months and no money on record to move.", code=Code.NOTHING_TO_TRANSFER)
        now = now_text()
        transfer = OutgoingTransfer.objects.create(
            person=person,
            from_region=Region.objects.get(code=from_code),
            to_region=region,
            channel=channel,
            receiving_agency=agency,
            status=OutgoingTransfer.Status.CHECKED,
            document_id=str(uuid.uuid4()),
            individual_account_cents=worked.individual_account_cents,
            pooled_cents=worked.pooled_cents,
            months=worked.months,
            explanation={**worked.explanation, "temporary_account": temporary},
            document={"periods": [vars(p) for p in worked.periods], "years": [vars(y) for y in worked.years]},
            steps=[step("REQUESTED", now), step("CHECKED", now)],
            requested_at=timezone.now(),
        )
        audit_record(actor=actor, action="transfer.request", instance=transfer)
        transfer_tell(transfer, "transfer.requested")
    return transfer


def _unknown(person_id: object) -> Person:
    raise NotFound("no person %(person)s at this agency.", code=Code.UNKNOWN_PERSON, params={"person": person_id})


def _refuse_outstanding(person: Person, today: dt.date) -> None:
    found = outstanding(person, today)
    if found:
        code, message, params = found[0]
        raise Conflict(message, code=code, params=params, details={"outstanding": [c for c, _m, _p in found]})


REFUSAL_FIELDS = ["status", "refusal_code", "refusal_reason", "refusal_template", "refusal_params"]


def transfer_issue(*, actor: Actor, transfer: OutgoingTransfer, today: dt.date | None = None) -> TransferDocument:
    """Issue the transfer document of a CHECKED transfer: nothing outstanding still, the money out of the
    sending province's pooled fund and the individual account into transit, ISSUED, and (to a peer agency)
    the signed document queued in the interagency outbox, all in one transaction. Issued before: the same
    document again, nothing written. Money outstanding now: REFUSED with the reason (returned as an error)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        transfer = (  # the transfer's and the person's rows locked, not the regions' (all of a region's would wait)
            OutgoingTransfer.objects.select_for_update(of=("self", "person"))
            .select_related("person__residence_region", "from_region", "to_region")
            .get(pk=transfer.pk)
        )
        if transfer.status in (OutgoingTransfer.Status.ISSUED, OutgoingTransfer.Status.COMPLETED):
            return document_of(transfer)
        if transfer.status != OutgoingTransfer.Status.CHECKED:
            raise Conflict(
                "the transfer is %(status)s; only a checked one is issued.",
                code=Code.WRONG_STATE,
                params={"status": transfer.get_status_display()},
            )
        found = outstanding(transfer.person, today)
        if found:
            code, message, params = found[0]
            before = _snapshot(transfer)
            transfer.status = OutgoingTransfer.Status.REFUSED
            transfer.refusal_code, transfer.refusal_reason = code, message % params
            transfer.refusal_template, transfer.refusal_params = message, params
            transfer.steps = [*transfer.steps, step("REFUSED")]
            transfer.save(update_fields=[*REFUSAL_FIELDS, "steps"])
            audit_record(actor=actor, action="transfer.refuse", instance=transfer, before=before)
            transfer_tell(transfer, "transfer.refused", **refusal_values(transfer))
        else:
            before = _snapshot(transfer)
            if not is_temporary(transfer):  # a temporary account moves nothing: nothing to work out again
                _work_out_again(transfer, today)
            return _issue(actor, transfer, before)
    raise Conflict(message, code=code, params=params)


def _work_out_again(transfer: OutgoingTransfer, today: dt.date) -> None:
    """The amounts as they stand at the issue, under the person's lock: a contribution paid or interest
    credited since the request moves too, and nothing is left behind in the account or overdrawn."""
    person = (
        Person.objects.select_for_update(of=("self",)).select_related("residence_region").get(pk=transfer.person_id)
    )
    worked = work_out(person, on=today, home_region=transfer.from_region.code, to_region=transfer.to_region.code)
    transfer.individual_account_cents = worked.individual_account_cents
    transfer.pooled_cents = worked.pooled_cents
    transfer.months = worked.months
    transfer.explanation = {**worked.explanation, "temporary_account": transfer.explanation.get("temporary_account")}
    transfer.document = {"periods": [vars(p) for p in worked.periods], "years": [vars(y) for y in worked.years]}


def _snapshot(transfer: OutgoingTransfer) -> dict[str, Any]:
    from socsec.audit.services import snapshot

    return snapshot(transfer)


def _issue(actor: Actor, transfer: OutgoingTransfer, before: dict[str, Any]) -> TransferDocument:
    transfer.steps = [*transfer.steps, step("ISSUED")]
    transfer.status = OutgoingTransfer.Status.ISSUED
    total = transfer.individual_account_cents + transfer.pooled_cents
    if total:
        key = source_key(SourceKind.TRANSFER_OUT, transfer.document_id)
        transfer.ledger_transaction = ledger_post(
            entries=[
                (individual_account(transfer.person_id), transfer.individual_account_cents),
                (fund(PENSION_FUND, transfer.from_region.province_code), transfer.pooled_cents),
                (PENSION_TRANSFER_IN_TRANSIT, -total),
            ],
            description=f"pension relation of person {transfer.person_id} moved to {transfer.to_region.province_code}"
            f" ({transfer.document_id})",
            kind=LineKind.TRANSFER_OUT,
            params={
                "person": transfer.person_id,
                "document": transfer.document_id,
                "province": transfer.to_region.province_code,
            },
            source=key,
            idempotency_key=key,
        )
    transfer.save(
        update_fields=[
            "status",
            "steps",
            "ledger_transaction",
            "individual_account_cents",
            "pooled_cents",
            "months",
            "explanation",
            "document",
        ]
    )
    audit_record(actor=actor, action="transfer.issue", instance=transfer, before=before)
    transfer_tell(transfer, "transfer.issued")
    document = document_of(transfer)
    if transfer.receiving_agency != this_agency():
        _queue(actor, transfer.receiving_agency, document)
    return document


def _queue(actor: Actor, agency: str, document: TransferDocument) -> None:
    """The signed document in the outbox to the peer agency, in the issue's transaction: it exists exactly
    when the transfer is ISSUED, and ``socsec agency deliver`` carries it."""
    from socsec.interagency.outbox import Issue, documents_issue
    from socsec.interagency.pension_transfer import KIND

    documents_issue(actor=actor, peer_code=agency, documents=[Issue(document.document_id, KIND, document.as_json())])


def document_of(transfer: OutgoingTransfer) -> TransferDocument:
    """The document of an issued transfer, its person's identity read from the person's row."""
    p = transfer.person
    stored = transfer.document
    data = {
        "document_id": transfer.document_id,
        "issued_at": next((s["at"] for s in transfer.steps if s["status"] == "ISSUED"), ""),
        "sending": vars(_party(this_agency(), transfer.from_region)),
        "receiving": vars(_party(transfer.receiving_agency, transfer.to_region)),
        "person": vars(
            PersonIdentity(
                resident_id=p.resident_id,
                name=p.name,
                birth_date=p.birth_date.isoformat(),
                sex=p.sex,
                retirement_group=p.retirement_group,
                registered_residence=p.residence_region.code,
            )
        ),
        "channel": transfer.channel,
        "periods": stored["periods"],
        "years": stored["years"],
        "individual_account_cents": transfer.individual_account_cents,
        "pooled_cents": transfer.pooled_cents,
        "explanation": transfer.explanation,
        "format": "socsec.pension-transfer",
        "version": 1,
    }
    return TransferDocument.from_json(data)


def _party(agency: str, region: Region) -> Party:
    return Party(agency=agency, region=region.code, province=region.province_code)


def transfer_receipt_apply(*, actor: Actor, receipt: TransferReceipt | Mapping[str, Any]) -> OutgoingTransfer:
    """The receiving agency's receipt: the sending side's transfer COMPLETED (once; a repeat changes nothing)."""
    data = receipt.as_json() if isinstance(receipt, TransferReceipt) else dict(receipt)
    try:
        got = TransferReceipt.from_json(data)
    except DocumentError as exc:
        raise ValidationFailed(
            "receipt: %(path)s %(reason)s", field="receipt", params={"path": exc.path, "reason": exc.reason}
        ) from None
    with transaction.atomic():
        transfer = OutgoingTransfer.objects.select_for_update().filter(document_id=got.document_id).first()
        if transfer is None:
            raise NotFound("no transfer issued with document %(document)s.", params={"document": got.document_id})
        if transfer.status == OutgoingTransfer.Status.COMPLETED:
            return transfer
        if transfer.status != OutgoingTransfer.Status.ISSUED:
            raise Conflict(
                "the transfer is %(status)s; a receipt completes an issued one.",
                code=Code.WRONG_STATE,
                params={"status": transfer.get_status_display()},
            )
        if (got.individual_account_cents, got.pooled_cents) != (
            transfer.individual_account_cents,
            transfer.pooled_cents,
        ):
            raise ValidationFailed(
                "receipt: the amounts credited differ from the amounts sent.", code=Code.BAD_DOCUMENT
            )
        before = _snapshot(transfer)
        transfer.status = OutgoingTransfer.Status.COMPLETED
        transfer.receipt = got.as_json()
        transfer.completed_at = timezone.now()
        transfer.steps = [*transfer.steps, step("COMPLETED", transfer.completed_at.isoformat())]
        transfer.save(update_fields=["status", "receipt", "steps", "completed_at"])
        audit_record(actor=actor, action="transfer.complete", instance=transfer, before=before)
        transfer_tell(transfer, "transfer.completed")
    return transfer


def transfer_refused_by_receiver(
    *,
    actor: Actor,
    document_id: str,
    code: str,
    reason: str,
    template: str = "",
    params: Mapping[str, str | int] | None = None,
    withdrawn: bool = False,
) -> OutgoingTransfer:
    """The receiving agency refused the document (or, ``withdrawn``, an officer withdrew it after its answers
    could not be used): the transfer is REFUSED with its code and reason (and the reason's template and
    values, when the receiver sent them, to show it in the reader's language), and what
    the issue moved out (the individual account and the pooled part, held in transit) goes back to where it
    was, in one balanced transaction. Once: a repeat changes nothing; a transfer not issued is refused."""
    with transaction.atomic():
        transfer = (
            OutgoingTransfer.objects.select_for_update()
            .select_related("from_region", "to_region")
            .filter(document_id=document_id)
            .first()
        )
        if transfer is None:
            raise NotFound("no transfer issued with document %(document)s.", params={"document": document_id})
        if transfer.status == OutgoingTransfer.Status.REFUSED:
            return transfer
        if transfer.status != OutgoingTransfer.Status.ISSUED:
            raise Conflict(
                "the transfer is %(status)s; only an issued one can be refused by the receiving agency.",
                code=Code.WRONG_STATE,
                params={"status": transfer.get_status_display()},
            )
        before = _snapshot(transfer)
        if transfer.ledger_transaction_id is not None:
            total = transfer.individual_account_cents + transfer.pooled_cents
            key = source_key(SourceKind.TRANSFER_RETURNED, transfer.document_id)
            ledger_post(
                entries=[
                    (individual_account(transfer.person_id), -transfer.individual_account_cents),
                    (fund(PENSION_FUND, transfer.from_region.province_code), -transfer.pooled_cents),
                    (PENSION_TRANSFER_IN_TRANSIT, total),
                ],
                description=f"pension transfer {transfer.document_id} of person {transfer.person_id} "
                + ("withdrawn by an officer" if withdrawn else "refused by the receiving agency")
                + ": returned",
                kind=LineKind.TRANSFER_RETURNED,
                params={
                    "person": transfer.person_id,
                    "document": transfer.document_id,
                    "province": transfer.to_region.province_code,
                },
                source=key,
                idempotency_key=key,
            )
        transfer.status = OutgoingTransfer.Status.REFUSED
        transfer.refusal_code, transfer.refusal_reason = code[:40], reason
        transfer.refusal_template, transfer.refusal_params = template, dict(params or {})
        transfer.steps = [*transfer.steps, step("REFUSED")]
        transfer.save(update_fields=[*REFUSAL_FIELDS, "steps"])
        audit_record(actor=actor, action="transfer.returned", instance=transfer, before=before)
        transfer_tell(transfer, "transfer.refused", **refusal_values(transfer))
    return transfer
