"""Data-quality pages: the officer's dashboard (each rule's count per province in the latest run, the
trend over the runs (plotly, drawn by the projections page's script), the findings, CSV), a finding with
its evidence and the correction proposed on it (prefilled from the data held), and the worker's page
where the person confirms or rejects a correction."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socsec.accounts.access import principal_of, require, require_staff, require_worker
from socsec.accounts.models import Role
from socsec.accounts.reads import record_read
from socsec.core.errors import DomainError, NotFound
from socsec.partners.models import PaymentAccount
from socsec.quality import selectors
from socsec.quality.models import Correction, Finding
from socsec.quality.rules import RULES
from socsec.quality.services import (
    access_correction,
    correction_confirm,
    correction_prefill,
    correction_propose,
    correction_reject,
)
from socsec.quality.tasks import quality_check_request

from .common import refusal_message
from .downloads import table_response
from .ledger_text import Names
from .paging import page_of


def finding_text(finding: Finding, names: Names) -> str:
    """What the rule found, in the reader's language, with its values."""
    e: dict[str, Any] = finding.evidence
    if finding.rule == "engagement_no_orders":
        values = {"engagement": e["engagement"], "organisation": names.organisation(e["organisation"])}
        values |= {"start": e["start_date"], "since": e["since"], "last": e["last_order_on"]}
        if e["last_order_on"]:
            return (
                _(
                    "Engagement %(engagement)s with %(organisation)s (from %(start)s): last order on %(last)s, "
                    "none since %(since)s."
                )
                % values
            )
        return _("Engagement %(engagement)s with %(organisation)s (from %(start)s): no order ever reported.") % values
    if finding.rule == "birth_date_not_id":
        return _("Registered birth date %(birth)s; the resident ID gives %(id_birth)s.") % {
            "birth": e["birth_date"],
            "id_birth": e["id_birth_date"],
        }
    if finding.rule == "withheld_without_engagement":
        return _(
            "Contribution %(contribution)s for %(period)s withheld by %(organisation)s, with no engagement "
            "with it then."
        ) % {
            "contribution": e["contribution"],
            "period": e["period_start"],
            "organisation": names.organisation(e["organisation"]),
        }
    if finding.rule == "engagement_after_death":
        return _("Engagement %(engagement)s with %(organisation)s is open after the death on %(died)s.") % {
            "engagement": e["engagement"],
            "organisation": names.organisation(e["organisation"]),
            "died": e["died_on"],
        }
    if finding.rule == "award_without_contact":
        return _("Paid a monthly benefit; no phone or e-mail on record.")
    if finding.rule == "account_check_digit":
        return _(
            "Account ending %(end)s at bank %(bank)s (%(digits)s digits, %(status)s): its last digit is not the "
            "check digit."
        ) % {
            "end": e["account_ends"],
            "bank": e["bank"],
            "digits": e["digits"],
            "status": PaymentAccount.Status(e["status"]).label,
        }
    return ", ".join(f"{k}: {v}" for k, v in sorted(e.items()))


def source_text(source: str) -> str:
    return {
        "resident_id": _("taken from the resident ID"),
        "last_order": _("taken from the platform's last reported order"),
    }.get(source, _("entered by the officer"))


def _names(items: list[Finding]) -> Names:
    return Names(
        regions={f.province for f in items},
        organisations={str(f.evidence.get("organisation")) for f in items if f.evidence.get("organisation")},
    )


def _csv() -> HttpResponse:
    head = [_("Run"), _("Date"), _("Rule"), _("Province"), _("Findings")]
    body = [[c.run_id, c.run.on.isoformat(), c.rule, c.province, c.count] for c in selectors.all_counts()]
    return table_response([("quality", [str(h) for h in head], body)], "data-quality-counts", "csv")


@login_required
def officer_quality(request: HttpRequest) -> HttpResponse:
    """The dashboard: the latest run's counts per rule and province, the trend, the open findings."""
    p = principal_of(request)
    require_staff(p)
    if request.GET.get("format") == "csv":
        return _csv()
    run = selectors.latest_run()
    counts = selectors.rule_counts(run)
    runs, series = selectors.trend()
    rule = request.GET.get("rule", "")
    rule = rule if rule in RULES else ""
    page = page_of(request, selectors.findings(rule=rule))
    names = _names(page.items)
    names.regions |= Names(regions={pr for c in counts for pr in c.by_province}).regions
    record_read(p, {f.person_id for f in page.items}, "data-quality findings")
    chart = {
        "years": [f"{r.on.isoformat()} #{r.pk}" for r in runs],
        "charts": [
            {
                "id": "chart-quality-trend",
                "kind": "lines",
                "xtype": "category",
                "title": _("Findings of each rule per run"),
                "x": _("Run"),
                "y": _("Findings"),
                "format": ",.0f",
                "traces": [{"name": str(RULES[code].label), "y": values} for code, values in series.items()],
            }
        ],
    }
    context = {
        "run": run,
        "rules": [
            {
                "rule": RULES[c.rule],
                "total": c.total,
                "provinces": [(names.region(pr), n) for pr, n in c.by_province.items()],
            }
            for c in counts
        ],
        "chart_data": chart,
        "rule": rule,
        "page": page,
        "findings": [(f, finding_text(f, names), names.region(f.province), RULES[f.rule]) for f in page.items],
        "may_run": p.role in (Role.OFFICER, Role.SUPERVISOR),
    }
    return render(request, "web/officer_quality.html", context)


@login_required
@require_POST
def officer_quality_run(request: HttpRequest) -> HttpResponse:
    """Queue a screening of the whole database on the task worker."""
    p = principal_of(request)
    require(p.role in (Role.OFFICER, Role.SUPERVISOR), "only an officer runs the check")
    quality_check_request(on=timezone.localdate(), started_by=p.actor.label)
    messages.success(request, _("The check is queued; the dashboard shows it when it is done."))
    return redirect("web:officer_quality")


def _finding(finding_id: int) -> Finding:
    found = Finding.objects.filter(pk=finding_id).first()
    if found is None:
        raise NotFound("finding %(finding)s not found", params={"finding": finding_id})
    return found


@login_required
def officer_quality_finding(request: HttpRequest, finding_id: int) -> HttpResponse:
    """A finding with its evidence, its corrections and the form to propose one (prefilled)."""
    p = principal_of(request)
    require_staff(p)
    finding = _finding(finding_id)
    error, status = None, 200
    prefill, source = correction_prefill(finding)
    value, note = prefill, ""
    if request.method == "POST":
        value, note = request.POST.get("new_value", ""), request.POST.get("note", "")
        try:
            correction_propose(actor=p.actor, finding=finding, new_value=value, note=note)
        except DomainError as exc:
            error, status = refusal_message(exc), exc.status
        else:
            messages.success(request, _("The correction is proposed; the person is told and confirms or rejects it."))
            return redirect("web:officer_quality_finding", finding_id=finding.pk)
    record_read(p, [finding.person_id], "data-quality finding")
    rule = RULES.get(finding.rule)
    corrections = list(finding.corrections.select_related("proposed_by").order_by("-proposed_at", "-id"))
    pending = any(c.state == Correction.State.PROPOSED for c in corrections)
    context = {
        "finding": finding,
        "rule": rule,
        "text": finding_text(finding, _names([finding])),
        "province": _names([finding]).region(finding.province),
        "corrections": [(c, source_text(c.source)) for c in corrections],
        "may_propose": bool(rule and rule.correctable) and finding.state == Finding.State.OPEN and not pending,
        "field_label": Correction.Field(rule.correctable).label if rule and rule.correctable else "",
        "value": value,
        "note": note,
        "prefilled_from": source_text(source) if source and value == prefill else "",
        "error": error,
    }
    return render(request, "web/officer_quality_finding.html", context, status=status)


@login_required
def my_corrections(request: HttpRequest) -> HttpResponse:
    """The worker's corrections: those waiting to be confirmed or rejected, and those decided."""
    p = principal_of(request)
    person_id = require_worker(p)
    rows = [(c, source_text(c.source)) for c in selectors.corrections_of(person_id)]
    return render(request, "web/my_corrections.html", {"rows": rows})


@login_required
@require_POST
def my_correction_decide(request: HttpRequest, correction_id: int, decision: str) -> HttpResponse:
    """Confirm or reject one of the worker's own corrections."""
    p = principal_of(request)
    person_id = require_worker(p)
    if decision not in ("confirm", "reject"):
        raise NotFound("no such decision: %(decision)s", params={"decision": decision[:20]})
    access_correction(person_id=person_id, correction_id=correction_id)
    decide = correction_confirm if decision == "confirm" else correction_reject
    try:
        decide(actor=p.actor, person_id=person_id, correction_id=correction_id)
    except DomainError as exc:
        rows = [(c, source_text(c.source)) for c in selectors.corrections_of(person_id)]
        return render(
            request, "web/my_corrections.html", {"rows": rows, "error": refusal_message(exc)}, status=exc.status
        )
    if decision == "confirm":
        messages.success(request, _("Thank you: the correction is made in your records."))
    else:
        messages.success(request, _("Rejected: nothing in your records changed. An officer will look at it again."))
    return redirect("web:my_corrections")
