"""The officer's page of month jobs: start the month's assessment (invoices) or pay run as a background
job, then watch its progress (the fragment polled by htmx every 2 s) and read its outcome."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.accounts.access import principal_of, require, require_staff
from socsec.accounts.permissions import may_run_month_jobs
from socsec.core.errors import DomainError
from socsec.core.months import month_of
from socsec.jobs.models import Job
from socsec.jobs.selectors import job_get, jobs_recent
from socsec.jobs.services import job_is_stale, job_mark_interrupted, job_start
from socsec.jobs.steps import STEP_WORDS

from .common import is_htmx, refusal_message


class JobStartForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Job"), choices=Job.Kind.choices, widget=forms.RadioSelect)
    month = forms.RegexField(
        label=gettext_lazy("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": gettext_lazy("Enter a month as YYYY-MM, such as 2026-05.")},
        widget=forms.TextInput(attrs={"type": "month", "autocomplete": "off"}),
    )


@login_required
def officer_jobs(request: HttpRequest) -> HttpResponse:
    """The form to start a job and the latest jobs."""
    p = principal_of(request)
    require_staff(p)
    may_run = may_run_month_jobs(p)
    status = 200
    form = JobStartForm(initial={"kind": Job.Kind.ASSESSMENT, "month": month_of(timezone.localdate(), -1)})
    running: int | None = None
    if request.method == "POST":
        require(may_run, "only an officer or a supervisor starts the month's jobs")
        form = JobStartForm(request.POST)
        if form.is_valid():
            try:
                job = job_start(actor=p.actor, kind=form.cleaned_data["kind"], month=form.cleaned_data["month"])
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, refusal_message(exc))
                running = exc.details.get("job")
                status = exc.status
            else:
                return redirect("web:officer_job", job_id=job.pk)
        else:
            status = 422
    context = {"form": form, "jobs": list(jobs_recent()), "may_run": may_run, "running": running}
    return render(request, "web/officer_jobs.html", context, status=status)


@login_required
def officer_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job: its progress (polled while it runs) and its outcome."""
    p = principal_of(request)
    require_staff(p)
    job = job_get(job_id=job_id)
    context = {
        "job": job,
        "step_words": STEP_WORDS.get(job.step, ""),
        "error": _job_error(job),
        "stale": job_is_stale(job) and may_run_month_jobs(p),
        "stale_minutes": settings.SOCSEC_JOB_STALE_MINUTES,
    }
    template = "web/_job_progress.html" if is_htmx(request) else "web/officer_job.html"
    return render(request, template, context)


@login_required
def officer_job_interrupt(request: HttpRequest, job_id: int) -> HttpResponse:
    """Mark a job that shows no sign of life as interrupted: the confirmation (GET), then the mark (POST)."""
    p = principal_of(request)
    require_staff(p)
    require(may_run_month_jobs(p), "only an officer or a supervisor marks a month job interrupted")
    job = job_get(job_id=job_id)
    error, status = "", 200
    if request.method == "POST":
        try:
            job_mark_interrupted(actor=p.actor, job=job)
        except DomainError as exc:
            error, status = refusal_message(exc), exc.status
        else:
            return redirect("web:officer_job", job_id=job.pk)
    context = {"job": job, "error": error, "stale_minutes": settings.SOCSEC_JOB_STALE_MINUTES}
    return render(request, "web/officer_job_interrupt.html", context, status=status)


def _job_error(job: Job) -> str:
    """The failure in the reader's language (the sentence translated, then filled in)."""
    if not job.error_template:
        return ""
    sentence = _(job.error_template)
    return sentence % job.error_params if job.error_params else sentence
