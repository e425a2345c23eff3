"""The help assistant's pages: the worker asks in Chinese or English and reads the answer with its sources
(``/me/assistant/``, htmx adds each exchange); a question it did not know goes to the officers, who answer
it on ``/officer/enquiries/``; officers and auditors review every exchange on ``/officer/assistant-log/``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from socsec.accounts.access import principal_of, require
from socsec.accounts.models import Role
from socsec.accounts.reads import record_read
from socsec.assistant.models import Exchange
from socsec.assistant.selectors import enquiries_open, exchanges_for_review, exchanges_of
from socsec.assistant.services import QUESTION_MAX, REPLY_MAX, enquiry_answer, enquiry_handover, question_ask
from socsec.core.errors import DomainError

from .common import is_htmx, refusal_message
from .own import worker_person
from .paging import page_of


@login_required
def my_assistant(request: HttpRequest) -> HttpResponse:
    """Ask a question (POST: htmx swaps in the new exchange); the person's earlier exchanges below."""
    p, person = worker_person(request)
    error, status, exchange = "", 200, None
    if request.method == "POST":
        try:
            exchange = question_ask(person=person, question=request.POST.get("question", "")[: QUESTION_MAX * 2])
        except DomainError as exc:
            error, status = refusal_message(exc), exc.status
        if is_htmx(request):
            return render(request, "web/_assistant_exchange.html", {"x": exchange, "error": error}, status=status)
        if exchange is not None:
            return redirect("web:my_assistant")
    context = {
        "exchanges": list(exchanges_of(person_id=person.pk)[:20]),
        "error": error,
        "question_max": QUESTION_MAX,
    }
    return render(request, "web/my_assistant.html", context, status=status)


@login_required
@require_POST
def my_assistant_handover(request: HttpRequest, exchange_id: int) -> HttpResponse:
    p, person = worker_person(request)
    try:
        enquiry_handover(actor=p.actor, person=person, exchange_id=exchange_id)
    except DomainError as exc:
        return render(
            request, "web/my_assistant.html", {"exchanges": [], "error": refusal_message(exc)}, status=exc.status
        )
    return redirect("web:my_assistant")


def _staff(request: HttpRequest, *roles: Role) -> None:
    p = principal_of(request)
    require(p.role in roles, "only agency staff may see the assistant's enquiries")


@login_required
def officer_enquiries(request: HttpRequest) -> HttpResponse:
    """The questions handed over by the assistant, oldest first; each answered with a form."""
    _staff(request, Role.OFFICER, Role.SUPERVISOR)
    p = principal_of(request)
    error, status = "", 200
    if request.method == "POST":
        try:
            enquiry_answer(
                actor=p.actor,
                enquiry_id=int(request.POST.get("enquiry", "0") or 0),
                reply=request.POST.get("reply", ""),
            )
        except (DomainError, ValueError) as exc:
            error = refusal_message(exc) if isinstance(exc, DomainError) else str(exc)
            status = exc.status if isinstance(exc, DomainError) else 422
        else:
            return redirect("web:officer_enquiries")
    enquiries = list(enquiries_open()[:100])
    record_read(p, [e.person_id for e in enquiries], "enquiries")
    context = {"enquiries": enquiries, "error": error, "reply_max": REPLY_MAX}
    return render(request, "web/officer_enquiries.html", context, status=status)


@login_required
def officer_assistant_log(request: HttpRequest) -> HttpResponse:
    """Every exchange, newest first, with its intent, sources and latency, for review."""
    _staff(request, Role.OFFICER, Role.SUPERVISOR, Role.AUDITOR)
    outcome = request.GET.get("outcome", "")
    outcome = outcome if outcome in Exchange.Outcome.values else ""
    page = page_of(request, exchanges_for_review(outcome=outcome))
    record_read(principal_of(request), [x.person_id for x in page.items], "assistant log")
    context = {"page": page, "outcome": outcome, "outcomes": Exchange.Outcome.choices}
    return render(request, "web/officer_assistant_log.html", context)
