"""The exchange with other agencies on the officers' pages: each document sent (its state, attempts and
last error, a button to send a flagged one again), each document received (applied or refused, and how
often it came again), and the counts of posts refused before they could be trusted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from socsec.accounts.access import principal_of, require, require_staff
from socsec.accounts.models import Role
from socsec.core.errors import DomainError
from socsec.interagency.kinds import withdrawable_kinds
from socsec.interagency.models import DocumentState
from socsec.interagency.outbox import document_retry, document_withdraw
from socsec.interagency.selectors import inbox_documents, outbox_counts, outbox_documents, refused_attempts

from .common import refusal_message
from .paging import page_of

OUT_STATES = [(v, label) for v, label in DocumentState.choices if v != DocumentState.APPLIED]
IN_STATES = [(v, label) for v, label in DocumentState.choices if v in (DocumentState.APPLIED, DocumentState.REFUSED)]


@login_required
def officer_agency_outbox(request: HttpRequest) -> HttpResponse:
    """The documents sent to other agencies by state; an officer sends a flagged one again."""
    p = principal_of(request)
    require_staff(p)
    if request.method == "POST":
        require(p.role in (Role.OFFICER, Role.SUPERVISOR), "only an officer sends a document again")
        document_id = request.POST.get("document", "")[:100]
        try:
            if request.POST.get("action") == "withdraw":
                doc = document_withdraw(actor=p.actor, document_id=document_id, note=request.POST.get("note", ""))
                done = _("The document %(id)s was withdrawn and its effects undone.")
            else:
                doc = document_retry(actor=p.actor, document_id=document_id)
                done = _("The document %(id)s waits to be sent again.")
        except DomainError as exc:
            messages.error(request, refusal_message(exc))
        else:
            messages.success(request, done % {"id": doc.document_id})
        return redirect(request.get_full_path())
    state = request.GET.get("state", "")
    state = state if state in dict(OUT_STATES) else ""
    counts = outbox_counts()
    context = {
        "page": page_of(request, outbox_documents(state=state)),
        "states": OUT_STATES,
        "state": state,
        "counts": [(label, counts.get(v, 0)) for v, label in OUT_STATES],
        "may_act": p.role in (Role.OFFICER, Role.SUPERVISOR),
        "withdrawable": withdrawable_kinds(),
    }
    return render(request, "web/officer_agency_outbox.html", context)


@login_required
def officer_agency_inbox(request: HttpRequest) -> HttpResponse:
    """The documents received from other agencies, applied or refused, and the refused posts counted."""
    require_staff(principal_of(request))
    state = request.GET.get("state", "")
    state = state if state in dict(IN_STATES) else ""
    context = {
        "page": page_of(request, inbox_documents(state=state)),
        "states": IN_STATES,
        "state": state,
        "attempts": list(refused_attempts()),
    }
    return render(request, "web/officer_agency_inbox.html", context)
