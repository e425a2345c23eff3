"""The automatic stops a payment run makes from registry data, each recorded for an officer to confirm or
lift (``suspensions``): a death notice stops the person's own benefits from the month after the death
(dependants' pensions, paid to others, go on); for unemployment benefit, a new engagement or platform
orders in the month stop it from that month. What triggered each stop is kept with it as evidence. A stop
an officer lifted is not made again for the same trigger (the same notice, engagement or month's orders)
on the award or on those that replace it after a review."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from socsec.audit.services import Actor, audit_record
from socsec.core.months import month_first_day, month_index, month_name
from socsec.registry.models import Engagement

from .models import Award, Claim, DeathNotice, Suspension

T = Suspension.Trigger
ReplacedKey = tuple[int, str, str]  # claim, item, beneficiary


def replaced_key(award: Award) -> ReplacedKey:
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
    triggered it; returns the awards newly suspended."""
    newly = []
    working: dict[int, list[dict[str, Any]]] | None = None  # orders in the month by person, read once if needed
    lifted = {
        (replaced_key(s.award), s.trigger_key)
        for s in Suspension.objects.filter(status=Suspension.Status.LIFTED).select_related("award")
    }
    periodic = awards.filter(periodic=True, suspended_from="").select_related("claim__person")
    for award in periodic:
        key = replaced_key(award)
        stop = _death_stop(award, key, lifted)
        if stop is None and award.beneficiary == "" and _unemployed_in(award, month):
            stop = _engagement_stop(award, month, key, lifted)
            if stop is None:
                if working is None:
                    working = _orders_by_person(month)
                orders = working.get(award.claim.person_id)
                if orders and (key, f"orders:{month}") not in lifted:
                    reason = "platform orders in the month show work again (flagged to an officer)"
                    stop = Stop(T.ORDERS, f"orders:{month}", month, reason, {"month": month, "platforms": orders})
        if stop is None:
            continue
        Award.objects.filter(pk=award.pk).update(suspended_from=stop.from_month, suspended_reason=stop.reason[:300])
        award.refresh_from_db()
        audit_record(actor=actor, action="benefit.award.suspend", instance=award)
        Suspension.objects.create(
            award=award,
            person_id=award.claim.person_id,
            trigger=stop.trigger,
            trigger_key=stop.key,
            from_month=stop.from_month,
            reason=stop.reason[:300],
            evidence=stop.evidence,
            run_month=month,
        )
        newly.append(award)
    return newly


def _death_stop(award: Award, key: ReplacedKey, lifted: set[tuple[ReplacedKey, str]]) -> Stop | None:
    notice = DeathNotice.objects.filter(person_id=award.claim.person_id).first()
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


def _unemployed_in(award: Award, month: str) -> bool:
    return (
        award.claim.kind == Claim.Kind.UNEMPLOYMENT
        and award.status == Award.Status.ACTIVE
        and month_index(award.start_month) <= month_index(month)
        and not DeathNotice.objects.filter(person_id=award.claim.person_id).exists()
    )


def _engagement_stop(award: Award, month: str, key: ReplacedKey, lifted: set[tuple[ReplacedKey, str]]) -> Stop | None:
    start = month_first_day(month_index(month))
    new_work = (
        Engagement.objects.filter(person_id=award.claim.person_id, start_date__gt=award.claim.event_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .filter(start_date__lt=month_first_day(month_index(month) + 1))
        .select_related("organisation")
        .order_by("start_date", "id")
    )
    for e in new_work:
        if (key, f"engagement:{e.pk}") in lifted:
            continue
        evidence = {
            "engagement": e.pk,
            "organisation": e.organisation.code,
            "organisation_name": e.organisation.name,
            "sector": e.sector,
            "start_date": e.start_date.isoformat(),
            "end_date": e.end_date.isoformat() if e.end_date else "",
        }
        reason = "a new engagement appears in the registry (flagged to an officer)"
        return Stop(T.ENGAGEMENT, f"engagement:{e.pk}", month, reason, evidence)
    return None


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
