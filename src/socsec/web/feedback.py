"""Service feedback pages: the worker rates the services completed for them (``/me/services/``); the
supervisors see the catalogue with its time limits, and per service and province the actual processing
times and the ratings against those limits, with bars and a CSV (``/supervisor/services/``)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_view_service_quality
from socsec.core.errors import DomainError
from socsec.feedback.models import Service
from socsec.feedback.selectors import Performance, ratings_of, service_performance, services_to_rate
from socsec.feedback.services import COMMENT_MAX, service_rate

from .common import refusal_message
from .own import worker_person

STARS = [(n, str(n)) for n in range(5, 0, -1)]


class RatingForm(forms.Form):
    service = forms.ChoiceField(choices=Service.choices, widget=forms.HiddenInput)
    subject = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Your rating (5 is best)"), choices=STARS, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
def my_services(request: HttpRequest) -> HttpResponse:
    """The services completed for the worker that they may rate, each with its form; their ratings."""
    p, person = worker_person(request)
    today = timezone.localdate()
    error, status = "", 200
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                service_rate(
                    actor=p.actor,
                    person_id=person.pk,
                    service=d["service"],
                    subject_id=d["subject"],
                    rating=d["rating"],
                    comment=d["comment"],
                    today=today,
                )
            except DomainError as exc:
                error, status = refusal_message(exc), exc.status
            else:
                return redirect("web:my_services")
        else:
            error, status = _("Choose a rating from 1 to 5 (the comment may be up to 500 characters)."), 422
    to_rate = [
        (done, RatingForm(initial={"service": done.service, "subject": done.subject_id}, prefix=f"r{i}"))
        for i, done in enumerate(services_to_rate(person_id=person.pk, today=today))
    ]
    context = {"to_rate": to_rate, "given": ratings_of(person_id=person.pk), "error": error}
    return render(request, "web/my_services.html", context, status=status)


def _period(request: HttpRequest, today: dt.date) -> tuple[dt.date, dt.date, str]:
    """The period asked (``start``, ``end``: ISO days), else the last 12 months; an error for a bad one."""
    end_default, start_default = today, today - dt.timedelta(days=365)
    try:
        start = dt.date.fromisoformat(request.GET.get("start") or start_default.isoformat())
        end = dt.date.fromisoformat(request.GET.get("end") or end_default.isoformat())
    except ValueError:
        return start_default, end_default, _("A day is written as YYYY-MM-DD; the last 12 months are shown.")
    if start > end:
        return start_default, end_default, _("The first day is after the last; the last 12 months are shown.")
    return start, end, ""


@login_required
def service_quality(request: HttpRequest) -> HttpResponse:
    require(may_view_service_quality(principal_of(request)), "only a supervisor may see the services' figures")
    start, end, error = _period(request, timezone.localdate())
    entries, rows = service_performance(start=start, end=end)
    if request.GET.get("format") == "csv":
        return _csv(rows, start, end)
    context = {"entries": entries, "rows": rows, "start": start, "end": end, "error": error}
    return render(request, "web/supervisor_services.html", context, status=422 if error else 200)


def _csv(rows: list[Performance], start: dt.date, end: dt.date) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "service",
            "province",
            "limit_days",
            "completed",
            "on_time",
            "on_time_percent",
            "mean_days",
            "longest_days",
            "rated",
            "mean_rating",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r.service.value,
                r.province or "ALL",
                r.limit_days,
                r.completed,
                r.on_time,
                r.on_time_percent if r.on_time_percent is not None else "",
                r.mean_days if r.mean_days is not None else "",
                r.longest_days if r.longest_days is not None else "",
                r.rated,
                r.mean_rating if r.mean_rating is not None else "",
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="services-{start.isoformat()}-{end.isoformat()}.csv"'
    return response
