"""The supervisor's effective coverage page: for a month, the workers in new forms of employment legally
covered, contributing and receiving, by dimension, with their ratios (CSS bars) and small rows withheld;
the totals over the months before; everything as CSV."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_supervise_funds
from socsec.core.errors import ValidationFailed
from socsec.registry.models import Person
from socsec.supervision.coverage_stats import DIMENSIONS
from socsec.supervision.statistics import DEFAULT_THRESHOLD, check_threshold, coverage_report
from socsec.supervision.suppression import MEASURES, Row, Table

from .common import error_text
from .downloads import table_response
from .ledger_text import Names
from .supervision_funds import month_param
from .templatetags.socsec_tags import category_label, sector_label


def _dimension_names() -> dict[str, str]:
    return {
        "category": _("Worker category"),
        "platform": _("Platform"),
        "sector": _("Sector"),
        "province": _("Province"),
        "sex": _("Sex"),
        "age_band": _("Age band"),
    }


def _measure_names() -> dict[str, str]:
    return {"legal": _("Legally covered"), "contributing": _("Contributing"), "receiving": _("Receiving")}


def _value_text(dimension: str, value: str, names: Names) -> str:
    if dimension == "category":
        return category_label(value)
    if dimension == "sector":
        return sector_label(value)
    if dimension == "platform":
        return names.organisation(value) if value else _("not a platform")
    if dimension == "province":
        return names.region(value)
    if dimension == "sex":
        return str(dict(Person.Sex.choices).get(value, value))
    return value


def _row(row: Row, text: str) -> dict[str, Any]:
    return {
        "value": text,
        "persons": row.persons,
        "suppressed": row.suppressed,
        "measures": [
            (getattr(row, m), row.ratio(m), 0 if row.ratio(m) is None else int(row.ratio(m) or 0)) for m in MEASURES
        ],
    }


def _shaped(tables: list[Table]) -> list[dict[str, Any]]:
    values = {d: {r.value for r in t.rows} for d, t in zip(DIMENSIONS, tables, strict=True)}
    names = Names(regions=values["province"], organisations=values["platform"])
    heads = _dimension_names()
    return [
        {
            "dimension": t.dimension,
            "title": heads[t.dimension],
            "rows": [_row(r, _value_text(t.dimension, r.value, names)) for r in t.rows],
            "total": _row(t.total, _("All")),
        }
        for t in tables
    ]


@login_required
def supervisor_coverage(request: HttpRequest) -> HttpResponse:
    """Effective coverage for a month (last month by default) with the threshold below which a row is
    withheld (``threshold``, default ``DEFAULT_THRESHOLD``)."""
    require(may_supervise_funds(principal_of(request)), "only a supervisor may see the coverage statistics")
    month, note = month_param(request)
    threshold_note = None
    try:
        threshold = check_threshold(request.GET.get("threshold", ""))
    except ValidationFailed as exc:
        threshold = DEFAULT_THRESHOLD
        threshold_note = error_text(exc) + " " + _("Showing %(n)s.") % {"n": threshold}
    report = coverage_report(month=month, threshold=threshold)
    if request.GET.get("format") == "csv":
        head = [_("Month"), _("Dimension"), _("Value"), _("Persons")]
        for name in _measure_names().values():
            head += [name, _("%(measure)s (%% of persons)") % {"measure": name}]
        body = [
            [month, t.dimension, r.value or _("All"), "" if r.persons is None else r.persons]
            + [x for m in MEASURES for x in ("" if getattr(r, m) is None else getattr(r, m), r.ratio(m) or "")]
            for t in report.tables
            for r in [*t.rows, t.total]
        ]
        return table_response([("coverage", head, body)], f"effective-coverage-{month}", "csv")
    months = _measure_names()
    context = {
        "month": month,
        "notes": [n for n in (note, threshold_note) if n],
        "threshold": threshold,
        "measures": list(months.values()),
        "tables": _shaped(report.tables),
        "over_time": [(m, _row(r, m)) for m, r in report.over_time],
        "counted_at": report.counted_at,
    }
    return render(request, "web/supervisor_coverage.html", context)
