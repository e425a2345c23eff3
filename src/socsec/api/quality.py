"""Data quality over the API, for agency staff.

``GET /api/quality/counts?rule=&province=`` each run's findings per rule and province, run by run (the
dashboard's trend); ``GET /api/quality/findings?rule=&province=&state=`` the findings with their evidence."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from socsec.accounts.access import principal_of, require_staff
from socsec.accounts.reads import record_read
from socsec.api.responses import PageIn, page_of, paginate_ordered, responses
from socsec.quality import selectors

router = Router(tags=["quality"])


class CountOut(Schema):
    run: int
    on: str
    rule: str
    province: str
    count: int


class FindingOut(Schema):
    id: int
    rule: str
    subject: str
    person_id: int
    province: str
    state: str
    evidence: dict[str, Any]
    first_run: int
    last_run: int


class CountFilter(PageIn):
    rule: str = Field("", max_length=60)
    province: str = Field("", max_length=6)


class FindingFilter(CountFilter):
    state: str = Field("OPEN", max_length=10, description="OPEN or RESOLVED; empty: both")


@router.get("/quality/counts", response=responses({200: page_of(CountOut)}))
def list_quality_counts(request: HttpRequest, filters: Query[CountFilter]) -> dict[str, Any]:
    """Each run's findings per rule and province, the oldest run first, a page at a time."""
    require_staff(principal_of(request))
    counts = selectors.all_counts()
    if filters.rule:
        counts = counts.filter(rule=filters.rule)
    if filters.province:
        counts = counts.filter(province=filters.province)
    page = paginate_ordered(counts, filters)
    items = [
        {"run": c.run_id, "on": c.run.on.isoformat(), "rule": c.rule, "province": c.province, "count": c.count}
        for c in page["items"]
    ]
    return {**page, "items": items}


@router.get("/quality/findings", response=responses({200: page_of(FindingOut)}))
def list_quality_findings(request: HttpRequest, filters: Query[FindingFilter]) -> dict[str, Any]:
    """The findings with their evidence, by rule, a page at a time."""
    p = principal_of(request)
    require_staff(p)
    page = paginate_ordered(
        selectors.findings(rule=filters.rule, province=filters.province, state=filters.state), filters
    )
    record_read(p, {f.person_id for f in page["items"]}, "data-quality findings")
    items = [
        {
            "id": f.pk,
            "rule": f.rule,
            "subject": f.subject,
            "person_id": f.person_id,
            "province": f.province,
            "state": f.state,
            "evidence": f.evidence,
            "first_run": f.first_run_id,
            "last_run": f.last_run_id,
        }
        for f in page["items"]
    ]
    return {**page, "items": items}
