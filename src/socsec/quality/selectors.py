"""Data-quality reads: the latest run's counts per rule and province, each rule's totals over the runs
(the trend), the findings by rule, province and state, and a person's corrections."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from .models import Correction, Finding, QualityCount, QualityRun
from .rules import RULES

TREND_RUNS = 30  # the runs the trend shows at most


@dataclass(frozen=True)
class RuleCount:
    rule: str
    total: int
    by_province: dict[str, int]


def latest_run() -> QualityRun | None:
    return QualityRun.objects.order_by("-id").first()


def rule_counts(run: QualityRun | None) -> list[RuleCount]:
    """Every rule (those without findings at 0) with its count per province in ``run``."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    if run is not None:
        for rule, province, count in QualityCount.objects.filter(run=run).values_list("rule", "province", "count"):
            found[rule][province] = count
    return [RuleCount(code, sum(found[code].values()), dict(sorted(found[code].items()))) for code in RULES]


def trend(runs: int = TREND_RUNS) -> tuple[list[QualityRun], dict[str, list[int]]]:
    """The last ``runs`` runs, oldest first, and each rule's total in each of them."""
    shown = list(QualityRun.objects.order_by("-id")[:runs])[::-1]
    totals = {
        (run_id, rule): total or 0
        for run_id, rule, total in QualityCount.objects.filter(run__in=shown)
        .values("run_id", "rule")
        .annotate(total=Sum("count"))
        .values_list("run_id", "rule", "total")
    }
    return shown, {code: [totals.get((r.pk, code), 0) for r in shown] for code in RULES}


def all_counts() -> QuerySet[QualityCount]:
    """Every run's counts, run by run (the CSV download and the API)."""
    return QualityCount.objects.select_related("run").order_by("run_id", "rule", "province")


def findings(*, rule: str = "", province: str = "", state: str = Finding.State.OPEN) -> QuerySet[Finding]:
    qs = Finding.objects.select_related("last_run").order_by("rule", "id")
    if rule:
        qs = qs.filter(rule=rule)
    if province:
        qs = qs.filter(province=province)
    if state:
        qs = qs.filter(state=state)
    return qs


def corrections_of(person_id: int) -> QuerySet[Correction]:
    return Correction.objects.filter(person_id=person_id).select_related("finding").order_by("-proposed_at", "-id")
