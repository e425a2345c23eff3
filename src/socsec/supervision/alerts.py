"""Fund alerts: the thresholds a supervisor sets per fund (validated: a limit out of range is refused with
its field and the reason), their evaluation for a month over the ledger's figures (a job), and the alerts
it raised, each recorded once with its evidence and handed to the delivery seam after commit.

Delivery: ``deliver`` hands each new alert to every registered channel (``register_channel``). The
supervisors' pages list the alerts whatever the channels; a notification service registers itself as a
channel to send them on (it is not wired here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from socsec.audit.services import Actor, audit_record, audit_record_many, snapshot
from socsec.benefits.models import Claim
from socsec.benefits.payments import FUND_OF
from socsec.core.errors import NotFound, ValidationFailed
from socsec.core.months import month_index, month_last_day, month_name
from socsec.registry.models import Region
from socsec.rules.coverage import Scheme

from .collection import arrears_by_province
from .funds import COVER_WINDOW, FundMonth, fund_months
from .models import FundAlert, FundThreshold
from .places import province_of

# what a supervisor may set: (lowest, highest) of each limit
LIMITS: dict[str, tuple[Decimal, Decimal]] = {
    "reserve_months": (Decimal("0.1"), Decimal("120")),
    "arrears_growth_months": (Decimal(1), Decimal(24)),
    "claims_jump_percent": (Decimal(1), Decimal(1000)),
}

Channel = Callable[[list[FundAlert]], None]
_channels: list[Channel] = []


def register_channel(channel: Channel) -> None:
    """Have ``channel`` called with the alerts each evaluation raises, after its transaction commits."""
    if channel not in _channels:
        _channels.append(channel)


def deliver(alert_ids: list[int]) -> None:
    """Hand these alerts to every channel and mark them delivered (the pages show them either way)."""
    alerts = list(FundAlert.objects.filter(pk__in=alert_ids, delivered_at__isnull=True).order_by("id"))
    if not alerts:
        return
    for channel in _channels:
        channel(alerts)
    FundAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(delivered_at=timezone.now())


def _limit(name: str, raw: object) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    low, high = LIMITS[name]
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationFailed(
            "%(field)s: “%(value)s” is not a number.", field=name, params={"field": name, "value": str(raw)}
        ) from None
    whole = name != "reserve_months"
    if not value.is_finite() or not low <= value <= high or (whole and value != value.to_integral_value()):
        raise ValidationFailed(
            "%(field)s: must be a number from %(low)s to %(high)s, not %(value)s.",
            field=name,
            params={"field": name, "low": str(low), "high": str(high), "value": str(raw)},
        )
    return value


def fund_threshold_set(
    *,
    actor: Actor,
    scheme: str,
    province: str = "",
    reserve_months: object = None,
    arrears_growth_months: object = None,
    claims_jump_percent: object = None,
) -> FundThreshold:
    """Set a fund's limits (an empty one checks nothing). Refused whole, with the field, when the scheme
    or province is unknown or a limit is out of its range (``LIMITS``)."""
    if scheme not in Scheme.__members__:
        raise ValidationFailed("scheme: “%(value)s” is not a scheme.", field="scheme", params={"value": scheme})
    if province and not Region.objects.filter(code=province, level=Region.Level.PROVINCE).exists():
        raise ValidationFailed("province: “%(value)s” is not a province.", field="province", params={"value": province})
    reserve = _limit("reserve_months", reserve_months)
    if reserve is not None:
        reserve = reserve.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)  # as stored
    growth = _limit("arrears_growth_months", arrears_growth_months)
    jump = _limit("claims_jump_percent", claims_jump_percent)
    with transaction.atomic():
        found = FundThreshold.objects.select_for_update().filter(scheme=scheme, province=province).first()
        wanted = (reserve, int(growth) if growth is not None else None, int(jump) if jump is not None else None)
        if found and (found.reserve_months, found.arrears_growth_months, found.claims_jump_percent) == wanted:
            return found  # as set already: nothing written
        before = snapshot(found) if found else None
        threshold = found or FundThreshold(scheme=scheme, province=province)
        threshold.reserve_months = reserve
        threshold.arrears_growth_months = int(growth) if growth is not None else None
        threshold.claims_jump_percent = int(jump) if jump is not None else None
        threshold.save()
        audit_record(actor=actor, action="supervision.threshold_set", instance=threshold, before=before)
    return threshold


def claims_by_fund(*, start: str, end: str) -> dict[tuple[str, str, str], int]:
    """Claims submitted per (fund scheme, province, month) from ``start`` to ``end`` (YYYY-MM): one query.
    The province is the one of the work region of the claim's engagement, else of the claimant's
    residence."""
    rows = (
        Claim.objects.filter(
            submitted_on__gte=f"{start}-01", submitted_on__lte=month_last_day(month_index(end)).isoformat()
        )
        .annotate(
            month=TruncMonth("submitted_on"),
            province=province_of("engagement__work_region", "person__residence_region"),
        )
        .values("kind", "province", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[tuple[str, str, str], int] = {}
    for row in rows:
        key = (FUND_OF[row["kind"]], str(row["province"]), str(row["month"])[:7])
        out[key] = out.get(key, 0) + int(row["n"])
    return out


def _thresholds() -> Callable[[str, str], FundThreshold | None]:
    by_key = {(t.scheme, t.province): t for t in FundThreshold.objects.all()}
    return lambda scheme, province: by_key.get((scheme, province)) or by_key.get((scheme, ""))


def fund_alerts_evaluate(*, actor: Actor, month: str, today: dt.date | None = None) -> list[FundAlert]:
    """Check every fund with a threshold against its figures of ``month`` (YYYY-MM; the month in course is
    checked on its figures to date):
    its reserve, its arrears at the end of the months before, its claims against the month before. Each
    alert is recorded once (a re-run finds it); the new ones are returned and delivered after commit."""
    index = month_index(month)
    if index > month_index(today or timezone.localdate()):
        raise ValidationFailed(
            "month: %(month)s has not begun; alerts are checked on this month's figures to date or earlier months.",
            field="month",
            params={"month": month},
        )
    threshold_of = _thresholds()
    found: list[tuple[FundThreshold, str, str, FundAlert.Kind, dict[str, object]]] = []
    months = [m for m in fund_months(until=month) if m.month == month]
    for row in months:
        t = threshold_of(row.scheme, row.province)
        if t and t.reserve_months is not None and _reserve_low(row, t.reserve_months):
            found.append((t, row.scheme, row.province, FundAlert.Kind.RESERVE_LOW, _reserve_evidence(row, t)))
    growth = [t for t in FundThreshold.objects.filter(scheme=Scheme.OIP, arrears_growth_months__isnull=False)]
    if growth:
        longest = max(int(t.arrears_growth_months or 0) for t in growth)
        ends = [month_name(index - k) for k in range(longest, -1, -1)]
        series = [arrears_by_province(month_last_day(month_index(m))) for m in ends]
        provinces = sorted({p for s in series for p in s})
        for province in provinces:
            t = threshold_of(Scheme.OIP, province)
            if t is None or t.arrears_growth_months is None:
                continue
            k = int(t.arrears_growth_months)
            values = [s.get(province, 0) for s in series[-(k + 1) :]]
            if all(b > a for a, b in zip(values, values[1:], strict=False)):
                evidence = {
                    "months": ends[-(k + 1) :],
                    "arrears_cents": values,
                    "limit_months": k,
                }
                found.append((t, Scheme.OIP.value, province, FundAlert.Kind.ARREARS_GROWING, evidence))
    claims = claims_by_fund(start=month_name(index - 1), end=month)
    for scheme, province in sorted({(s, p) for s, p, _m in claims}):
        t = threshold_of(scheme, province)
        if t is None or t.claims_jump_percent is None:
            continue
        before, now = claims.get((scheme, province, month_name(index - 1)), 0), claims.get((scheme, province, month), 0)
        if before > 0 and (now - before) * 100 > t.claims_jump_percent * before:
            evidence = {
                "months": [month_name(index - 1), month],
                "claims": [before, now],
                "rise_percent": str((Decimal(now - before) * 100 / before).quantize(Decimal("0.1"))),
                "limit_percent": t.claims_jump_percent,
            }
            found.append((t, scheme, province, FundAlert.Kind.CLAIMS_JUMP, evidence))
    return _record(actor, month, found)


def _reserve_low(row: FundMonth, limit: Decimal) -> bool:
    return row.reserve_cents <= 0 if row.reserve_months is None else row.reserve_months < limit


def _reserve_evidence(row: FundMonth, t: FundThreshold) -> dict[str, object]:
    return {
        "reserve_cents": row.reserve_cents,
        "expenditure_cents": row.expenditure_cents,
        "reserve_months": None if row.reserve_months is None else str(row.reserve_months),
        "window_months": COVER_WINDOW,
        "limit_months": str(t.reserve_months),
    }


def _record(
    actor: Actor, month: str, found: Iterable[tuple[FundThreshold, str, str, FundAlert.Kind, dict[str, object]]]
) -> list[FundAlert]:
    now = timezone.now()
    with transaction.atomic():
        known = set(FundAlert.objects.filter(month=month).values_list("kind", "scheme", "province"))
        new = [
            FundAlert(
                threshold=t, kind=kind, scheme=scheme, province=province, month=month, evidence=evidence, raised_at=now
            )
            for t, scheme, province, kind, evidence in found
            if (kind.value, scheme, province) not in known
        ]
        made = FundAlert.objects.bulk_create(new)  # both databases return the ids
        if made:
            audit_record_many(actor=actor, action="supervision.alert_raised", instances=made)
            ids = [a.pk for a in made]
            transaction.on_commit(lambda: deliver(ids))
    return made


def fund_alert_acknowledge(*, actor: Actor, alert_id: int) -> FundAlert:
    """A supervisor has seen the alert: it leaves the open list, with who and when."""
    with transaction.atomic():
        alert = FundAlert.objects.select_for_update().filter(pk=alert_id).first()
        if alert is None:
            raise NotFound("alert: there is no alert %(id)s.", field="alert", params={"id": alert_id})
        before = snapshot(alert)
        if alert.state != FundAlert.State.ACKNOWLEDGED:
            alert.state = FundAlert.State.ACKNOWLEDGED
            alert.acknowledged_by_id = actor.user_id
            alert.acknowledged_at = timezone.now()
            alert.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])
            audit_record(actor=actor, action="supervision.alert_acknowledged", instance=alert, before=before)
    return alert
