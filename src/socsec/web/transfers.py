"""The pension transfer on the pages: the worker asks online to move their pension relation to another
province and follows each step with the amounts and how they were computed; officers see the queue, ask
on a worker's behalf (the receiving agency), and issue the document, which within this deployment is
credited at once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from socsec.accounts.access import access_person, principal_of, require, require_staff, require_worker
from socsec.accounts.permissions import may_decide_claims
from socsec.accounts.reads import record_read
from socsec.core.errors import DomainError, NotFound
from socsec.interagency.models import OutboundDocument
from socsec.registry.models import Person, Region
from socsec.transfers.conversion import conversion_previews
from socsec.transfers.medical import medical_continuation
from socsec.transfers.models import Channel, OutgoingTransfer
from socsec.transfers.selectors import (
    destination_cities,
    incoming_queue,
    transfer_queue,
    transfers_into,
    transfers_out_of,
)
from socsec.transfers.services import (
    is_temporary,
    receiving_agencies,
    this_agency,
    transfer_deliver_locally,
    transfer_issue,
    transfer_request,
)

from .common import refusal_message
from .paging import page_of

St = OutgoingTransfer.Status
STEP_LABELS = {
    "REQUESTED": gettext_lazy("Requested"),
    "CHECKED": gettext_lazy("Checked: nothing outstanding, amounts worked out"),
    "ISSUED": gettext_lazy("Transfer document issued by the sending agency"),
    "RECEIVED": gettext_lazy("Received by the receiving agency"),
    "CREDITED": gettext_lazy("Credited: individual account and months on record"),
    "COMPLETED": gettext_lazy("Completed"),
    "REFUSED": gettext_lazy("Refused"),
}


def _steps(steps: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [{"label": STEP_LABELS.get(s["status"], s["status"]), "at": s["at"][:16].replace("T", " ")} for s in steps]


def _region_names(codes: set[str]) -> dict[str, Region]:
    return {r.code: r for r in Region.objects.filter(code__in=codes)}


def _agency_choices() -> list[dict[str, Any]]:
    """The agencies the forms offer: this one, then each registered peer with its region's name."""
    agencies = receiving_agencies()
    names = _region_names({region for _code, region in agencies if region})
    return [{"code": code, "region": names.get(region), "here": not region} for code, region in agencies]


def _outgoing_rows(transfers: list[OutgoingTransfer]) -> list[dict[str, Any]]:
    provinces = {t.explanation.get("claim_place", {}).get("province", "") for t in transfers}
    names = _region_names(provinces | {t.explanation.get("relation_kept_at", "") for t in transfers})
    deliveries = {
        d.document_id: d for d in OutboundDocument.objects.filter(document_id__in=[t.document_id for t in transfers])
    }
    rows = []
    for t in transfers:
        place = t.explanation.get("claim_place", {})
        rows.append(
            {
                "t": t,
                "steps": _steps(t.steps),
                "years": t.explanation.get("pooled_years", []),
                "account": t.explanation.get("individual_account"),
                "claim_place": place,
                "claim_province": names.get(place.get("province", "")),
                "total_cents": t.individual_account_cents + t.pooled_cents,
                "delivery": deliveries.get(t.document_id),
                "temporary": t.explanation.get("temporary_account") if is_temporary(t) else None,
                "kept_at": names.get(t.explanation.get("relation_kept_at", "")),
            }
        )
    return rows


@login_required
def my_transfers(request: HttpRequest) -> HttpResponse:
    """The worker's transfers, each step and amount explained; a form to ask for one."""
    p = principal_of(request)
    person = access_person(p, require_worker(p))
    error, status = None, 200
    if request.method == "POST":
        try:
            transfer_request(
                actor=p.actor,
                person=person,
                to_region=request.POST.get("to_region", ""),
                channel=Channel.WORKER,
                receiving_agency=request.POST.get("receiving_agency", "").strip(),
            )
        except DomainError as exc:
            error, status = refusal_message(exc), exc.status
        else:
            return redirect("web:my_transfers")
    today = timezone.localdate()
    context = {
        "conversions": conversion_previews(person=person, on=today),
        "rows": _outgoing_rows(list(transfers_out_of(person))),
        "incoming": list(transfers_into(person)),
        "medical": medical_continuation(person, on=today),
        "cities": destination_cities(),
        "agencies": _agency_choices(),
        "error": error,
        "chosen": request.POST.get("to_region", ""),
        "chosen_agency": request.POST.get("receiving_agency", ""),
    }
    return render(request, "web/my_transfers.html", context, status=status)


@login_required
def officer_transfers(request: HttpRequest) -> HttpResponse:
    """The queue of transfers by status (checked ones, waiting to be issued, by default), the transfers
    received, and the form to ask on a worker's behalf."""
    p = principal_of(request)
    require_staff(p)
    status = request.GET.get("status", St.CHECKED)
    status = status if status in St.values or status == "all" else St.CHECKED
    error, code = request.session.pop("transfer_error", None), 200
    if request.method == "POST":
        require(may_decide_claims(p), "only officers ask for transfers")
        try:
            person = _person_by_resident_id(request.POST.get("resident_id", ""))
            transfer_request(
                actor=p.actor,
                person=person,
                to_region=request.POST.get("to_region", ""),
                channel=Channel.AGENCY,
                receiving_agency=request.POST.get("receiving_agency", "").strip(),
            )
        except DomainError as exc:
            error, code = refusal_message(exc), exc.status
        else:
            return redirect("web:officer_transfers")
    page = page_of(request, transfer_queue(status="" if status == "all" else status))
    incoming = list(incoming_queue()[:20])
    record_read(p, [t.person_id for t in page.items] + [t.person_id for t in incoming], "transfer queue")
    context = {
        "page": page,
        "rows": _outgoing_rows(list(page.items)),
        "incoming": incoming,
        "status": status,
        "statuses": St.choices,
        "cities": destination_cities(),
        "agencies": _agency_choices(),
        "here": this_agency(),
        "error": error,
        "may_act": may_decide_claims(p),
    }
    return render(request, "web/officer_transfers.html", context, status=code)


def _person_by_resident_id(resident_id: str) -> Person:
    person = Person.objects.with_resident_id(resident_id.strip().upper()).first() if resident_id.strip() else None
    if person is None:
        raise NotFound("no person with this resident ID is registered at this agency.", field="resident_id")
    return person


@login_required
def officer_transfer_issue(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """Issue a checked transfer's document (POST); to a region of this deployment it is credited at once, to
    a peer agency it is queued in the interagency outbox with the issue."""
    p = principal_of(request)
    require_staff(p)
    require(may_decide_claims(p), "only officers issue transfer documents")
    if request.method != "POST":
        return redirect("web:officer_transfers")
    transfer = OutgoingTransfer.objects.filter(pk=transfer_id).first()
    if transfer is None:
        raise NotFound("no transfer %(transfer)s.", params={"transfer": transfer_id})
    try:
        if transfer.receiving_agency == this_agency():
            transfer_deliver_locally(actor=p.actor, transfer=transfer)
        else:
            transfer_issue(actor=p.actor, transfer=transfer)
    except DomainError as exc:
        request.session["transfer_error"] = refusal_message(exc)
    return redirect("web:officer_transfers")
