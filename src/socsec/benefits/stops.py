"""The automatic stops a payment run makes from registry data, each recorded for an officer to confirm or
lift (``suspensions``): a death notice stops the person's own benefits from the month after the death
(dependants' pensions, paid to others, go on); for unemployment benefit, only re-employment in regular
employment (a new labour-relation engagement) stops it from that month, as the rules decide
(``unemployment_benefit_work_check``): platform orders in the month and new engagements without a labour
relation are reported to the officer (``WorkReport``) and the benefit goes on. What triggered each stop is
kept with it as evidence. A stop an officer lifted is not made again for the same trigger (the same notice
or engagement) on the award or on those that replace it after a review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from socsec.audit.services import Actor, audit_record_many
from socsec.core.months import month_first_day, month_index, month_name
from socsec.registry.models import Engagement
from socsec.rules.benefits import UnemploymentWorkCheck
from socsec.rules.coverage import Category
from socsec.rules.engine import compute

from .models import Award, Claim, DeathNotice, Suspension, WorkReport
from .pay_read import PayAward

T = Suspension.Trigger
ReplacedKey = tuple[int, str, str]  # claim, item, beneficiary
# what a stop never reads of the claim and the person (encrypted: decrypting them would cost for nothing)
NOT_READ = ("claim__facts", "claim__assessment", "claim__person__resident_id", "claim__person__name")


def replaced_key(award: Award | PayAward) -> ReplacedKey:
    """What a new award has in common with those it replaced after a review."""
    return (award.claim_id, award.item, award.beneficiary)


@dataclass(frozen=True)
class Stop:
    trigger: str
    key: str  # the notice, engagement or month
    from_month: str
    reason: str
    evidence: dict[str, Any]


def apply_suspensions(month: str, actor: Actor, awards: QuerySet[Award]) -> list[Award]:
    """Stop the periodic ``awards`` that registry data says must stop, each stop recorded with what
    triggered it, and report the work that does not stop unemployment benefit; returns the awards newly
    suspended. Set-based: the awards that could stop (a death notice on the person, or unemployment
    benefit), the new engagements of the unemployed and the month's orders are read once each, the rules
    asked once for all the unemployed, and the stops and reports written in bulk."""
    lifted = {
        (replaced_key(s.award), s.trigger_key)
        for s in Suspension.objects.filter(status=Suspension.Status.LIFTED).select_related("award")
    }
    periodic = awards.filter(periodic=True, suspended_from="")
    unemployed = Q(claim__kind=Claim.Kind.UNEMPLOYMENT, status=Award.Status.ACTIVE)
    # two reads, each by what selects it (the few death notices; the unemployment claims), never a join
    # of every award with every person: the awards of the dead, then unemployment benefit of the living
    dead = (
        periodic.filter(claim__person__death_notice__isnull=False)
        .select_related("claim__person__death_notice")
        .defer(*NOT_READ)
        .order_by("claim_id", "id")
    )
    living = (
        periodic.filter(unemployed)
        .exclude(Exists(DeathNotice.objects.filter(person_id=OuterRef("claim__person_id"))))
        .select_related("claim")
        .defer(*NOT_READ[:2])
        .order_by("claim_id", "id")
    )
    new_work = _new_work(month, periodic.filter(unemployed).values("claim__person_id"))
    stops: list[tuple[Award, Stop]] = []
    on_benefit: list[tuple[Award, ReplacedKey]] = []
    for award in dead.iterator(chunk_size=2000):
        stop = _death_stop(award, replaced_key(award), lifted, award.claim.person.death_notice)
        if stop is not None:
            stops.append((award, stop))
    for award in living.iterator(chunk_size=2000):
        if award.beneficiary == "" and month_index(award.start_month) <= month_index(month):
            on_benefit.append((award, replaced_key(award)))
    work_stops, reports = _work_while_unemployed(month, on_benefit, lifted, new_work)
    stops.extend(work_stops)
    for award, stop in stops:
        award.suspended_from, award.suspended_reason = stop.from_month, stop.reason[:300]
    WorkReport.objects.bulk_create(reports, batch_size=500, ignore_conflicts=True)  # once per award and key
    newly = [award for award, _stop in stops]
    Award.objects.bulk_update(newly, ["suspended_from", "suspended_reason"], batch_size=500)
    audit_record_many(actor=actor, action="benefit.award.suspend", instances=newly)
    Suspension.objects.bulk_create(
        [
            Suspension(
                award=award,
                person_id=award.claim.person_id,
                trigger=stop.trigger,
                trigger_key=stop.key,
                from_month=stop.from_month,
                reason=stop.reason[:300],
                evidence=stop.evidence,
                run_month=month,
            )
            for award, stop in stops
        ],
        batch_size=500,
    )
    return newly


def _death_stop(
    award: Award, key: ReplacedKey, lifted: set[tuple[ReplacedKey, str]], notice: DeathNotice | None
) -> Stop | None:
    if notice is None or award.beneficiary or (key, f"death:{notice.pk}") in lifted:
        return None  # a dependant's pension (paid to another) goes on after the death
    evidence = {
        "notice": notice.pk,
        "died_on": notice.died_on.isoformat(),
        "source": notice.source,
        "received_on": notice.received_on.isoformat(),
    }
    reason = f"death on {notice.died_on.isoformat()} ({notice.source})"
    return Stop(T.DEATH, f"death:{notice.pk}", month_name(month_index(notice.died_on) + 1), reason, evidence)


Work = tuple[int, dt.date, str, dict[str, Any]]  # an engagement: id, start day, category, evidence


def _new_work(month: str, persons: QuerySet[Any, Any]) -> dict[int, list[Work]]:
    """The engagements of ``persons`` (a subquery) that overlap the month, by person, in the order they
    started: one query."""
    start, end = month_first_day(month_index(month)), month_first_day(month_index(month) + 1)
    rows = (
        Engagement.objects.filter(person_id__in=persons, start_date__lt=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("person_id", "start_date", "id")
        .values_list(
            "person_id",
            "id",
            "start_date",
            "end_date",
            "category",
            "sector",
            "organisation__code",
            "organisation__name",
        )
    )
    out: dict[int, list[Work]] = {}
    for person_id, pk, start_date, end_date, category, sector, code, name in rows.iterator(chunk_size=5000):
        evidence = {
            "engagement": pk,
            "organisation": code,
            "organisation_name": name,
            "category": category,
            "sector": sector,
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat() if end_date else "",
        }
        out.setdefault(person_id, []).append((pk, start_date, category, evidence))
    return out


REEMPLOYED = "re-employed: a new labour-relation engagement appears in the registry (flagged to an officer)"


def _work_while_unemployed(
    month: str,
    unemployed: list[tuple[Award, ReplacedKey]],
    lifted: set[tuple[ReplacedKey, str]],
    work: dict[int, list[Work]],
) -> tuple[list[tuple[Award, Stop]], list[WorkReport]]:
    """What the month's work does to each unemployment benefit, as the rules decide: re-employment (a new
    labour-relation engagement whose stop was not lifted) stops it; platform orders and other new
    engagements are reported and it goes on."""
    if not unemployed:
        return [], []
    orders_by_person = _orders_by_person(month)
    found = []
    for award, key in unemployed:
        new = [w for w in work.get(award.claim.person_id, []) if w[1] > award.claim.event_date]
        labour = [w for w in new if w[2] == Category.LABOUR_RELATION and (key, f"engagement:{w[0]}") not in lifted]
        others = [w for w in new if w[2] != Category.LABOUR_RELATION]
        found.append((award, labour, others, orders_by_person.get(award.claim.person_id, [])))
    codes = compute(
        "unemployment_benefit_work_check",
        month_first_day(month_index(month)),
        labour_relation_started=np.array([bool(labour) for _a, labour, _o, _p in found]),
        platform_orders=np.array([sum(p["orders"] for p in platforms) for *_rest, platforms in found], dtype=np.int64),
        other_engagement_started=np.array([bool(others) for _a, _l, others, _p in found]),
    )
    stops: list[tuple[Award, Stop]] = []
    reports: list[WorkReport] = []
    for (award, labour, others, platforms), code in zip(found, codes.tolist(), strict=True):
        if code == UnemploymentWorkCheck.STOPPED_REEMPLOYED:
            pk, _start, _category, evidence = labour[0]
            stops.append((award, Stop(T.ENGAGEMENT, f"engagement:{pk}", month, REEMPLOYED, evidence)))
            continue
        person = award.claim.person_id
        if platforms:
            count = sum(p["orders"] for p in platforms)
            evidence = {"month": month, "platforms": platforms}
            reports.append(_report(award, person, WorkReport.Kind.ORDERS, f"orders:{month}", month, count, evidence))
        for pk, _start, _category, evidence in others:
            reports.append(_report(award, person, WorkReport.Kind.ENGAGEMENT, f"engagement:{pk}", month, 0, evidence))
    return stops, reports


def _report(
    award: Award, person: int, kind: str, key: str, month: str, orders: int, evidence: dict[str, Any]
) -> WorkReport:
    return WorkReport(
        award=award,
        person_id=person,
        kind=kind,
        key=key,
        month=month,
        orders=orders,
        evidence=evidence,
        run_month=month,
    )


def _orders_by_person(month: str) -> dict[int, list[dict[str, Any]]]:
    """Who took platform orders in the month, by platform with the count and the first and last day, from
    the accepted order files (one read for the whole run)."""
    import duckdb

    from socsec.contributions.orders.selectors import accepted_files

    orders, _corrections = accepted_files(months=[month])
    if not orders:
        return {}
    con = duckdb.connect()
    try:
        rows = con.sql(
            "SELECT person_id, platform, count(*), min(order_date), max(order_date)"
            " FROM read_parquet($files, hive_partitioning = true) GROUP BY person_id, platform"
            " ORDER BY person_id, platform",
            params={"files": [str(Path(settings.DATA_DIR) / p) for p in orders]},
        ).fetchall()
    finally:
        con.close()
    out: dict[int, list[dict[str, Any]]] = {}
    for person_id, platform, count, first, last in rows:
        row = {"platform": str(platform), "orders": int(count)}
        out.setdefault(int(person_id), []).append({**row, "first_day": first.isoformat(), "last_day": last.isoformat()})
    return out
