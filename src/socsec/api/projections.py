"""Actuarial projections over the API: the shipped scenarios side by side, for supervisors.

``GET /api/projections/scenarios`` lists the shipped scenarios; ``GET /api/projections?scenarios=baseline,
funded_tier&stochastic=200`` runs them (the first is the reference) and answers the summary, the
replacement rates and, per scenario, the yearly series and percentile bands ready for charts. Only shipped
scenarios can be named (no file paths); stochastic runs are capped, since the request runs synchronously.
"""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_view_projections
from socsec.actuarial.inputs import InputError
from socsec.actuarial.shipped import ChoiceRefused, run_shipped, shipped_scenario_list
from socsec.api.responses import PageIn, page_of, paginate_in_order, responses
from socsec.core.errors import ValidationFailed

router = Router(tags=["projections"])


class ProjectionScenarioOut(Schema):
    name: str
    title: str
    description: str


class ProjectionOut(Schema):
    years: list[int]
    percentiles: list[int]
    runs: int
    summary: list[dict[str, Any]]
    replacement_rates: list[dict[str, Any]]
    scenarios: list[dict[str, Any]]


def _allowed(request: HttpRequest) -> None:
    require(may_view_projections(principal_of(request)), "only a supervisor may run projections")


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@router.get("/projections/scenarios", response=responses({200: page_of(ProjectionScenarioOut)}))
def list_projection_scenarios(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    _allowed(request)
    rows = [{"name": s.key, "title": s.title, "description": s.description} for s in shipped_scenario_list()]
    return paginate_in_order(rows, page)


@router.get("/projections", response=responses({200: ProjectionOut}))
def get_projection(request: HttpRequest, scenarios: str = "baseline", stochastic: int = 0) -> dict[str, Any]:
    _allowed(request)
    names = [n.strip() for n in scenarios.split(",") if n.strip()]
    try:
        result = run_shipped(names, stochastic)
    except ChoiceRefused as exc:
        raise ValidationFailed(exc.message, field=exc.field) from None
    except InputError as exc:
        raise ValidationFailed(str(exc), field="scenarios") from None
    tables = result.to_tables()
    charts = result.chart_data()
    body: dict[str, Any] = _plain(
        {
            "years": charts["years"],
            "percentiles": charts["percentiles"],
            "runs": charts["runs"],
            "summary": tables["summary"],
            "replacement_rates": tables["replacement_rates"],
            "scenarios": charts["scenarios"],
        }
    )
    return body
