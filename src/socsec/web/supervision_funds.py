"""The supervisor's fund dashboard: each fund's month from the ledger with the months its reserve covers
(CSS bars), the alerts with their evidence, the thresholds form, the platforms' contributions by age of
arrears, the benefits paid by kind, the actuals beside the baseline projection, the reserves over time
(plotly, drawn by the projections page's script) and every table as CSV."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_supervise_funds
from socsec.core.errors import DomainError
from socsec.core.money import format_yuan
from socsec.core.months import month_index, month_last_day, month_of
from socsec.rules.coverage import Scheme
from socsec.supervision.alerts import LIMITS, fund_alert_acknowledge, fund_threshold_set
from socsec.supervision.collection import BUCKETS, collection_on
from socsec.supervision.funds import COVER_WINDOW, fund_months
from socsec.supervision.models import FundAlert, FundThreshold
from socsec.supervision.projected import actual_against_projected

from .common import error_text
from .downloads import table_response
from .ledger_text import Names, item_text, scheme_text

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
FULL_BAR_MONTHS = 24  # a reserve covering this many months fills its bar


def _allowed(request: HttpRequest) -> None:
    require(may_supervise_funds(principal_of(request)), "only a supervisor may see the funds")


def month_param(request: HttpRequest, back: int = 1) -> tuple[str, str | None]:
    """The month asked (YYYY-MM), else the month ``back`` months before this one, with a note when what
    was typed is not a month."""
    last = month_of(timezone.localdate(), -back)
    raw = request.GET.get("month", "")
    if not raw:
        return last, None
    if MONTH.fullmatch(raw):
        return raw, None
    return last, _("“%(value)s” is not a month; showing %(month)s.") % {"value": raw, "month": last}


def alert_text(alert: FundAlert) -> str:
    """What an alert found, in the reader's language, with its figures."""
    e: dict[str, Any] = alert.evidence
    if alert.kind == FundAlert.Kind.RESERVE_LOW:
        return _(
            "The reserve of %(reserve)s yuan covers %(months)s months of average expenditure (limit %(limit)s)."
        ) % {
            "reserve": format_yuan(e["reserve_cents"]),
            "months": e["reserve_months"] or "0",
            "limit": e["limit_months"],
        }
    if alert.kind == FundAlert.Kind.ARREARS_GROWING:
        steps = ", ".join(f"{m}: {format_yuan(c)}" for m, c in zip(e["months"], e["arrears_cents"], strict=True))
        return _("Arrears grew %(limit)s months running (yuan at each month's end): %(steps)s.") % {
            "limit": e["limit_months"],
            "steps": steps,
        }
    return _("Claims rose from %(before)s to %(now)s (%(rise)s%%, limit %(limit)s%%).") % {
        "before": e["claims"][0],
        "now": e["claims"][1],
        "rise": e["rise_percent"],
        "limit": e["limit_percent"],
    }


def _bar_width(months: Decimal | None) -> int:
    """A bar's width in percent: full at ``FULL_BAR_MONTHS`` months or more, or when nothing was spent."""
    return 100 if months is None else max(0, min(100, int(months * 100 / FULL_BAR_MONTHS)))


def _rows(month: str) -> dict[str, Any]:
    months = fund_months(until=month)
    now = [m for m in months if m.month == month]
    names = Names(regions={m.province for m in months})
    on = month_last_day(month_index(month))
    collection = collection_on(on)
    names_c = Names(regions={c.province for c in collection})
    funds = [
        {
            "fund": scheme_text(m.scheme),
            "province": names.region(m.province),
            "income": format_yuan(m.income_cents),
            "expenditure": format_yuan(m.expenditure_cents),
            "reserve": format_yuan(m.reserve_cents),
            "months": "" if m.reserve_months is None else str(m.reserve_months),
            "width": 100
            if m.reserve_months is None
            else max(0, min(100, int(m.reserve_months * 100 / FULL_BAR_MONTHS))),
            "benefits": [(item_text(k), format_yuan(v)) for k, v in sorted(m.benefits.items())],
        }
        for m in now
    ]
    series: dict[str, list[float]] = {}
    axis = sorted({m.month for m in months})
    for m in months:
        key = f"{scheme_text(m.scheme)} · {names.region(m.province)}"
        series.setdefault(key, [0.0] * len(axis))[axis.index(m.month)] = m.reserve_cents / 100
    chart = {
        "years": axis,
        "charts": [
            {
                "id": "chart-fund-reserves",
                "kind": "lines",
                "xtype": "category",  # YYYY-MM as written: plotly would read them as dates in English
                "title": _("Reserve of each fund at the end of each month"),
                "x": _("Month"),
                "y": _("Yuan"),
                "format": ",.0f",
                "traces": [{"name": name, "y": values} for name, values in sorted(series.items())],
            }
        ],
    }
    contributions = [
        {
            "province": names_c.region(c.province),
            "month": c.month,
            "due": format_yuan(c.due_cents),
            "collected": format_yuan(c.collected_cents),
            "not_yet_due": format_yuan(c.not_yet_due_cents),
            "arrears": [format_yuan(c.arrears[b]) for b in BUCKETS],
        }
        for c in collection
    ]
    return {"funds": funds, "chart_data": chart, "contributions": contributions, "months": months, "on": on}


def _projected(month: str) -> list[dict[str, str]]:
    fund_names = {
        "pension": _("Pension"),
        "injury": _("Occupational injury"),
        "unemployment": _("Unemployment"),
        "long_term_care": _("Long-term care"),
    }
    return [
        {
            "fund": fund_names[c.fund],
            "year": str(c.year),
            "projected_income": f"{c.projected_income_yuan:,}",
            "projected_expenditure": f"{c.projected_expenditure_yuan:,}",
            "projected_ratio": "" if c.projected_reserve_ratio is None else str(c.projected_reserve_ratio),
            "actual_income": format_yuan(c.actual_income_cents),
            "actual_expenditure": format_yuan(c.actual_expenditure_cents),
            "actual_reserve": format_yuan(c.actual_reserve_cents),
            "actual_ratio": "" if c.actual_reserve_ratio is None else str(c.actual_reserve_ratio),
        }
        for c in actual_against_projected(until=month)
    ]


def _csv(table: str, month: str) -> HttpResponse | None:
    if table == "funds":
        head = [_("Scheme"), _("Province"), _("Month"), _("Income (yuan)"), _("Expenditure (yuan)")]
        head += [_("Reserve (yuan)"), _("Months of expenditure covered")]
        body: list[list[str]] = [
            [m.scheme, m.province, m.month, format_yuan(m.income_cents), format_yuan(m.expenditure_cents)]
            + [format_yuan(m.reserve_cents), "" if m.reserve_months is None else str(m.reserve_months)]
            for m in fund_months(until=month)
        ]
    elif table == "contributions":
        head = [_("Province"), _("Month assessed"), _("Due (yuan)"), _("Collected (yuan)"), _("Not yet due (yuan)")]
        head += [_("Arrears %(days)s days (yuan)") % {"days": b} for b in BUCKETS]
        body = [
            [c.province, c.month, format_yuan(c.due_cents), format_yuan(c.collected_cents)]
            + [format_yuan(c.not_yet_due_cents), *(format_yuan(c.arrears[b]) for b in BUCKETS)]
            for c in collection_on(month_last_day(month_index(month)))
        ]
    elif table == "projected":
        rows = _projected(month)
        head = list(rows[0]) if rows else []
        body = [list(r.values()) for r in rows]
    else:
        return None
    return table_response([(table, [str(h) for h in head], body)], f"funds-{table}-{month}", "csv")


@login_required
def supervisor_funds(request: HttpRequest) -> HttpResponse:
    """The fund dashboard for a month (this month's figures to date by default)."""
    _allowed(request)
    month, month_error = month_param(request, back=0)
    if request.GET.get("format") == "csv":
        response = _csv(request.GET.get("table", "funds"), month)
        return response or render(request, "web/not_found.html", status=404)
    return _render(request, month, month_error)


def _render(
    request: HttpRequest, month: str, note: str | None, form_error: str = "", status: int = 200
) -> HttpResponse:
    alerts = list(FundAlert.objects.order_by("state", "-month", "scheme", "province", "kind")[:50])
    names = Names(regions={a.province for a in alerts})
    context = {
        "month": month,
        "month_error": note,
        "window": COVER_WINDOW,
        "full_bar": FULL_BAR_MONTHS,
        "buckets": BUCKETS,
        "alerts": [(a, alert_text(a), scheme_text(a.scheme), names.region(a.province)) for a in alerts],
        "open_alerts": sum(1 for a in alerts if a.state == FundAlert.State.OPEN),
        "thresholds": [(t, scheme_text(t.scheme)) for t in FundThreshold.objects.all()],
        "schemes": [(s.value, scheme_text(s.value)) for s in Scheme],
        "limits": LIMITS,
        "form": request.POST if request.method == "POST" else {},
        "form_error": form_error,
        "projected": _projected(month),
        **_rows(month),
    }
    return render(request, "web/supervisor_funds.html", context, status=status)


@login_required
@require_POST
def supervisor_threshold_set(request: HttpRequest) -> HttpResponse:
    """Set a fund's thresholds; a refused one shows the form again with the field and the reason."""
    _allowed(request)
    p = principal_of(request)
    month = request.POST.get("month", "")
    month = month if MONTH.fullmatch(month) else month_of(timezone.localdate())
    try:
        fund_threshold_set(
            actor=p.actor,
            scheme=request.POST.get("scheme", ""),
            province=request.POST.get("province", "").strip(),
            reserve_months=request.POST.get("reserve_months"),
            arrears_growth_months=request.POST.get("arrears_growth_months"),
            claims_jump_percent=request.POST.get("claims_jump_percent"),
        )
    except DomainError as exc:
        return _render(request, month, None, form_error=error_text(exc), status=422)
    return redirect(f"{request.path.rsplit('thresholds/', 1)[0]}?month={month}")


@login_required
@require_POST
def supervisor_alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    _allowed(request)
    fund_alert_acknowledge(actor=principal_of(request).actor, alert_id=alert_id)
    return redirect(f"{request.path.split('alerts/', 1)[0]}")
