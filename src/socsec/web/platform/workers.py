"""A platform's workers on the pages: the list (as it declared them, resident IDs masked as the API masks
them), search and paging; registering a worker and their engagement; ending an engagement after a
confirmation step. The writes are the API's services (``worker_register``, ``engagement_end``)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socsec.accounts.access import access_engagement, principal_of, require, require_platform
from socsec.accounts.permissions import may_register_workers, person_disclosure
from socsec.accounts.reads import record_read
from socsec.core.errors import Conflict, ValidationFailed
from socsec.registry import selectors, services
from socsec.registry.models import Engagement
from socsec.registry.services.engagement_ends import end_limits
from socsec.web.common import is_htmx
from socsec.web.paging import page_of

from .forms import EngagementEndForm, WorkerForm
from .refusals import field_errors

PAGE_SIZE = 20


@login_required
def platform_workers(request: HttpRequest) -> HttpResponse:
    """The platform's workers by id, a page at a time (``page``, ``size``; nothing counts the whole list),
    found by the whole resident ID or the whole name it declared; each with its engagements with the
    platform, read for the whole page at once."""
    p = principal_of(request)
    platform = require_platform(p)
    query = request.GET.get("q", "").strip()[:100]
    matching = selectors.persons_matching(query=query, organisation=platform).order_by("id")
    page = page_of(request, matching, size=PAGE_SIZE)
    people = selectors.as_declared(page.items, platform)
    record_read(p, [x.pk for x in people], "person search")
    engagements: dict[int, list[Engagement]] = {}
    for e in (
        Engagement.objects.filter(organisation=platform, person_id__in=[x.pk for x in people])
        .select_related("organisation", "work_region")
        .order_by("start_date", "id")
    ):
        engagements.setdefault(e.person_id, []).append(e)
    rows = [
        {
            "person": x,
            "resident_id": person_disclosure(p, x.pk, listing=True).resident_id(x.resident_id),
            "name": person_disclosure(p, x.pk, listing=True).name(x.name),
            "engagements": engagements.get(x.pk, []),
        }
        for x in people
    ]
    context = {"rows": rows, "page": page, "query": query, "today": timezone.localdate()}
    template = "web/_platform_workers.html" if is_htmx(request) else "web/platform_workers.html"
    return render(request, template, context)


@login_required
def worker_new(request: HttpRequest) -> HttpResponse:
    """Register a worker and their engagement; a refusal shows under its field and writes nothing."""
    p = principal_of(request)
    platform = require_platform(p)
    require(may_register_workers(p), "you may not register workers")
    form = WorkerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            person, engagement = form.service_arguments()
            try:
                _person, created_engagement, _created = services.worker_register(
                    actor=p.actor, organisation=platform, person=person, engagement=engagement
                )
            except (ValidationFailed, Conflict) as exc:
                form.add_refusal(field_errors(exc, ("person.", "engagement.")))
            else:
                messages.success(
                    request,
                    _("%(name)s is registered, engaged with you from %(day)s.")
                    % {"name": person["name"], "day": created_engagement.start_date.isoformat()},
                )
                target = reverse("web:platform_workers")
                if is_htmx(request):
                    return HttpResponse(status=204, headers={"HX-Redirect": target})
                return redirect(target)
        form.describe_errors()
    template = "web/_worker_form.html" if is_htmx(request) else "web/worker_new.html"
    # htmx swaps only answers of 2xx: a refused form comes back as 200 to it, 422 to a plain post
    status = 422 if form.errors and not is_htmx(request) else 200
    return render(request, template, {"form": form}, status=status)


@login_required
def engagement_end(request: HttpRequest, engagement_id: int) -> HttpResponse:
    """End an engagement in two steps: the date, checked against the limits (the last order, open claims,
    how far back), then a confirmation that says what will happen; only the confirmed post writes."""
    p = principal_of(request)
    platform = require_platform(p)
    engagement = access_engagement(p, engagement_id)
    person = selectors.as_declared([engagement.person], platform)[0]
    today = timezone.localdate()
    step = request.POST.get("step", "") if request.method == "POST" else ""
    form = EngagementEndForm(
        request.POST if step else None, start_date=engagement.start_date, initial={"end_date": today}
    )
    confirming = False
    if step and form.is_valid():
        end: dt.date = form.cleaned_data["end_date"]
        if step == "confirm":
            try:
                services.engagement_end(actor=p.actor, engagement=engagement, end_date=end, today=today)
            except (ValidationFailed, Conflict) as exc:
                form.add_refusal(field_errors(exc))
            else:
                messages.success(
                    request,
                    _("The engagement of %(name)s ends on %(day)s.") % {"name": person.name, "day": end.isoformat()},
                )
                return redirect(reverse("web:platform_workers"))
        else:
            broken = end_limits(engagement, end, today)
            if broken:
                form.add_refusal(field_errors(broken[0].error()))
            else:
                confirming = True
    form.describe_errors()
    context = {
        "engagement": engagement,
        "person": person,
        "form": form,
        "confirming": confirming,
        "end": form.cleaned_data.get("end_date") if confirming else None,
    }
    return render(request, "web/engagement_end.html", context, status=422 if form.errors else 200)
