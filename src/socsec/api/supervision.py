"""Fund supervision and coverage statistics over the API, for supervisors.

``GET /api/supervision/funds?month=2026-06`` each fund's months from the ledger to that month;
``GET /api/supervision/contributions?month=`` platforms' OIP contributions by province and month assessed,
with arrears by age at the month's end; ``GET /api/supervision/alerts`` the alerts with their evidence;
``PUT /api/supervision/thresholds`` a fund's thresholds (a limit out of range: 422 with the field);
``GET /api/supervision/coverage?month=&threshold=`` effective coverage by dimension, small rows withheld.
Money is in integer cents; ratios are percentages as decimal strings."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_supervise_funds
from socsec.api.responses import PageIn, page_of, paginate_in_order, paginate_ordered, responses
from socsec.core.errors import ValidationFailed
from socsec.core.months import month_index, month_last_day, month_of
from socsec.supervision.alerts import fund_threshold_set
from socsec.supervision.collection import collection_on
from socsec.supervision.funds import fund_months
from socsec.supervision.models import FundAlert
from socsec.supervision.statistics import check_threshold, coverage_report
from socsec.supervision.suppression import MEASURES, Row

router = Router(tags=["supervision"])
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _allowed(request: HttpRequest) -> None:
    require(may_supervise_funds(principal_of(request)), "only a supervisor may see the funds")


def _month(raw: str) -> str:
    if not raw:
        return month_of(timezone.localdate(), -1)
    if not MONTH.fullmatch(raw):
        raise ValidationFailed("month: “%(value)s” is not a month (YYYY-MM).", field="month", params={"value": raw})
    return raw


class FundMonthOut(Schema):
    scheme: str
    province: str
    month: str
    income_cents: int
    expenditure_cents: int
    reserve_cents: int
    reserve_months: Decimal | None
    benefits_cents: dict[str, int]


class ContributionsOut(Schema):
    province: str
    month: str
    due_cents: int
    collected_cents: int
    not_yet_due_cents: int
    arrears_cents: dict[str, int]


class AlertOut(Schema):
    id: int
    kind: str
    scheme: str
    province: str
    month: str
    state: str
    evidence: dict[str, Any]
    raised_at: str


class ThresholdIn(Schema):
    scheme: str
    province: str = ""
    reserve_months: str | None = None
    arrears_growth_months: int | None = None
    claims_jump_percent: int | None = None


class ThresholdOut(Schema):
    scheme: str
    province: str
    reserve_months: Decimal | None
    arrears_growth_months: int | None
    claims_jump_percent: int | None


class EffectiveCoverageOut(Schema):
    month: str
    threshold: int
    tables: list[dict[str, Any]]
    over_time: list[dict[str, Any]]


class FundFilter(PageIn):
    month: str = Field("", max_length=7, description="The last month (YYYY-MM); this month by default.")
    scheme: str = Field("", max_length=40)
    province: str = Field("", max_length=6)


class MonthFilter(PageIn):
    month: str = Field("", max_length=7, description="The month (YYYY-MM); this month by default.")


class AlertFilter(PageIn):
    state: str = Field("", max_length=20)


@router.get("/supervision/funds", response=responses({200: page_of(FundMonthOut)}))
def list_fund_months(request: HttpRequest, filters: Query[FundFilter]) -> dict[str, Any]:
    """Each fund's month (scheme x province), in the order of the dashboard, a page at a time."""
    _allowed(request)
    rows = fund_months(until=_month(filters.month), scheme=filters.scheme or None, province=filters.province or None)
    return paginate_in_order([{**r.__dict__, "benefits_cents": r.benefits} for r in rows], filters)


@router.get("/supervision/contributions", response=responses({200: page_of(ContributionsOut)}))
def list_contributions(request: HttpRequest, filters: Query[MonthFilter]) -> dict[str, Any]:
    _allowed(request)
    rows = collection_on(month_last_day(month_index(_month(filters.month))))
    return paginate_in_order([{**r.__dict__, "arrears_cents": r.arrears} for r in rows], filters)


def _alert(a: FundAlert) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "scheme": a.scheme,
        "province": a.province,
        "month": a.month,
        "state": a.state,
        "evidence": a.evidence,
        "raised_at": a.raised_at.isoformat(),
    }


@router.get("/supervision/alerts", response=responses({200: page_of(AlertOut)}))
def list_alerts(request: HttpRequest, filters: Query[AlertFilter]) -> dict[str, Any]:
    """The alerts, the latest month first, a page at a time."""
    _allowed(request)
    alerts = FundAlert.objects.order_by("-month", "scheme", "province", "kind", "id")
    if filters.state:
        alerts = alerts.filter(state=filters.state)
    page = paginate_ordered(alerts, filters)
    return {**page, "items": [_alert(a) for a in page["items"]]}


@router.put("/supervision/thresholds", response=responses({200: ThresholdOut}))
def put_threshold(request: HttpRequest, payload: ThresholdIn) -> Any:
    _allowed(request)
    return fund_threshold_set(actor=principal_of(request).actor, **payload.dict())


def _row(row: Row) -> dict[str, Any]:
    out: dict[str, Any] = {"value": row.value, "suppressed": row.suppressed, "persons": row.persons}
    for m in MEASURES:
        ratio = row.ratio(m)
        out[m] = getattr(row, m)
        out[f"{m}_percent"] = None if ratio is None else str(ratio)
    return out


@router.get("/supervision/coverage", response=responses({200: EffectiveCoverageOut}))
def get_coverage(request: HttpRequest, month: str = "", threshold: str = "") -> dict[str, Any]:
    _allowed(request)
    report = coverage_report(month=_month(month), threshold=check_threshold(threshold))
    return {
        "month": report.month,
        "threshold": report.threshold,
        "tables": [
            {"dimension": t.dimension, "rows": [_row(r) for r in t.rows], "total": _row(t.total)} for t in report.tables
        ],
        "over_time": [{"month": m, **_row(r)} for m, r in report.over_time],
    }
