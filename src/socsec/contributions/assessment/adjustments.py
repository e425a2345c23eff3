"""Per-order rate adjustments: an officer sets a platform's per-order amount in a province, in steps,
from the first day of a month, within what the rules allow; the adjustments in force in a month."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from socsec.audit.services import Actor, audit_record
from socsec.batch.orders import month_start
from socsec.contributions.models import PerOrderAdjustment
from socsec.core.db import lock
from socsec.core.errors import Conflict, ValidationFailed
from socsec.core.months import whole_months_between
from socsec.coverage.models import SchemeActivation
from socsec.registry.models import Organisation, Region
from socsec.rules.coverage import Scheme
from socsec.rules.engine import calc
from socsec.rules.formulas import AdjustmentCheck


def adjustment_set(
    *, actor: Actor, platform: Organisation, province_code: str, steps: int, effective_from: dt.date, reason: str
) -> PerOrderAdjustment:
    """Set a platform's per-order amount in a province from the first day of a month, if the rules
    allow it (``oip_adjustment_check``); the refusal names the rule that stops it."""
    errors: dict[str, list[str]] = {}
    province = Region.objects.filter(code=province_code, level=Region.Level.PROVINCE).first()
    if province is None:
        errors["province"] = [f"unknown province code {province_code!r}."]
    if platform.kind != Organisation.Kind.PLATFORM:
        errors["platform"] = [f"{platform.code} is not a platform enterprise."]
    if effective_from.day != 1:
        errors["effective_from"] = ["must be the first day of a month (amounts apply to whole months)."]
    if not reason or not reason.strip():
        errors["reason"] = ["is required: say why the amount changes (fund use, injury incidence)."]
    if errors:
        raise ValidationFailed.from_fields(errors)
    assert province is not None
    switches = SchemeActivation.objects.filter(scheme=Scheme.OIP, region=province).filter(
        Q(organisation=platform) | Q(organisation__isnull=True)
    )
    in_force = switches.filter(start_date__lte=effective_from).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=effective_from)
    )
    joined = switches.order_by("start_date").values_list("start_date", flat=True).first()
    if joined is None or not in_force.exists():
        raise ValidationFailed(
            "effective_from: OIP is not switched on for %(platform)s in %(province_code)s on %(effective_from)s.",
            field="effective_from",
            params={
                "platform": platform.code,
                "province_code": province_code,
                "effective_from": effective_from.isoformat(),
            },
        )
    with transaction.atomic():
        lock(Organisation.objects).filter(pk=platform.pk).first()  # one change at a time
        current = (
            PerOrderAdjustment.objects.filter(platform=platform, province=province, effective_from__lte=effective_from)
            .order_by("-effective_from")
            .first()
        )
        if current is not None and current.effective_from == effective_from:
            raise Conflict(
                "an adjustment from %(effective_from)s is already set",
                field="effective_from",
                params={"effective_from": effective_from.isoformat()},
            )
        check = calc(
            "oip_adjustment_check",
            on=effective_from,
            current_steps=current.steps if current else 0,
            proposed_steps=steps,
            months_in_scheme=whole_months_between(joined, effective_from),
            months_since_last_change=whole_months_between(
                current.effective_from if current else joined, effective_from
            ),
        )
        if check.value != AdjustmentCheck.ALLOWED:
            raise ValidationFailed(
                "steps: refused - %(reason)s.",
                field="steps",
                details={"explanation": check.as_dict()},
                params={"reason": check.meaning},
            )
        adjustment = PerOrderAdjustment.objects.create(
            platform=platform, province=province, steps=steps, effective_from=effective_from, reason=reason.strip()
        )
        audit_record(actor=actor, action="oip.adjustment.set", instance=adjustment)
    return adjustment


def adjustments_for_month(month: str) -> dict[tuple[str, str], int]:
    """Each platform's adjustment in steps per province in force on the month's first day."""
    on = month_start(month)
    current: dict[tuple[str, str], int] = {}
    rows = (
        PerOrderAdjustment.objects.filter(effective_from__lte=on)
        .order_by("effective_from")
        .values_list("platform__code", "province__code", "steps")
    )
    for platform, province, steps in rows:
        current[(platform, province)] = steps  # later dates overwrite earlier ones
    return current
