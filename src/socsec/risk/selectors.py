"""Reads for the officers' risk pages and API: the queue, one case with its evidence, each rule with its
precision (confirmed over decided)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from .definitions import RiskRule, all_rules, rule_named
from .models import RiskCase, ScreeningRun


def case_queue(*, status: str | None = RiskCase.Status.OPEN, rule: str | None = None) -> QuerySet[RiskCase]:
    """Cases by score, highest first; ``status`` None: every case."""
    cases = RiskCase.objects.select_related("person", "organisation")
    if status:
        cases = cases.filter(status=status)
    if rule:
        cases = cases.filter(rule=rule)
    return cases.order_by("-score", "id")


def case_get(case_id: int) -> RiskCase | None:
    return (
        RiskCase.objects.select_related("person", "organisation", "decided_by", "first_run", "last_run")
        .filter(pk=case_id)
        .first()
    )


@dataclass(frozen=True)
class RuleStanding:
    rule: RiskRule
    in_force: bool
    open: int
    confirmed: int
    false_positive: int

    @property
    def decided(self) -> int:
        return self.confirmed + self.false_positive

    @property
    def precision(self) -> float | None:
        """Confirmed over decided; None until a case is decided."""
        return round(self.confirmed / self.decided, 4) if self.decided else None

    def as_dict(self, on: dt.date) -> dict[str, Any]:
        return {
            **self.rule.describe(on),
            "in_force": self.in_force,
            "open": self.open,
            "confirmed": self.confirmed,
            "false_positive": self.false_positive,
            "decided": self.decided,
            "precision": self.precision,
        }


def rule_standings(on: dt.date) -> list[RuleStanding]:
    """Every rule with its cases counted by outcome (one grouped query)."""
    counts = {
        row["rule"]: row
        for row in RiskCase.objects.values("rule").annotate(
            open=Count("id", filter=Q(status=RiskCase.Status.OPEN)),
            confirmed=Count("id", filter=Q(status=RiskCase.Status.CONFIRMED)),
            false_positive=Count("id", filter=Q(status=RiskCase.Status.FALSE_POSITIVE)),
        )
    }
    out = []
    for rule in all_rules():
        row: dict[str, Any] = dict(counts.get(rule.name, {}))
        out.append(
            RuleStanding(
                rule=rule,
                in_force=rule.in_force(on),
                open=int(row.get("open", 0)),
                confirmed=int(row.get("confirmed", 0)),
                false_positive=int(row.get("false_positive", 0)),
            )
        )
    return out


def rule_of(case: RiskCase) -> RiskRule | None:
    return rule_named(case.rule)


def latest_runs(limit: int = 10) -> list[ScreeningRun]:
    return list(ScreeningRun.objects.order_by("-id")[:limit])
