"""A worker pays their own contribution (employee pension or medical insurance on a chosen base, the
residents' pension by a yearly tier): the checks of the period and of the coverage rules, the amounts
from the rules, the record and its ledger posting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation

from socsec.audit.services import Actor, audit_record
from socsec.contributions.errors import ContributionErrorCode
from socsec.contributions.models import OwnContribution
from socsec.core.db import lock
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.core.money import format_yuan
from socsec.core.months import month_first_day, month_index
from socsec.ledger.accounts import BANK_COLLECTION
from socsec.notifications import recipients
from socsec.notifications.services import notify
from socsec.registry.models import Person
from socsec.rules.engine import Explanation, RuleViolation, calc
from socsec.rules.formulas import PERIOD_CODES, PeriodCheck

from .amounts import OwnAmounts, own_amounts, own_contribution_post

FREQUENCIES = (1, 3, 12)  # monthly, quarterly, yearly
MAX_DECLARED_BASE_CENTS = 10**10  # far above any 300% ceiling; it only guards the storage


BASED_SCHEMES = (OwnContribution.Scheme.EMPLOYEE_PENSION, OwnContribution.Scheme.MEDICAL)  # a chosen base


@dataclass(frozen=True)
class PayPlan:
    """A payment checked against the rules: the months it covers, the day whose rules price it, whether it
    is a past month paid late, and the period check's explanation."""

    months: int
    rule_day: dt.date
    deferred: bool
    check: Explanation | None


def own_contribution_check(
    *,
    actor: Actor,
    person: Person,
    scheme: str,
    period_start: dt.date,
    months: int,
    declared_base_cents: int | None,
    tier: str,
    today: dt.date,
) -> PayPlan:
    """The checks of ``own_contribution_pay`` before anything is written: the fields, the period the rules
    leave open, and that the scheme is voluntary for the person in every month paid for."""
    from socsec.coverage.selectors import coverage_for
    from socsec.rules.coverage import Scheme as RuleScheme
    from socsec.rules.coverage import Status

    if actor.organisation_id is not None:
        raise Forbidden("only the worker or an officer records a worker's own contribution", field="person")
    errors: dict[str, list[str]] = {}
    if scheme not in OwnContribution.Scheme.values:
        errors["scheme"] = [f"{scheme!r} is not one of {', '.join(OwnContribution.Scheme.values)}."]
    if period_start.day != 1:
        errors["period_start"] = ["must be the first day of a month."]
    if scheme in BASED_SCHEMES:
        if months not in FREQUENCIES:
            errors["months"] = [f"{months} is not monthly (1), quarterly (3) or yearly (12)."]
        if declared_base_cents is None or declared_base_cents <= 0:
            errors["declared_base_cents"] = ["is required: the monthly base you choose, in cents."]
        elif declared_base_cents > MAX_DECLARED_BASE_CENTS:
            errors["declared_base_cents"] = [f"{declared_base_cents} is not a plausible monthly base."]
        if tier:
            errors["tier"] = ["belongs to the residents' pension; leave it out."]
    if scheme == OwnContribution.Scheme.RESIDENT_PENSION:
        if months not in (1, 12):
            errors["months"] = ["the residents' pension is paid by the year."]
        months = 12
        if not tier or len(tier) > 10:
            errors["tier"] = ["is required: the yearly tier you choose (e.g. 500)."]
        if declared_base_cents is not None:
            errors["declared_base_cents"] = ["belongs to the employee pension; leave it out."]
    if errors:
        raise ValidationFailed.from_fields(errors)
    rule_day, deferred, check = period_start, False, None
    if scheme in BASED_SCHEMES:
        check = calc("own_contribution_period_check", on=today, period_start=period_start)
        code = PeriodCheck(int(check.value))
        if code == PeriodCheck.IN_DEFERRAL_WINDOW and scheme == OwnContribution.Scheme.MEDICAL:
            code = PeriodCheck.BACK_PAYMENT_NOT_OPEN  # the deferral windows are the pension's
        if code not in (PeriodCheck.PAYABLE, PeriodCheck.IN_DEFERRAL_WINDOW):
            raise ValidationFailed(
                "period_start: %(month)s cannot be paid on %(today)s - %(reason)s",
                field="period_start",
                params={"month": f"{period_start:%Y-%m}", "today": today.isoformat(), "reason": PERIOD_CODES[code]},
            )
        deferred = code == PeriodCheck.IN_DEFERRAL_WINDOW
        rule_day = today if deferred else period_start  # a deferred month: the bounds of the year it is paid in
    for offset in range(months):  # open to them in every month paid for
        day = month_first_day(month_index(period_start) + offset)
        coverage = coverage_for(person, day).scheme(RuleScheme(scheme))
        if coverage.status != Status.VOLUNTARY:
            raise ValidationFailed(
                "scheme: not open to you on %(day)s - %(reason_text)s",
                field="scheme",
                params={"day": day.isoformat(), "reason_text": coverage.reason.text},
            )
    return PayPlan(months, rule_day, deferred, check)


def _already_paid(person: Person, scheme: str, period_start: dt.date, months: int) -> None:
    end = month_first_day(month_index(period_start) + months)
    for paid in OwnContribution.objects.filter(person=person, scheme=scheme, period_start__lt=end):
        if month_first_day(month_index(paid.period_start) + paid.months) > period_start:
            raise Conflict(
                "the months from %(period_start)s (%(months)s) are already paid",
                field="period_start",
                code=ContributionErrorCode.ALREADY_PAID,
                params={"period_start": paid.period_start.isoformat(), "months": paid.months},
            )


def _amounts(
    person: Person, scheme: str, period_start: dt.date, plan: PayPlan, base: int | None, tier: str
) -> OwnAmounts:
    try:
        region = person.residence_region.code
        return own_amounts(person, scheme, region, period_start, plan.rule_day, plan.months, base, tier)
    except RuleViolation as exc:
        where = "tier" if scheme == OwnContribution.Scheme.RESIDENT_PENSION else "period_start"
        raise ValidationFailed(
            "%(where)s: %(reason)s", field=where, params={"where": where, "reason": str(exc)}
        ) from None


def own_contribution_quote(
    *,
    actor: Actor,
    person: Person,
    scheme: str,
    period_start: dt.date,
    months: int = 1,
    declared_base_cents: int | None = None,
    tier: str = "",
    today: dt.date | None = None,
) -> tuple[OwnAmounts, PayPlan]:
    """What ``own_contribution_pay`` would book today, with its explanation, writing nothing: shown to the
    person before they pay. Refused as the payment would be (months paid already included)."""
    today = today or timezone.localdate()
    plan = own_contribution_check(
        actor=actor,
        person=person,
        scheme=scheme,
        period_start=period_start,
        months=months,
        declared_base_cents=declared_base_cents,
        tier=tier,
        today=today,
    )
    _already_paid(person, scheme, period_start, plan.months)
    amounts = _amounts(person, scheme, period_start, plan, declared_base_cents, tier)
    if plan.check is not None:
        amounts.explanation["period"] = plan.check.as_dict()
    return amounts, plan


def own_contribution_pay(
    *,
    actor: Actor,
    person: Person,
    scheme: str,
    period_start: dt.date,
    months: int = 1,
    declared_base_cents: int | None = None,
    tier: str = "",
    today: dt.date | None = None,
) -> OwnContribution:
    """A worker pays their own contribution for a period. Allowed only where the coverage rules say the
    scheme is voluntary for them on that date, and for a month the rules leave open (the current one or
    later; a past one inside a deferral window, until its deadline). The amount, its split, the subsidy
    of the person's relief group and any hardship payment come from the rules, with the explanation
    kept. One payment per person, scheme and period start."""
    today = today or timezone.localdate()
    with transaction.atomic():
        lock(Person.objects).filter(pk=person.pk).first()  # one payment of a person at a time
        amounts, plan = own_contribution_quote(
            actor=actor,
            person=person,
            scheme=scheme,
            period_start=period_start,
            months=months,
            declared_base_cents=declared_base_cents,
            tier=tier,
            today=today,
        )
        months, deferred = plan.months, plan.deferred
        region = person.residence_region
        record = OwnContribution.objects.create(
            person=person,
            scheme=scheme,
            region=region,
            period_start=period_start,
            months=months,
            declared_base_cents=declared_base_cents,
            tier=tier,
            deferred=deferred,
            **amounts.record_fields(),
            paid_on=today,
        )
        own_contribution_post(record, amounts, region.province_code, BANK_COLLECTION, today)
        audit_record(actor=actor, action="contribution.own.pay", instance=record)
        with translation.override(None):  # the scheme's words as the catalogue's msgid, shown translated
            label = str(OwnContribution.Scheme(scheme).label)
        notify(
            event="contribution.received",
            recipient=recipients.person(person.pk),
            context={
                "amount": format_yuan(record.paid_cents),
                "scheme": label,
                "months": months,
                "start": period_start.isoformat(),
            },
            dedupe_key=str(record.pk),
        )
    return record
